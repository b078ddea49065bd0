import stringWidth from 'string-width';
import stripAnsi from 'strip-ansi';
import wrapAnsi from 'wrap-ansi';

/** Below this many columns the UI switches to its narrow layout (two-line footer, short labels). */
export const NARROW_COLUMNS = 70;

/** Minimum columns the layout supports; a narrower terminal is treated as this wide. */
export const MIN_COLUMNS = 20;

/** Terminal columns a string takes, ignoring ANSI escape codes and counting wide characters as two. */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

export function isNarrow(columns: number): boolean {
  return columns < NARROW_COLUMNS;
}

/** Clamps a reported terminal width to the range the layout supports. */
export function usableColumns(columns: number): number {
  return Math.max(MIN_COLUMNS, Math.floor(columns));
}

const LIST_PREFIX = /^(\s*)((?:\d+\.|[*•-])\s+)?/;

/**
 * Wraps one rendered line so that no piece is wider than `width`. Continuation lines keep the line's
 * indentation and, for a list item, line up under the item's text. Words longer than the room left are
 * broken, so the result always fits.
 */
export function wrapLine(line: string, width: number): string[] {
  if (displayWidth(line) <= width) {
    return [line];
  }

  const plain = stripAnsi(line);
  const prefix = LIST_PREFIX.exec(plain);
  const indent = Math.min((prefix?.[1]?.length ?? 0) + (prefix?.[2]?.length ?? 0), Math.floor(width / 2));
  const wrapped = wrapAnsi(line, width, { hard: true, trim: false, wordWrap: true }).split('\n');
  const [first = '', ...rest] = wrapped;
  if (rest.length === 0 || indent === 0) {
    return [trimEndAnsi(first), ...rest.map((piece) => trimEndAnsi(piece.trimStart()))];
  }

  // Rewrap the continuation at the narrower width so that the hanging indent still fits.
  const pad = ' '.repeat(indent);
  const continuation = rest.map((piece) => piece.trim()).join(' ');
  const pieces = wrapAnsi(continuation, width - indent, { hard: true, trim: true, wordWrap: true }).split('\n');
  return [trimEndAnsi(first), ...pieces.map((piece) => pad + piece)];
}

/** Wraps every line of `lines` to `width`; see wrapLine. */
export function wrapLines(lines: string[], width: number): string[] {
  return lines.flatMap((line) => wrapLine(line, width));
}

/** Cuts `text` to at most `width` columns, ending with an ellipsis when something was cut. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) {
    return text;
  }
  if (width <= 1) {
    return '…'.slice(0, width);
  }

  let result = '';
  for (const character of stripAnsi(text)) {
    if (displayWidth(result + character) > width - 1) {
      break;
    }
    result += character;
  }
  return `${result}…`;
}

function trimEndAnsi(text: string): string {
  // Trailing spaces before a closing escape code still count as columns; drop plain trailing spaces only.
  return text.replace(/ +$/, '');
}
