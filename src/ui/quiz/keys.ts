import type { Key } from 'ink';
import { commandMatches, screenHintLine } from '../keymap.js';

/** A quiz command; its keys and hint are the `quiz.<command>` bindings of the keymap table (src/ui/keymap.ts). */
export type QuizCommand = 'begin' | 'submit' | 'next' | 'finish' | 'openLesson' | 'retakeMissed' | 'quit' | 'close';

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
  return commandMatches(`quiz.${command}`, input, key);
}

/** Renders the footer hint for some commands: "Enter/n next question · l open the lesson section". */
export function keyHints(commands: readonly QuizCommand[]): string {
  return screenHintLine(commands.map((command) => `quiz.${command}` as const));
}
