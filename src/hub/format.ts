import type { HubReport, ProblemCode, RepoAccess, RepoReport, StageTokenSource } from './report.js';
import { formatGigabytes } from './report.js';
import { sanitizeLine } from '../util/sanitize.js';

/** Characters kept of one report line; a Hub response can put arbitrary text into one. */
const MAX_LINE_CHARS = 400;

/** Status of one line; the views map it to a theme role, a glyph and a word. */
export type LineTone = 'ok' | 'warning' | 'error' | 'info';

export interface ReportLine {
  tone: LineTone;
  text: string;
  /** Indentation level under the previous line (0 or 1). */
  depth: 0 | 1;
}

/** The "Hugging Face" section shown by `doctor` and by the stage preflight screen. */
export interface HubSection {
  title: 'Hugging Face';
  /** Worst tone among the lines: "error" when a stage would fail, "warning" when it may still run. */
  status: 'ok' | 'warning' | 'error';
  lines: ReportLine[];
}

export const TONE_GLYPHS: Record<LineTone, string> = { ok: '✓', warning: '!', error: '✗', info: '·' };
export const TONE_WORDS: Record<LineTone, string> = { ok: 'ok', warning: 'warning', error: 'error', info: 'info' };

const ACCESS_WORDS: Record<RepoAccess, string> = {
  granted: 'access granted',
  'not-accepted': 'terms not accepted',
  pending: 'access request pending',
  'fine-grained': 'token lacks gated read access',
  'needs-token': 'token needed',
  'invalid-token': 'token rejected',
  'not-found': 'not found',
  'path-missing': 'files missing',
  unchecked: 'not checked (offline)',
  error: 'check failed',
};

const STAGE_TOKEN_WORDS: Record<StageTokenSource, string> = {
  local: "the stage gets this token through the runner's secret channel",
  server: 'the stage uses the token configured on the GPU server',
  none: 'the stage has no token: gated repositories will fail',
  unknown: 'the stage may still use a token configured on the GPU server',
};

/** Builds the section's lines from a report: token, account, each repository, sizes and every problem with its fix. */
export function hubSection(report: HubReport): HubSection {
  const lines: ReportLine[] = [...tokenLines(report)];

  if (report.offline) {
    lines.push({ tone: 'warning', depth: 0, text: `Hub not reached at ${report.endpoint}: ${report.offlineReason ?? 'network error'}` });
    lines.push({ tone: 'info', depth: 1, text: 'Access and sizes not checked; the GPU server may already have the files cached.' });
    lines.push(...fixLines(report, 'offline'));
  }

  for (const repo of report.repos) {
    lines.push(...repoLines(repo, report));
  }

  lines.push(...sizeLines(report));

  const hasError = report.problems.some((problem) => problem.severity === 'error');
  const hasWarning = report.problems.length > 0;
  // Account names and error messages come from the Hub: strip escape sequences and cut overlong text.
  const cleaned = lines.map((line) => ({ ...line, text: sanitizeLine(line.text, MAX_LINE_CHARS) }));
  return { title: 'Hugging Face', status: hasError ? 'error' : hasWarning ? 'warning' : 'ok', lines: cleaned };
}

