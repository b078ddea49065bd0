import {
  HubApiError,
  InvalidApiResponseFormatError,
  datasetInfo,
  fileDownloadInfo,
  listFiles,
  modelInfo,
  whoAmI,
  type RepoDesignation,
} from '@huggingface/hub';
import { debug } from '../util/debug.js';
import { classifyFailure, networkErrorReason, type HubFailure } from './classify.js';
import { collectProblems } from './problems.js';
import {
  checkDiskSpace,
  stageTokenSource,
  type HubAccount,
  type HubReport,
  type RepoAccess,
  type RepoReport,
  type ServerTokenState,
} from './report.js';
import {
  REPO_REQUIREMENTS,
  repoUrl,
  requirementsFor,
  selectDownloadFiles,
  type RepoFile,
  type RepoRequirement,
  type StageSelection,
} from './requirements.js';
import { discoverToken, type TokenDiscovery } from './token.js';

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';
/** Time limit for one Hub request; past it the Hub counts as unreachable. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

export interface HubCheckOptions {
  /** Stage whose repositories are checked; `all` (the default) checks every stage's. */
  stage?: StageSelection;
  env?: NodeJS.ProcessEnv;
  /** Hub base URL; overrides HF_ENDPOINT. */
  endpoint?: string;
  /** Token discovery already done by the caller; by default the token is looked up in `env`. */
  discovery?: TokenDiscovery;
  /** Free bytes in the GPU server's work directory, from the runner's preflight. */
  freeDiskBytes?: number | null;
  /** Whether the runner saw a token configured on the GPU server (see `parseServerTokenProbe`). */
  serverToken?: ServerTokenState;
  /** Source of that token, e.g. `env:HF_TOKEN` or `file:/home/ana/.cache/huggingface/token`. */
  serverTokenSource?: string | null;
  timeoutMs?: number;
  fetch?: typeof fetch;
  requirements?: readonly RepoRequirement[];
  now?: () => Date;
}

/** Raised for an endpoint that is not an http(s) URL; the command reports it as bad usage. */
export class InvalidEndpointError extends Error {
  constructor(readonly endpoint: string, problem = `expected an http:// or https:// URL such as ${DEFAULT_HUB_ENDPOINT}`) {
    super(`Invalid Hub endpoint "${endpoint}": ${problem}.`);
    this.name = 'InvalidEndpointError';
  }
}

/** Picks the Hub URL: the explicit option, else HF_ENDPOINT, else huggingface.co; without a trailing slash. */
export function resolveEndpoint(explicit: string | undefined, env: NodeJS.ProcessEnv): string {
  // An empty --endpoint (say, an unset shell variable) must not fall back to the public Hub unnoticed.
  if (explicit !== undefined && explicit.trim() === '') {
    throw new InvalidEndpointError(explicit);
  }
  const raw = explicit ?? (env.HF_ENDPOINT || DEFAULT_HUB_ENDPOINT);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidEndpointError(raw);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidEndpointError(raw);
  }
  if (url.username !== '' || url.password !== '') {
    // fetch rejects such URLs, and the report would print the password in every fix it suggests.
    throw new InvalidEndpointError(`${url.protocol}//***@${url.host}`, 'it must not contain a user name or password; pass the token through HF_TOKEN instead');
  }
  return raw.replace(/\/+$/, '');
}

/** Whether HF_HUB_OFFLINE requests no network access, with the values huggingface_hub accepts as true. */
export function hubOfflineRequested(env: NodeJS.ProcessEnv): boolean {
  return ['1', 'ON', 'YES', 'TRUE'].includes((env.HF_HUB_OFFLINE ?? '').toUpperCase());
}

/** Everything a repository check needs from the run: endpoint, token and the failure log of the fetch wrapper. */
interface CheckContext {
  hubUrl: string;
  accessToken: string | undefined;
  fetch: typeof fetch;
  failures: Map<string, HubFailure>;
  canReadGatedRepos: boolean | null;
}

/**
 * Checks the token and every repository the stage needs against the Hub: existence, gating, access with
 * this token, and the download size. Never throws for Hub error responses or network failures, which end up
 * in the report (`offline: true` when the Hub cannot be reached). Throws {@link InvalidEndpointError} only.
 */
