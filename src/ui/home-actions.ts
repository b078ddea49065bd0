import { DEFAULT_OUT_DIR } from '../results/load.js';
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
export const HOME_ACTIONS: readonly HomeAction[] = [
  { key: 'quiz', label: 'Quiz · 20 questions, pass mark 80%', screen: { kind: 'quiz' } },
  { key: 'results', label: `Hands-on results · ${DEFAULT_OUT_DIR}/`, screen: { kind: 'results', outDir: DEFAULT_OUT_DIR } },
];
