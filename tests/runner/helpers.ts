import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StageEvent } from '../../src/runner/events.js';
import type { Runner } from '../../src/runner/runner.js';
import type { RunState } from '../../src/runner/state.js';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** Command line that runs a fixture stage with this Node. */
export function fixture(name: string, ...args: string[]): string[] {
  return [process.execPath, path.join(FIXTURES, name), ...args];
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `mllm-${prefix}-`));
}

export interface Collected {
  lines: string[];
  events: StageEvent[];
  warnings: string[];
  state: RunState | 'detached';
}

/** Follows a run to its end and collects everything the follower delivered. */
export async function followToEnd(runner: Runner, runId: string): Promise<Collected> {
  const lines: string[] = [];
  const events: StageEvent[] = [];
  const warnings: string[] = [];
  const handle = runner.follow(runId, {
    onLines: (batch) => lines.push(...batch),
    onEvents: (batch) => events.push(...batch),
    onWarning: (message) => warnings.push(message),
  });
  const state = await handle.finished;
  return { lines, events, warnings, state };
}

/** Process ids of live (non-zombie) processes in a process group, read from /proc. */
export function livePidsOfGroup(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') {
      pids.push(Number(entry));
    }
  }
  return pids;
}

/** Polls `condition` every 20 ms until it holds or `timeoutMs` passes; returns whether it held. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}

/** Whether a process belongs to the run in `runDir`: the wrapper names the folder, the stage inherits its events path. */
function belongsToRun(pid: number, runDir: string): boolean {
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    return cmdline.includes(runDir) || environ.includes(`MLLM_EVENTS_PATH=${runDir}/events.jsonl`);
  } catch {
    return false;
  }
}

/** Finds the run folders (`runs/<id>` with a `pgid` file) under `root`, at most `depth` folders down. */
function findRunDirs(root: string, depth = 4): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) {
      continue;
    }
    const child = path.join(root, entry.name);
    if (entry.name === 'runs') {
      for (const id of fs.readdirSync(child)) {
        if (fs.existsSync(path.join(child, id, 'pgid'))) {
          found.push(path.join(child, id));
        }
      }
    } else if (depth > 0) {
      found.push(...findRunDirs(child, depth - 1));
    }
  }
  return found;
}

/**
 * Kills the process group of every run found under `root`, so that a test that failed before its own
 * cancel leaves no stage running after its temp folder is removed. A group is killed only while one of
 * its processes still belongs to the run, so a process group id reused by another program is left alone.
 */
export function killRunGroups(root: string): void {
  for (const runDir of findRunDirs(root)) {
    const pgid = Number(fs.readFileSync(path.join(runDir, 'pgid'), 'utf8').trim());
    if (!Number.isInteger(pgid) || pgid <= 1) {
      continue;
    }
    if (!livePidsOfGroup(pgid).some((pid) => belongsToRun(pid, runDir))) {
      continue;
    }
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // The group ended meanwhile.
    }
  }
}
