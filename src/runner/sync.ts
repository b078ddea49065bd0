/**
 * Copies gpu-runner/ to a versioned folder on the target (`<work>/gpu-runner/<content hash>`), so that two
 * releases of the tutor never share a half-updated copy, and builds its virtual environment.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { quote } from './quote.js';
import type { Transport } from './transport.js';

const SKIPPED_NAMES = new Set(['__pycache__', '.venv', '.pytest_cache', '.mypy_cache', '.ruff_cache', 'node_modules']);

/** Lists the files to copy, relative to `sourceDir`, sorted so that the hash does not depend on the file system. */
export function listSourceFiles(sourceDir: string): string[] {
  const files: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of fs.readdirSync(path.join(sourceDir, relative), { withFileTypes: true })) {
      if (SKIPPED_NAMES.has(entry.name) || entry.name.endsWith('.pyc')) {
        continue;
      }
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        walk(child);
      } else if (entry.isFile()) {
        files.push(child);
      }
    }
  };
  walk('');
  return files.sort();
}

/** Hash of the file names, modes and contents; the first 12 hex digits name the folder on the target. */
export function hashSource(sourceDir: string, files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of files) {
    const full = path.join(sourceDir, file);
    hash.update(`${file}\0${fs.statSync(full).mode & 0o111 ? 'x' : '-'}\0`);
    hash.update(fs.readFileSync(full));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

export interface SyncResult {
  /** Folder of the copy, relative to the work folder. */
  folder: string;
  /** False when the target already had this version. */
  copied: boolean;
  files: number;
}

/** Sets `work` from `$1` with a leading `~` expanded to the target's home folder. */
export const WORK_DIR_EXPANSION = String.raw`work=$1
case $work in "~") work=$HOME ;; "~/"*) work="$HOME/${'${'}work#\~/}" ;; esac
`;

/** Copies `sourceDir` to `<work>/gpu-runner/<hash>` with tar over the transport, unless it is already there. */
export async function syncRunner(transport: Transport, sourceDir: string, workDir: string): Promise<SyncResult> {
  if (!fs.existsSync(path.join(sourceDir, 'requirements.txt'))) {
    throw new Error(`${sourceDir} is not a gpu-runner folder: requirements.txt is missing. Reinstall mllm-course.`);
  }
  const files = listSourceFiles(sourceDir);
  const version = hashSource(sourceDir, files);
  const folder = `gpu-runner/${version}`;

  const check = await transport.run(
    `set -u\nset -- ${quote(workDir)}\n${WORK_DIR_EXPANSION}[ -f "$work/"${quote(folder)}/.complete ] && echo present || echo absent\n`,
  );
  if (check.stdout.trim() === 'present') {
    return { folder, copied: false, files: files.length };
  }

  const archive = await execa('tar', ['-C', sourceDir, '-cf', '-', '--', ...files], { encoding: 'buffer', maxBuffer: 512 * 1024 * 1024 });
  // Unpacked into a temporary folder and renamed, so that an interrupted copy is never taken for a complete one.
  const unpack = `set -eu
${WORK_DIR_EXPANSION}dest="$work/$2"
tmp="$dest.partial.$$"
mkdir -p "$tmp"
tar -xf - -C "$tmp"
touch "$tmp/.complete"
if [ -d "$dest" ]; then rm -rf "$tmp"; else mv "$tmp" "$dest"; fi
`;
  const result = await transport.runWithInput(
    `sh -c ${quote(unpack)} mllm-course-sync ${quote(workDir)} ${quote(folder)}`,
    Buffer.from(archive.stdout),
    { timeoutMs: 300_000 },
  );
  if (result.exitCode !== 0) {
    throw new Error(`Copying gpu-runner to ${transport.target}:${workDir}/${folder} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
  }
  return { folder, copied: true, files: files.length };
}

/**
 * Script that builds (or reuses) the virtual environment of a synced gpu-runner with its own
 * `scripts/venv.sh`, keyed by the hash of requirements.txt under `<work>/venvs` (or under
 * `$MLLM_COURSE_VENV_CACHE` when the target's environment sets it, as the test suite does). Its output is the build
 * log, and its last line is `@@python <path>`.
 */
export function environmentScript(workDir: string, folder: string): string {
  return `set -u
exec 2>&1
set -- ${quote(workDir)}
${WORK_DIR_EXPANSION}export MLLM_COURSE_VENV_CACHE="\${MLLM_COURSE_VENV_CACHE:-$work/venvs}"
python=$(bash "$work/"${quote(folder)}/scripts/venv.sh) || exit $?
echo "@@python $python"
`;
}
