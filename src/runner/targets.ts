/** Remembered targets and runs, kept in the progress store. */
import type { ProgressStore } from '../progress/store.js';
import type { RunRecord } from '../progress/schema.js';
import { LOCAL_TARGET } from './quote.js';
import { DEFAULT_WORK_DIR, type LaunchedRun } from './runner.js';

export function workDirFor(store: ProgressStore, target: string, explicit?: string): string {
  return explicit ?? store.data.targets.workDirs[target] ?? DEFAULT_WORK_DIR;
}

/** Records a target after a successful connection: known hosts, the last one used and its work folder. */
export function rememberTarget(store: ProgressStore, target: string, workDir: string): void {
  store.update((draft) => {
    if (target !== LOCAL_TARGET && !draft.targets.hosts.includes(target)) {
      draft.targets.hosts.push(target);
    }
    draft.targets.last = target;
    draft.targets.workDirs[target] = workDir;
  });
}

export function recordRun(store: ProgressStore, run: LaunchedRun, stage: string, workDir: string): void {
  store.update((draft) => {
    draft.runs.push({ id: run.id, target: run.target, stage, startedAt: run.startedAt, runDir: run.runDir, workDir });
  });
}

export function findRun(store: ProgressStore, runId: string): RunRecord | undefined {
  return store.data.runs.find((run) => run.id === runId);
}

/** Targets to look for runs on: this machine, every remembered host, and every target a recorded run used. */
export function knownTargets(store: ProgressStore): string[] {
  const targets = new Set<string>([LOCAL_TARGET, ...store.data.targets.hosts]);
  for (const run of store.data.runs) {
    targets.add(run.target);
  }
  return [...targets];
}
