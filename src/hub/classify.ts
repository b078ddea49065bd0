import type { RepoAccess } from './report.js';

/** A failed Hub request, reduced to what tells the causes apart. */
export interface HubFailure {
  status: number;
  /** `X-Error-Code` response header, e.g. "GatedRepo", "RepoNotFound", "EntryNotFound". */
  errorCode: string | null;
  /** `X-Error-Message` header, else the JSON body's `error` field, else the client's message. */
  message: string;
}

export interface ClassifyContext {
  /** Whether the request carried a token. */
  tokenSent: boolean;
  /** From `whoami-v2` for fine-grained tokens; null for other tokens or when unknown. */
  canReadGatedRepos: boolean | null;
}

// Messages the Hub sends with 403 on gated repositories, as seen in huggingface_hub's GatedRepoError texts.
const FINE_GRAINED_PATTERN = /fine-grained/i;
const PENDING_PATTERN = /awaiting a review/i;
const GATED_PATTERN = /not in the authorized list|is restricted|gated/i;

/** Maps a failed repository request to the access state the report shows. */
export function classifyFailure(failure: HubFailure, context: ClassifyContext): RepoAccess {
  const { status, errorCode, message } = failure;

  if (status === 404) {
    return errorCode === 'EntryNotFound' || errorCode === 'RevisionNotFound' ? 'path-missing' : 'not-found';
  }

  if (status === 401) {
    if (context.tokenSent) {
      return 'invalid-token';
    }
    // Without a token the Hub also returns 401 for private and missing repositories.
    return errorCode === 'GatedRepo' || GATED_PATTERN.test(message) ? 'needs-token' : 'not-found';
  }

  if (status === 403) {
    if (FINE_GRAINED_PATTERN.test(message) || context.canReadGatedRepos === false) {
      return 'fine-grained';
    }
    if (PENDING_PATTERN.test(message)) {
      return 'pending';
    }
    if (errorCode === 'GatedRepo' || GATED_PATTERN.test(message)) {
      return context.tokenSent ? 'not-accepted' : 'needs-token';
    }
  }

  return 'error';
}

const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/**
 * Returns the reason text when `error` means the Hub could not be reached (connection refused, DNS
 * failure, timeout), else null. Node's fetch throws `TypeError("fetch failed")` with the socket error as
 * its `cause`, and a timed-out `AbortSignal.timeout` gives a `TimeoutError`.
 */
export function networkErrorReason(error: unknown): string | null {
  if (!(error instanceof Error)) {
    return null;
  }
  if (error.name === 'TimeoutError' || error.name === 'AbortError') {
    return `timed out (${error.message})`;
  }

  const cause = (error as Error & { cause?: unknown }).cause;
  const code = errorCode(cause) ?? errorCode(error);
  if (code && NETWORK_ERROR_CODES.has(code)) {
    return cause instanceof Error ? cause.message : `${code}`;
  }
  if (cause instanceof AggregateError) {
    const inner = cause.errors.find((item) => NETWORK_ERROR_CODES.has(errorCode(item) ?? ''));
    if (inner instanceof Error) {
      return inner.message;
    }
  }
  if (error instanceof TypeError && error.message === 'fetch failed') {
    return cause instanceof Error ? cause.message : 'fetch failed';
  }
  return null;
}

function errorCode(value: unknown): string | null {
  if (value && typeof value === 'object' && 'code' in value && typeof value.code === 'string') {
    return value.code;
  }
  return null;
}
