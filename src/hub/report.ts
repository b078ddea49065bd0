import type { RepoType, StageName, StageSelection } from './requirements.js';
import type { TokenDiscoveryInfo } from './token.js';

export const TOKEN_SETTINGS_URL = 'https://huggingface.co/settings/tokens';
/** Wording of the fine-grained token permission on the Hub's token settings page. */
export const GATED_READ_PERMISSION = 'Read access to contents of all public gated repos you can access';

/** Result of the access probe for one repository. */
export type RepoAccess =
  /** The files can be downloaded with the token sent (or without one, for an ungated public repository). */
  | 'granted'
  /** Gated, and this account has not accepted the terms. */
  | 'not-accepted'
  /** Gated with manual approval: the access request waits for the authors' review. */
  | 'pending'
  /** A fine-grained token without read access to public gated repositories. */
  | 'fine-grained'
  /** Gated or private, and no token was sent. */
  | 'needs-token'
  /** The Hub rejected the token (HTTP 401). */
  | 'invalid-token'
  /** No such repository, or a private one this account cannot see. */
  | 'not-found'
  /** The repository exists but a folder the stage downloads is not in it. */
  | 'path-missing'
  /** Not checked because the Hub could not be reached. */
  | 'unchecked'
  /** Any other failed request; `detail` has the status and message. */
  | 'error';

export interface RepoReport {
  id: string;
  type: RepoType;
  url: string;
  purpose: string;
  stages: StageName[];
  access: RepoAccess;
  /** Gating mode from the repository info: false, "auto" or "manual"; null when unknown. */
  gated: false | 'auto' | 'manual' | null;
  private: boolean | null;
  /** Number of files the stage downloads; null when the listing failed. */
  files: number | null;
  /** Total size in bytes of those files; null when the listing failed. */
  downloadBytes: number | null;
  /** HTTP status and the Hub's message for a failed request. */
  detail: string | null;
}

/** Identity behind the token, from `whoami-v2`. */
export interface HubAccount {
  name: string;
  type: string;
  tokenName: string | null;
  /** "read", "write" or "fineGrained". */
  tokenRole: string | null;
  /** For fine-grained tokens: whether they may read public gated repositories; null for other tokens. */
  canReadGatedRepos: boolean | null;
}

/** Token the stage will use, as far as this machine can tell. */
export type StageTokenSource =
  /** The token found here; the runner hands it to the stage through its secret channel. */
  | 'local'
  /** No token here, but the GPU server has one configured. */
  | 'server'
  /** No token here or on the server. */
  | 'none'
  /** No token here, and whether the server has one is not known. */
  | 'unknown';

/** Whether the runner saw a Hugging Face token configured on the GPU server. */
export type ServerTokenState = 'present' | 'absent' | 'unknown';

export type ProblemCode =
  | 'no-token'
  | 'server-token-overrides'
  | 'invalid-token'
  | 'offline'
  | 'disk-space'
  | 'token-file-skipped'
  | Exclude<RepoAccess, 'granted' | 'unchecked'>;

export interface HubProblem {
  code: ProblemCode;
  /** "error" blocks the stage; "warning" lets it start. */
  severity: 'error' | 'warning';
  /** Repository id, or null for a problem with the token, the network or the disk. */
  repo: string | null;
  /** Page where the fix is made: the repository, or the token settings. */
  url: string;
  message: string;
  fix: string;
}

/** Download size set against the free disk space the runner measured. */
export interface DiskCheck {
  requiredBytes: number;
  freeBytes: number;
  enough: boolean;
  /** e.g. "needs 30.1 GB, 12.0 GB free". */
  summary: string;
}

export interface HubReport {
  stage: StageSelection;
  /** Hub base URL the checks used. */
  endpoint: string;
  /** ISO 8601 time of the check. */
  checkedAt: string;
  /** True when the Hub could not be reached; only the token source and mask were checked. */
  offline: boolean;
  /** Network error behind `offline`, e.g. "connect ECONNREFUSED 127.0.0.1:9". */
  offlineReason: string | null;
  token: TokenDiscoveryInfo;
  /** Null when no token was found, the Hub rejected it, or the Hub was offline. */
  account: HubAccount | null;
  /** True when the Hub returned 401 for the token, or the token does not start with `hf_`. */
  tokenRejected: boolean;
  serverToken: ServerTokenState;
  /** Source of the GPU server's token (`env:HF_TOKEN`, `file:<path>`), as the runner's probe found it. */
  serverTokenSource: string | null;
  stageToken: StageTokenSource;
  repos: RepoReport[];
  /** Sum over the repositories; null when a size is unknown. */
  downloadBytes: number | null;
  /** Null when the runner gave no free disk space or the size is unknown. */
  disk: DiskCheck | null;
  problems: HubProblem[];
  /** True when no problem has severity "error". */
  ok: boolean;
}

const BYTES_PER_GB = 1e9;

/** Formats bytes in decimal gigabytes, the unit the Hub shows: `8.6 GB`, `0.11 GB`. */
export function formatGigabytes(bytes: number): string {
  const gigabytes = bytes / BYTES_PER_GB;
  const digits = gigabytes >= 1 ? 1 : 2;
  return `${gigabytes.toFixed(digits)} GB`;
}

/**
 * Compares a download size with the free disk space. The download counts in full because the files
 * already cached on the server are not known here.
 */
export function checkDiskSpace(requiredBytes: number, freeBytes: number): DiskCheck {
  const enough = freeBytes >= requiredBytes;
  const summary = `needs ${formatGigabytes(requiredBytes)}, ${formatGigabytes(freeBytes)} free`;
  return { requiredBytes, freeBytes, enough, summary };
}

/**
 * Decides which token the stage will use from the local discovery and the runner's view of the server.
 * The runner passes a local token in HF_TOKEN_PATH, but huggingface_hub prefers an HF_TOKEN (or
 * HUGGING_FACE_HUB_TOKEN) variable set on the server, so such a server token wins.
 */
export function stageTokenSource(
  localTokenFound: boolean,
  serverToken: ServerTokenState,
  serverTokenSource: string | null = null,
): StageTokenSource {
  if (serverToken === 'present' && serverTokenSource?.startsWith('env:')) {
    return 'server';
  }
  if (localTokenFound) {
    return 'local';
  }
  if (serverToken === 'present') {
    return 'server';
  }
  return serverToken === 'absent' ? 'none' : 'unknown';
}
