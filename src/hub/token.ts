import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';

/** Token source, in the order huggingface_hub looks (Google Colab secrets aside). */
export type TokenSourceKind =
  | 'env:HF_TOKEN'
  | 'env:HUGGING_FACE_HUB_TOKEN'
  | 'file:HF_TOKEN_PATH'
  | 'file:HF_HOME'
  | 'file:default';

export interface TokenSource {
  kind: TokenSourceKind;
  /** Human-readable origin, e.g. "HF_TOKEN environment variable" or "/home/ana/.cache/huggingface/token". */
  label: string;
  /** Token file path; absent for environment variables. */
  path?: string;
}

/** A token file that exists but could not give a token. */
export interface SkippedTokenFile {
  kind: TokenSourceKind;
  path: string;
  reason: 'empty' | 'unreadable';
  /** Error text for an unreadable file, e.g. "EISDIR: is a directory". */
  detail?: string;
}

/** Discovery result without the token value, so it is safe to print, log and serialise. */
export interface TokenDiscoveryInfo {
  found: boolean;
  source: TokenSource | null;
  /** Masked form, e.g. `hf_…abcd`; null when no token was found. */
  masked: string | null;
  skipped: SkippedTokenFile[];
  /** The one token file huggingface_hub itself reads (HF_TOKEN_PATH, else `$HF_HOME/token`). */
  huggingfaceHubFile: string;
  /**
   * Set when the token came from a file that huggingface_hub would not read, so a Python tool started by
   * hand on this machine would not find it. The tutor still hands the token to its stages.
   */
  note: string | null;
}

export interface TokenDiscovery {
  /** Null when no source contains a token. */
  token: HubToken | null;
  info: TokenDiscoveryInfo;
}

/** Shortest token whose last four characters may be shown; shorter ones are masked completely. */
export const MIN_TOKEN_LENGTH_FOR_SUFFIX = 12;
const FULL_MASK = '****';

/**
 * Masks a token for display: `hf_…abcd` (the `hf_` prefix and the last four characters at most).
 * Tokens shorter than {@link MIN_TOKEN_LENGTH_FOR_SUFFIX} reveal nothing.
 */
export function maskToken(token: string): string {
  if (token.length < MIN_TOKEN_LENGTH_FOR_SUFFIX) {
    return FULL_MASK;
  }
  const prefix = token.startsWith('hf_') ? 'hf_' : '';
  return `${prefix}…${token.slice(-4)}`;
}

/**
 * Hugging Face access token. Every way of turning it into text (`String()`, `JSON.stringify`,
 * `util.inspect`, the debug logger's `%o`) yields the masked form, so only {@link HubToken.reveal}
 * gives the value, and only the Hub client and the runner's secret channel may call it.
 */
export class HubToken {
  readonly #value: string;
  readonly masked: string;

  constructor(value: string) {
    this.#value = value;
    this.masked = maskToken(value);
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return this.masked;
  }

  toJSON(): string {
    return this.masked;
  }

  [inspect.custom](): string {
    return `HubToken(${this.masked})`;
  }
}

/** Cleans a token as huggingface_hub does: drops CR and LF, trims, and treats "" as no token. */
export function cleanToken(raw: string | undefined): string | null {
  if (raw === undefined) {
    return null;
  }
  const cleaned = raw.replace(/[\r\n]/g, '').trim();
  return cleaned === '' ? null : cleaned;
}

/** Expands `~` and `$NAME`/`${NAME}` like Python's `os.path.expanduser` and `os.path.expandvars`. */
export function expandPath(value: string, env: NodeJS.ProcessEnv, home: string): string {
  let expanded = value;
  if (expanded === '~' || expanded.startsWith('~/')) {
    expanded = home + expanded.slice(1);
  }
  // Unknown variables stay as written, as expandvars leaves them.
  return expanded.replace(/\$(\w+)|\$\{(\w+)\}/g, (match, bare: string | undefined, braced: string | undefined) => {
    const name = bare ?? braced ?? '';
    return env[name] ?? match;
  });
}

/** Folder huggingface_hub uses as HF_HOME: `$HF_HOME`, else `$XDG_CACHE_HOME/huggingface`, else `~/.cache/huggingface`. */
export function huggingfaceHome(env: NodeJS.ProcessEnv): string {
  const home = homeFolder(env);
  if (env.HF_HOME) {
    return expandPath(env.HF_HOME, env, home);
  }
  return path.join(defaultCacheFolder(env), 'huggingface');
}