function tokenLines(report: HubReport): ReportLine[] {
  const lines: ReportLine[] = [];
  const { token } = report;

  for (const skipped of token.skipped) {
    const why = skipped.reason === 'empty' ? 'empty' : `unreadable: ${skipped.detail ?? 'unknown error'}`;
    lines.push({ tone: 'warning', depth: 0, text: `Token file ${skipped.path} skipped (${why})` });
  }

  if (!token.found) {
    const tone = report.serverToken === 'present' ? 'warning' : 'error';
    lines.push({ tone, depth: 0, text: `No token on this machine; ${STAGE_TOKEN_WORDS[report.stageToken]}` });
    lines.push(...fixLines(report, 'no-token'));
    return lines;
  }

  let tone: LineTone = 'info';
  if (report.tokenRejected) {
    tone = 'error';
  } else if (report.account) {
    tone = 'ok';
  }
  lines.push({ tone, depth: 0, text: `Token ${token.masked ?? ''} from ${token.source?.label ?? 'unknown source'}` });
  lines.push(...fixLines(report, 'invalid-token'));
  if (report.account) {
    const role = report.account.tokenRole ? `, role ${report.account.tokenRole}` : '';
    let gated = '';
    if (report.account.canReadGatedRepos !== null) {
      gated = report.account.canReadGatedRepos ? ', may read gated repos' : ', may NOT read gated repos';
    }
    lines.push({ tone: 'info', depth: 1, text: `Account ${report.account.name}${role}${gated}` });
  }
  if (token.note) {
    lines.push({ tone: 'info', depth: 1, text: token.note });
  }
  const serverSource = report.stageToken === 'server' && report.serverTokenSource ? ` (${report.serverTokenSource})` : '';
  lines.push({ tone: 'info', depth: 1, text: `Stage token: ${STAGE_TOKEN_WORDS[report.stageToken]}${serverSource}` });
  lines.push(...fixLines(report, 'server-token-overrides'));
  return lines;
}

function repoLines(repo: RepoReport, report: HubReport): ReportLine[] {
  const problem = report.problems.find((item) => item.repo === repo.id);
  let tone: LineTone = problem?.severity ?? 'error';
  if (repo.access === 'granted') {
    tone = 'ok';
  } else if (repo.access === 'unchecked') {
    tone = 'warning';
  }
  let gated = '';
  if (repo.gated !== null) {
    gated = repo.gated === false ? ', not gated' : `, gated (${repo.gated})`;
  }
  const size = repo.downloadBytes === null ? '' : `, ${formatGigabytes(repo.downloadBytes)} in ${repo.files ?? 0} files`;

  const lines: ReportLine[] = [
    { tone, depth: 0, text: `${repo.id}: ${ACCESS_WORDS[repo.access]}${gated}${size}` },
    { tone: 'info', depth: 1, text: `${repo.purpose}; stages: ${repo.stages.join(', ')}` },
  ];
  // A rejected token already has its fix under the token line; repeating it per repository adds nothing.
  const explainedAbove = repo.access === 'invalid-token' && report.tokenRejected;
  if (problem && !explainedAbove) {
    lines.push({ tone: 'info', depth: 1, text: problem.message });
    lines.push({ tone: 'info', depth: 1, text: `Fix: ${problem.fix}` });
  }
  return lines;
}

function sizeLines(report: HubReport): ReportLine[] {
  const lines: ReportLine[] = [];
  if (report.downloadBytes !== null) {
    lines.push({ tone: 'info', depth: 0, text: `Download: ${formatGigabytes(report.downloadBytes)} in total (less if already cached)` });
  }
  if (report.disk) {
    const tone = report.disk.enough ? 'ok' : 'error';
    const verdict = report.disk.enough ? 'enough space' : 'not enough space';
    lines.push({ tone, depth: 0, text: `Disk: ${report.disk.summary}: ${verdict}` });
    lines.push(...fixLines(report, 'disk-space'));
  }
  return lines;
}

/** Returns the fix of a problem that concerns no repository (token, network, disk) as an indented line. */
function fixLines(report: HubReport, code: ProblemCode): ReportLine[] {
  const problem = report.problems.find((item) => item.repo === null && item.code === code);
  return problem ? [{ tone: 'info', depth: 1, text: `Fix: ${problem.fix}` }] : [];
}

/** Renders a section as plain text: one line per entry, glyph and word first, two spaces per depth. */
export function formatHubSection(section: HubSection): string {
  const body = section.lines.map((line) => {
    if (line.depth === 1) {
      return `    ${line.text}`;
    }
    return `  ${TONE_GLYPHS[line.tone]} ${line.text}`;
  });
  return [`${section.title}: ${TONE_WORDS[section.status === 'ok' ? 'ok' : section.status]}`, ...body].join('\n') + '\n';
}

/** Plain-text report for `hub check`. */
export function formatHubReport(report: HubReport): string {
  return formatHubSection(hubSection(report));
}
