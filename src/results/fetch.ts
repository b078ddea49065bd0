import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Runner } from '../runner/runner.js';
import { quote } from '../runner/quote.js';
import { WORK_DIR_EXPANSION } from '../runner/sync.js';
import { DETAILS_FILE, PREDICTIONS_FILE, SCORES_FILE } from './load.js';

/** Result files copied from a target, relative to the stages' output folder. */
export const RESULT_FILES = [PREDICTIONS_FILE, SCORES_FILE, DETAILS_FILE];

/** Time allowed for reading the result files over the transport. */
const FETCH_TIMEOUT_MS = 120_000;

/**
 * Script that prints each result file that exists under the output folder as `@@file <name>` followed by
 * one line of base64, then `@@end`. `outDir` is absolute or relative to the work folder (`~` expanded there).
 */
export function fetchResultsScript(workDir: string, outDir: string): string {
  const files = RESULT_FILES.map((file) => quote(file.split(path.sep).join('/'))).join(' ');
  return `set -u
set -- ${quote(workDir)}
${WORK_DIR_EXPANSION}out=${quote(outDir)}
case $out in /*) ;; *) out="$work/$out" ;; esac
for file in ${files}; do
  if [ -f "$out/$file" ]; then
    printf '@@file %s\\n' "$file"
    base64 < "$out/$file" | tr -d '\\n'
    printf '\\n'
  fi
done
printf '@@out %s\\n' "$out"
printf '@@end\\n'
`;
}

export interface FetchedResults {
  /** Contents by file name relative to the output folder, as RESULT_FILES names them. */
  files: Map<string, Buffer>;
  /** The output folder on the target, `~` expanded. */
  remoteOutDir: string;
}

/** Parses the script's output; throws when it was cut off before `@@end`. */
export function parseFetchedResults(stdout: string): FetchedResults {
  const files = new Map<string, Buffer>();
  let remoteOutDir = '';
  let pending: string | undefined;
  let ended = false;

  for (const line of stdout.split('\n')) {
    if (pending !== undefined) {
      files.set(pending, Buffer.from(line, 'base64'));
      pending = undefined;
      continue;
    }
    const file = /^@@file (.+)$/.exec(line)?.[1];
    if (file !== undefined) {
      pending = file;
      continue;
    }
    const out = /^@@out (.+)$/.exec(line)?.[1];
    if (out !== undefined) {
      remoteOutDir = out;
      continue;
    }
    if (line === '@@end') {
      ended = true;
    }
  }

  if (!ended) {
    throw new Error('the output of the result files was cut off before its end; run the command again');
  }
  return { files, remoteOutDir };
}

/** Local folder that keeps a copy of one target's results: under the user cache, one folder per target and output folder. */
export function resultsCacheDir(target: string, remoteOutDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const cacheRoot = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const key = crypto.createHash('sha256').update(`${target}\n${remoteOutDir}`).digest('hex').slice(0, 16);
  return path.join(cacheRoot, 'mllm-course', 'results', key);
}

/**
 * Copies the result files of `outDir` on the runner's target into a local cache folder and returns that
 * folder, ready for `loadResults`. Files that the target no longer has are removed from the copy.
 */
export async function fetchResults(runner: Runner, outDir: string, env: NodeJS.ProcessEnv = process.env): Promise<{ localDir: string; remoteOutDir: string }> {
  const result = await runner.transport.run(fetchResultsScript(runner.workDir, outDir), { timeoutMs: FETCH_TIMEOUT_MS });
  if (result.exitCode !== 0) {
    throw new Error(`Reading the results in ${outDir} on ${runner.target} failed (exit ${result.exitCode}): ${result.stderr.trim() || 'no message'}`);
  }

  const fetched = parseFetchedResults(result.stdout);
  const localDir = resultsCacheDir(runner.target, fetched.remoteOutDir, env);
  for (const file of RESULT_FILES) {
    const target = path.join(localDir, file);
    const contents = fetched.files.get(file.split(path.sep).join('/'));
    if (contents === undefined) {
      fs.rmSync(target, { force: true });
      continue;
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, contents);
  }

  return { localDir, remoteOutDir: fetched.remoteOutDir };
}
