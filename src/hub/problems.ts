import {
  GATED_READ_PERMISSION,
  TOKEN_SETTINGS_URL,
  type HubProblem,
  type HubReport,
  type RepoReport,
} from './report.js';

const CREATE_TOKEN_FIX = `Create a token with read access at ${TOKEN_SETTINGS_URL}, then run \`hf auth login\` or set HF_TOKEN.`;
const FINE_GRAINED_FIX = `Edit the fine-grained token at ${TOKEN_SETTINGS_URL} and enable '${GATED_READ_PERMISSION}', or create a token of type Read.`;

type ReportWithoutProblems = Omit<HubReport, 'problems' | 'ok'>;

/** Lists every problem in a report, each with the page to open and the exact fix. */
export function collectProblems(report: ReportWithoutProblems): HubProblem[] {
  const problems: HubProblem[] = [];

  for (const skipped of report.token.skipped) {
    problems.push({
      code: 'token-file-skipped',
      severity: 'warning',
      repo: null,
      url: TOKEN_SETTINGS_URL,
      message:
        skipped.reason === 'empty'
          ? `Token file ${skipped.path} is empty and was skipped.`
          : `Token file ${skipped.path} could not be read (${skipped.detail ?? 'unknown error'}) and was skipped.`,
      fix: `Delete ${skipped.path} or write a token into it with \`hf auth login\`.`,
    });
  }

  if (!report.token.found) {
    const stageMayUseServerToken = report.serverToken !== 'absent';
    problems.push({
      code: 'no-token',
      severity: report.serverToken === 'present' ? 'warning' : 'error',
      repo: null,
      url: TOKEN_SETTINGS_URL,
      message: stageMayUseServerToken
        ? 'No Hugging Face token on this machine (HF_TOKEN, HF_TOKEN_PATH, HF_HOME/token, ~/.cache/huggingface/token). The stage may still use a token configured on the GPU server, but gated access cannot be checked from here.'
        : 'No Hugging Face token on this machine or on the GPU server, and the course needs gated repositories.',
      fix: CREATE_TOKEN_FIX,
    });
  }

  if (report.token.found && report.stageToken === 'server') {
    const variable = report.serverTokenSource?.slice('env:'.length) ?? 'HF_TOKEN';
    problems.push({
      code: 'server-token-overrides',
      severity: 'warning',
      repo: null,
      url: TOKEN_SETTINGS_URL,
      message: `The GPU server sets ${variable}, which huggingface_hub prefers to the token ${report.token.masked ?? ''} that the tutor passes in HF_TOKEN_PATH, so the stage uses the server's token and the access shown here may not apply.`,
      fix: `Remove ${variable} from the server's shell startup files to use the local token, or check the server's token with \`hf auth whoami\` there.`,
    });
  }

  if (report.tokenRejected) {
    problems.push({
      code: 'invalid-token',
      severity: 'error',
      repo: null,
      url: TOKEN_SETTINGS_URL,
      message: `The Hub rejected the token ${report.token.masked ?? ''} from ${report.token.source?.label ?? 'unknown source'}: it is invalid, expired or not a Hugging Face token (those start with hf_).`,
      fix: `${CREATE_TOKEN_FIX} Replace the old token where it was found.`,
    });
  }

  if (report.offline) {
    problems.push({
      code: 'offline',
      severity: 'warning',
      repo: null,
      url: report.endpoint,
      message: `The Hub at ${report.endpoint} was not reached (${report.offlineReason ?? 'network error'}). Only the token source and mask were checked; the GPU server may already have the files cached.`,
      fix: 'Check the network connection, HF_ENDPOINT and HF_HUB_OFFLINE, then run `mllm-course hub check` again.',
    });
  }

  for (const repo of report.repos) {
    const problem = repoProblem(repo, report);
    if (problem) {
      problems.push(problem);
    }
  }

  if (report.disk && !report.disk.enough) {
    problems.push({
      code: 'disk-space',
      severity: 'error',
      repo: null,
      url: report.endpoint,
      message: `Not enough free disk space for the downloads: ${report.disk.summary}.`,
      fix: 'Free disk space on the GPU server or choose a work directory on a larger disk.',
    });
  }

  return problems;
}

function repoProblem(repo: RepoReport, report: ReportWithoutProblems): HubProblem | null {
  const account = report.account?.name;
  const base = { repo: repo.id, url: repo.url, severity: 'error' as const };

  switch (repo.access) {
    case 'granted':
    case 'unchecked':
      return null;
    case 'not-accepted':
      return {
        ...base,
        code: 'not-accepted',
        message: `${repo.id} is gated and ${account ? `account ${account}` : 'this account'} has not accepted its terms.`,
        fix: `Open ${repo.url}, log in${account ? ` as ${account}` : ''}, and accept the terms.`,
      };
    case 'pending':
      return {
        ...base,
        code: 'pending',
        message: `The access request for ${repo.id} is waiting for the authors' review.`,
        fix: `Wait for the approval e-mail, or check the request status at ${repo.url}.`,
      };
    case 'fine-grained':
      return {
        ...base,
        code: 'fine-grained',
        message: `The fine-grained token ${report.token.masked ?? ''} may not read gated repositories, so the Hub returns 403 for ${repo.id} even when its terms are accepted.`,
        fix: FINE_GRAINED_FIX,
      };
    case 'needs-token':
      return {
        ...base,
        // With a server token the stage may still work, so the missing local token is not fatal.
        severity: report.serverToken === 'present' ? 'warning' : 'error',
        code: 'needs-token',
        message: `${repo.id} is gated and no token was sent, so access could not be checked.`,
        fix: `Set a token with read access (create one at ${TOKEN_SETTINGS_URL}), then open ${repo.url}, log in, and accept the terms.`,
      };
    case 'invalid-token':
      return {
        ...base,
        code: 'invalid-token',
        message: `The Hub rejected the token when reading ${repo.id}.`,
        fix: CREATE_TOKEN_FIX,
      };
    case 'not-found':
      return {
        ...base,
        code: 'not-found',
        message: `${repo.id} was not found on ${report.endpoint} (or it is private to another account).`,
        fix: `Open ${repo.url} to check the name; if HF_ENDPOINT or --endpoint is set, check that it points at the Hub.`,
      };
    case 'path-missing':
      return {
        ...base,
        code: 'path-missing',
        message: `${repo.id} has no files the stage downloads (${repo.detail ?? 'folder missing'}); the repository layout may have changed.`,
        fix: `Open ${repo.url}/tree/main to see the current layout and report it to the course maintainers.`,
      };
    case 'error':
      return {
        ...base,
        code: 'error',
        message: `Checking ${repo.id} failed: ${repo.detail ?? 'unknown error'}.`,
        fix: `Open ${repo.url} to check the repository, then run \`mllm-course hub check\` again.`,
      };
  }
}
