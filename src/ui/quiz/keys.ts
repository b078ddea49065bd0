import type { Key } from 'ink';

/** A quiz command with the keys that trigger it; drives both input matching and the on-screen hints. */
export interface QuizKeyBinding {
  /** Characters (lowercase) that trigger the command. */
  inputs: readonly string[];
  /** Special keys from Ink's `Key` that trigger the command. */
  special: ReadonlyArray<'return' | 'escape'>;
  /** Key names as shown in the footer. */
  label: string;
  description: string;
}

export const QUIZ_KEYS = {
  begin: { inputs: [], special: ['return'], label: 'Enter', description: 'start' },
  submit: { inputs: [], special: ['return'], label: 'Enter', description: 'submit the answer' },
  next: { inputs: ['n'], special: ['return'], label: 'Enter/n', description: 'next question' },
  finish: { inputs: ['n'], special: ['return'], label: 'Enter/n', description: 'see the results' },
  openLesson: { inputs: ['l'], special: [], label: 'l', description: 'open the lesson section' },
  retakeMissed: { inputs: ['r'], special: [], label: 'r', description: 'retake missed questions' },
  quit: { inputs: ['q'], special: ['escape'], label: 'q/Esc', description: 'save and leave' },
  close: { inputs: ['q'], special: ['escape', 'return'], label: 'q/Enter', description: 'leave' },
} as const satisfies Record<string, QuizKeyBinding>;

export type QuizCommand = keyof typeof QUIZ_KEYS;

/** Keypress handler of the quiz screen on display. */
export type QuizInputHandler = (input: string, key: Key) => void;

/**
 * Slot that the quiz's single input listener calls. Each screen puts its handler there while it renders, so
 * a key pressed right after a screen appears reaches that screen. A listener per screen is attached only
 * after the first frame, and a key typed in between would be lost.
 */
export interface QuizInputSlot {
  current: QuizInputHandler | undefined;
}

/** Returns whether a keypress (Ink's `input` and `key`) triggers `command`. */
export function matchesKey(command: QuizCommand, input: string, key: Key): boolean {
  const binding: QuizKeyBinding = QUIZ_KEYS[command];
  if (binding.special.some((name) => key[name])) {
    return true;
  }
  return !key.ctrl && !key.meta && binding.inputs.includes(input.toLowerCase());
}

/** Renders the footer hint for some commands: "Enter/n next question · l open the lesson section". */
export function keyHints(commands: readonly QuizCommand[]): string {
  return commands.map((command) => `${QUIZ_KEYS[command].label} ${QUIZ_KEYS[command].description}`).join(' · ');
}