function defaultCacheFolder(env: NodeJS.ProcessEnv): string {
  const home = homeFolder(env);
  return env.XDG_CACHE_HOME ? expandPath(env.XDG_CACHE_HOME, env, home) : path.join(home, '.cache');
}

function homeFolder(env: NodeJS.ProcessEnv): string {
  return env.HOME || os.homedir();
}

interface FileCandidate {
  kind: TokenSourceKind;
  path: string;
  hint: string;
}

/**
 * Token files in lookup order: the file named by HF_TOKEN_PATH, `$HF_HOME/token`, then the default
 * `$XDG_CACHE_HOME/huggingface/token` (or `~/.cache/huggingface/token`). A path listed twice is read once.
 */
export function tokenFileCandidates(env: NodeJS.ProcessEnv): FileCandidate[] {
  const home = homeFolder(env);
  const candidates: FileCandidate[] = [];

  if (env.HF_TOKEN_PATH) {
    candidates.push({ kind: 'file:HF_TOKEN_PATH', path: expandPath(env.HF_TOKEN_PATH, env, home), hint: 'HF_TOKEN_PATH' });
  }
  if (env.HF_HOME) {
    candidates.push({ kind: 'file:HF_HOME', path: path.join(huggingfaceHome(env), 'token'), hint: 'HF_HOME' });
  }
  candidates.push({
    kind: 'file:default',
    path: path.join(defaultCacheFolder(env), 'huggingface', 'token'),
    hint: 'default location',
  });

  const seen = new Set<string>();
  return candidates.filter((candidate) => {
    const key = path.resolve(candidate.path);
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}

/**
 * Finds the Hugging Face token: the HF_TOKEN environment variable (then the legacy HUGGING_FACE_HUB_TOKEN),
 * then the token files of {@link tokenFileCandidates}. Empty and unreadable files are listed in
 * `info.skipped` and the search goes on. Reads files synchronously because it runs once per check.
 */
export function discoverToken(env: NodeJS.ProcessEnv): TokenDiscovery {
  const huggingfaceHubFile = env.HF_TOKEN_PATH
    ? expandPath(env.HF_TOKEN_PATH, env, homeFolder(env))
    : path.join(huggingfaceHome(env), 'token');
  const skipped: SkippedTokenFile[] = [];

  for (const name of ['HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN'] as const) {
    const value = cleanToken(env[name]);
    if (value !== null) {
      const source: TokenSource = { kind: `env:${name}`, label: `${name} environment variable` };
      return found(value, source, skipped, huggingfaceHubFile, null);
    }
  }

  for (const candidate of tokenFileCandidates(env)) {
    let text: string;
    try {
      text = fs.readFileSync(candidate.path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        continue;
      }
      skipped.push({ kind: candidate.kind, path: candidate.path, reason: 'unreadable', detail: errorText(error) });
      continue;
    }

    const value = cleanToken(text);
    if (value === null) {
      skipped.push({ kind: candidate.kind, path: candidate.path, reason: 'empty' });
      continue;
    }

    const source: TokenSource = {
      kind: candidate.kind,
      label: `${candidate.path} (${candidate.hint})`,
      path: candidate.path,
    };
    const note =
      path.resolve(candidate.path) === path.resolve(huggingfaceHubFile)
        ? null
        : `huggingface_hub on this machine reads ${huggingfaceHubFile}, not this file; the tutor passes the token to its stages itself.`;
    return found(value, source, skipped, huggingfaceHubFile, note);
  }

  return {
    token: null,
    info: { found: false, source: null, masked: null, skipped, huggingfaceHubFile, note: null },
  };
}

function found(
  value: string,
  source: TokenSource,
  skipped: SkippedTokenFile[],
  huggingfaceHubFile: string,
  note: string | null,
): TokenDiscovery {
  const token = new HubToken(value);
  return {
    token,
    info: { found: true, source, masked: token.masked, skipped, huggingfaceHubFile, note },
  };
}

function errorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EISDIR') {
    return 'EISDIR: it is a directory';
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return `${code}: permission denied`;
  }
  return error instanceof Error ? error.message : String(error);
}