export async function checkHubAccess(options: HubCheckOptions = {}): Promise<HubReport> {
  const env = options.env ?? process.env;
  const stage = options.stage ?? 'all';
  const hubUrl = resolveEndpoint(options.endpoint, env);
  const discovery = options.discovery ?? discoverToken(env);
  const serverToken = options.serverToken ?? 'unknown';
  const requirements = requirementsFor(stage, options.requirements ?? REPO_REQUIREMENTS);
  const failures = new Map<string, HubFailure>();
  const fetchImpl = recordingFetch(options.fetch ?? fetch, failures, options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);

  let offlineReason: string | null = hubOfflineRequested(env) ? 'HF_HUB_OFFLINE is set, so the Hub was not contacted' : null;
  let account: HubAccount | null = null;
  let tokenRejected = false;
  let accessToken = discovery.token?.reveal();

  if (accessToken !== undefined && !accessToken.startsWith('hf_')) {
    // @huggingface/hub throws on such a token before any request, so the report lists it as rejected.
    tokenRejected = true;
    accessToken = undefined;
  }

  debug('hub: checking %d repositories for stage %s at %s, token %s', requirements.length, stage, hubUrl, discovery.info.masked ?? 'none');

  if (accessToken !== undefined && offlineReason === null) {
    try {
      account = toAccount(await whoAmI({ accessToken, hubUrl, fetch: fetchImpl }));
    } catch (error) {
      offlineReason = networkErrorReason(error);
      if (offlineReason === null) {
        if (error instanceof HubApiError && error.statusCode === 401) {
          tokenRejected = true;
          accessToken = undefined;
        } else {
          debug('hub: whoami failed: %s', errorMessage(error));
        }
      }
    }
  }

  const context: CheckContext = {
    hubUrl,
    accessToken,
    fetch: fetchImpl,
    failures,
    canReadGatedRepos: account?.canReadGatedRepos ?? null,
  };

  let repos: RepoReport[];
  if (offlineReason !== null) {
    repos = requirements.map((requirement) => emptyRepoReport(requirement, hubUrl, 'unchecked'));
  } else {
    const results = await Promise.all(requirements.map((requirement) => checkRepo(requirement, context)));
    offlineReason = results.find((result) => result.offlineReason !== null)?.offlineReason ?? null;
    repos = results.map((result) => result.report);
  }

  if (tokenRejected) {
    // The repositories were read without the rejected token, so "needs a token" really means "needs a valid one".
    repos = repos.map((repo) => (repo.access === 'needs-token' ? { ...repo, access: 'invalid-token' } : repo));
  }

  const downloadBytes = repos.every((repo) => repo.downloadBytes !== null)
    ? repos.reduce((sum, repo) => sum + (repo.downloadBytes ?? 0), 0)
    : null;
  const freeDiskBytes = options.freeDiskBytes ?? null;

  const partial: Omit<HubReport, 'problems' | 'ok'> = {
    stage,
    endpoint: hubUrl,
    checkedAt: (options.now ?? (() => new Date()))().toISOString(),
    offline: offlineReason !== null,
    offlineReason,
    token: discovery.info,
    account,
    tokenRejected,
    serverToken,
    serverTokenSource: options.serverTokenSource ?? null,
    stageToken: stageTokenSource(discovery.info.found, serverToken, options.serverTokenSource ?? null),
    repos,
    downloadBytes,
    disk: downloadBytes !== null && freeDiskBytes !== null ? checkDiskSpace(downloadBytes, freeDiskBytes) : null,
  };
  const problems = collectProblems(partial);
  debug('hub: check finished, offline=%s, %d problems', partial.offline, problems.length);

  return { ...partial, problems, ok: problems.every((problem) => problem.severity !== 'error') };
}

interface RepoCheckResult {
  report: RepoReport;
  offlineReason: string | null;
}

async function checkRepo(requirement: RepoRequirement, context: CheckContext): Promise<RepoCheckResult> {
  const report = emptyRepoReport(requirement, context.hubUrl, 'granted');
  const repo: RepoDesignation = { type: requirement.type, name: requirement.id };
  const credentials = context.accessToken === undefined ? {} : { accessToken: context.accessToken };
  const common = { hubUrl: context.hubUrl, fetch: context.fetch, ...credentials };
  // Once the repository info succeeded, a 404 can only mean a missing folder or file.
  let repositoryFound = false;

  try {
    const info =
      requirement.type === 'model'
        ? await modelInfo({ name: requirement.id, ...common })
        : await datasetInfo({ name: requirement.id, ...common });
    // A Hub (or a mirror) that responds with another shape must not print "gated (undefined)".
    report.gated = info.gated === false || info.gated === 'auto' || info.gated === 'manual' ? info.gated : null;
    report.private = typeof info.private === 'boolean' ? info.private : null;
    repositoryFound = true;

    const listed: RepoFile[] = [];
    for (const folder of requirement.listPaths) {
      for await (const entry of listFiles({ repo, path: folder || undefined, recursive: true, ...common })) {
        if (entry.type === 'file') {
          listed.push({ path: entry.path, size: entry.lfs?.size ?? entry.size, large: entry.lfs !== undefined || entry.xetHash !== undefined });
        }
      }
    }

    const selected = selectDownloadFiles(requirement, listed);
    report.files = selected.length;
    report.downloadBytes = selected.reduce((sum, file) => sum + file.size, 0);
    if (selected.length === 0) {
      report.access = 'path-missing';
      report.detail = `no file matches ${requirement.include.join(', ')}`;
      return { report, offlineReason: null };
    }

    // Repository info and listings return 200 even for gated repositories whose terms were not accepted, so
    // only a file request proves access.
    const probe = probeFile(selected);
    try {
      const download = await fileDownloadInfo({ repo, path: probe.path, ...common });
      if (download === null) {
        report.access = 'path-missing';
        report.detail = `${probe.path} is listed but cannot be downloaded`;
      }
    } catch (error) {
      // The client raises this only after a 2xx response whose size or Xet headers it could not read,
      // so the Hub did allow the download.
      if (!(error instanceof InvalidApiResponseFormatError)) {
        throw error;
      }
      debug('hub: %s probe of %s returned an unexpected format: %s', requirement.id, probe.path, error.message);
    }
    return { report, offlineReason: null };
  } catch (error) {
    const offlineReason = networkErrorReason(error);
    if (offlineReason !== null) {
      report.access = 'unchecked';
      return { report, offlineReason };
    }

    const failure = failureOf(error, context.failures);
    report.access =
      repositoryFound && failure.status === 404
        ? 'path-missing'
        : classifyFailure(failure, { tokenSent: context.accessToken !== undefined, canReadGatedRepos: context.canReadGatedRepos });
    report.detail = `HTTP ${failure.status || 'error'}: ${failure.message}`;
    debug('hub: %s %s: %s', requirement.id, report.access, report.detail);
    return { report, offlineReason: null };
  }
}

