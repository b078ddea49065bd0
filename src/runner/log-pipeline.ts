/**
 * Turns the raw combined log of a stage into display lines: escape sequences and control characters
 * removed, carriage-return progress bars collapsed to their latest state, and only a bounded tail kept in
 * memory. The full log stays on the target's disk.
 */

import { DEFAULT_MAX_LINE_CHARS, sanitizeLine } from '../util/sanitize.js';

export { DEFAULT_MAX_LINE_CHARS, sanitizeLine };

/** Lines kept in memory for the tail window and `logs`; older ones are only on disk. */
export const DEFAULT_TAIL_LINES = 2_000;
/**
 * Returns what a terminal would show of a line that was rewritten with carriage returns: the text after the
 * last `\r`, or before it when the line ends with `\r` (a progress bar that rewinds before its next update).
 */
export function collapseCarriageReturns(text: string): string {
  if (!text.includes('\r')) {
    return text;
  }
  const segments = text.split('\r');
  for (let index = segments.length - 1; index >= 0; index -= 1) {
    if (segments[index] !== '') {
      return segments[index]!;
    }
  }
  return '';
}

/**
 * Splits log chunks into finished lines and the live line (the text after the last newline). Chunks may
 * cut a line, a multi-byte character (decode before calling) or an escape sequence anywhere.
 */
export class LogPipeline {
  readonly maxLines: number;
  readonly maxLineChars: number;
  #ring: string[] = [];
  #ringStart = 0;
  #finished = 0;
  #live = '';

  constructor(options: { maxLines?: number; maxLineChars?: number } = {}) {
    this.maxLines = options.maxLines ?? DEFAULT_TAIL_LINES;
    this.maxLineChars = options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  }

  /** Adds a chunk and returns the lines it finished, sanitised. */
  push(chunk: string): string[] {
    const pieces = chunk.split('\n');
    const finished: string[] = [];

    for (let index = 0; index < pieces.length - 1; index += 1) {
      const raw = collapseCarriageReturns(this.#live + pieces[index]!);
      this.#live = '';
      const line = sanitizeLine(raw, this.maxLineChars);
      finished.push(line);
      this.#remember(line);
    }

    // The live line is collapsed as it grows, so a progress bar that never prints a newline stays small.
    const rest = collapseCarriageReturns(this.#live + pieces[pieces.length - 1]!);
    this.#live = rest.length > this.maxLineChars * 2 ? rest.slice(0, this.maxLineChars * 2) : rest;
    return finished;
  }

  /** Finishes the live line when the log has ended without a final newline. */
  end(): string[] {
    if (this.#live === '') {
      return [];
    }
    const line = sanitizeLine(this.#live, this.maxLineChars);
    this.#live = '';
    this.#remember(line);
    return [line];
  }

  /** The unfinished last line, sanitised, as a terminal would show it now. */
  get liveLine(): string {
    return this.#live === '' ? '' : sanitizeLine(this.#live, this.maxLineChars);
  }

  /** Count of finished lines since the start of the log. */
  get finishedCount(): number {
    return this.#finished;
  }

  /** Returns the last finished lines, oldest first, at most `maxLines`. */
  tail(count = this.maxLines): string[] {
    const ordered = this.#ring.length < this.maxLines
      ? this.#ring
      : [...this.#ring.slice(this.#ringStart), ...this.#ring.slice(0, this.#ringStart)];
    return ordered.slice(Math.max(0, ordered.length - count));
  }

  #remember(line: string): void {
    this.#finished += 1;
    if (this.#ring.length < this.maxLines) {
      this.#ring.push(line);
      return;
    }
    this.#ring[this.#ringStart] = line;
    this.#ringStart = (this.#ringStart + 1) % this.maxLines;
  }
}
