import type { ProgressStore } from '../progress/store.js';
import { DEFAULT_RUN_OUT_DIR, localOutDir } from '../results/load.js';
import { LOCAL_TARGET } from '../runner/quote.js';
import { workDirFor } from '../runner/targets.js';
import type { Screen } from './state.js';

/** An entry under the lessons on the home screen that opens another screen. */
export interface HomeAction {
  /** Unique among home entries; lesson ids ("01" to "08") are taken. */
  key: string;
  label: string;
  screen: Screen;
}

/**
 * Entries below the lesson list, in display order. A new screen that students reach from home (the
 * quiz, the hands-on results) adds its entry here.
 */
export function homeActionsFor(store: ProgressStore): HomeAction[] {
  // Results of runs on this machine; for an SSH server, `mllm-course results --host H` copies them first.
  const outDir = localOutDir(workDirFor(store, LOCAL_TARGET), DEFAULT_RUN_OUT_DIR);
  return [
    { key: 'quiz', label: 'Quiz · 20 questions, pass mark 80%', screen: { kind: 'quiz' } },
    { key: 'results', label: `Hands-on results · ${outDir}`, screen: { kind: 'results', outDir } },
  ];
}
