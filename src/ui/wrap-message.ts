import type { CliContext } from '../commands/context.js';
import { usableColumns, wrapLine } from '../util/width.js';

/**
 * Wraps each line of a message at word boundaries to fit `columns`, one column short of it so that a full
 * line never leaves the cursor in the terminal's pending-wrap state. The result ends with a newline.
 */
export function wrapMessage(text: string, columns: number): string {
  const width = usableColumns(columns) - 1;
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  return `${lines.flatMap((line) => wrapLine(line, width)).join('\n')}\n`;
}

/**
 * Returns a message as `stream` (stdout unless given) should carry it: wrapped to the terminal when the
 * stream is one, because the terminal would otherwise break it mid-word, and as given when piped, so that
 * each message stays one line for logs and scripts.
 */
export function messageForOutput(context: Pick<CliContext, 'mode' | 'stdout'>, text: string, stream: object = context.stdout): string {
  if (context.mode.interactive || (stream as { isTTY?: boolean }).isTTY === true) {
    return wrapMessage(text, context.mode.columns);
  }
  return text.endsWith('\n') ? text : `${text}\n`;
}
