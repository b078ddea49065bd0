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

/**
 * Kills the process group of every run under `workDir` (read from `runs/<id>/pgid`), so that a test that
 * failed before its own cancel leaves no stage running after its temp folder is removed.
 */
export function killRunGroups(workDir: string): void {
  const runsDir = path.join(workDir, 'runs');
  if (!fs.existsSync(runsDir)) {
    return;
  }
  for (const id of fs.readdirSync(runsDir)) {
    let pgid: number;
    try {
      pgid = Number(fs.readFileSync(path.join(runsDir, id, 'pgid'), 'utf8').trim());
    } catch {
      continue;
    }
    if (Number.isInteger(pgid) && pgid > 1) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // The group has already ended.
      }
    }
  }
}