/**
 * Picks the file for the access probe: the smallest regular file, else the smallest file of all. Regular
 * files come first because an LFS or Xet file is served through a CDN redirect or a Xet-specific response.
 */
function probeFile(files: readonly RepoFile[]): RepoFile {
  const regular = files.filter((file) => !file.large);
  const candidates = regular.length > 0 ? regular : files;
  return candidates.reduce((smallest, file) => (file.size < smallest.size ? file : smallest));
}

function emptyRepoReport(requirement: RepoRequirement, hubUrl: string, access: RepoAccess): RepoReport {
  return {
    id: requirement.id,
    type: requirement.type,
    url: repoUrl(requirement, hubUrl),
    purpose: requirement.purpose,
    stages: [...requirement.stages],
    access,
    gated: null,
    private: null,
    files: null,
    downloadBytes: null,
    detail: null,
  };
}

/**
 * Wraps fetch to add a time limit and to keep the `X-Error-Code` and `X-Error-Message` headers of failed
 * responses, which `HubApiError` drops. Logs method, URL and status only: never headers, so never the token.
 */
function recordingFetch(base: typeof fetch, failures: Map<string, HubFailure>, timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const signal = init?.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
    const response = await base(input, { ...init, signal });
    const url = requestUrl(input);
    debug('hub: %s %s -> %d', init?.method ?? 'GET', url, response.status);

    if (!response.ok) {
      const failure: HubFailure = {
        status: response.status,
        errorCode: response.headers.get('x-error-code'),
        message: response.headers.get('x-error-message') ?? '',
      };
      failures.set(response.url || url, failure);
      failures.set(url, failure);
    }
    return response;
  };
}

function requestUrl(input: string | URL | Request): string {
  if (typeof input === 'string') {
    return input;
  }
  return input instanceof URL ? input.href : input.url;
}

function failureOf(error: unknown, failures: Map<string, HubFailure>): HubFailure {
  if (error instanceof HubApiError) {
    const recorded = failures.get(error.url);
    const bodyMessage = typeof error.data?.error === 'string' ? error.data.error : null;
    return {
      status: error.statusCode,
      errorCode: recorded?.errorCode ?? null,
      message: recorded?.message || bodyMessage || stripTrailer(error.message),
    };
  }
  return { status: 0, errorCode: null, message: errorMessage(error) };
}

/** Drops the ". URL: ..." trailer that @huggingface/hub appends to its error messages. */
function stripTrailer(message: string): string {
  return message.replace(/\. URL: .*$/s, '');
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

type WhoAmIResult = Awaited<ReturnType<typeof whoAmI>>;

function toAccount(result: WhoAmIResult): HubAccount {
  // `fineGrained` is in the whoami-v2 response for fine-grained tokens but not in the client's types (2.17).
  const accessToken = result.auth.accessToken as
    | { displayName?: string; role?: string; fineGrained?: { canReadGatedRepos?: boolean } }
    | undefined;
  const fineGrained = accessToken?.fineGrained;
  return {
    name: result.name,
    type: result.type,
    tokenName: accessToken?.displayName ?? null,
    tokenRole: accessToken?.role ?? null,
    canReadGatedRepos: typeof fineGrained?.canReadGatedRepos === 'boolean' ? fineGrained.canReadGatedRepos : null,
  };
}
