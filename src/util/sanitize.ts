/**
 * Cleaning of text that came from another program (a stage's log, a Hub answer) before it reaches the
 * terminal, where escape sequences could move the cursor, clear the screen or set the window title.
 */

/** Characters kept of one line; a longer line is cut and marked with an ellipsis. */
export const DEFAULT_MAX_LINE_CHARS = 2_000;
const TAB_STOP = 8;

// CSI (ESC [ ... final byte), OSC (ESC ] ... BEL or ESC \), other two-byte ESC sequences, a dangling ESC
// sequence cut at the end of a chunk, and C0/C1 control characters other than tab.
const ESCAPE_SEQUENCE =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]|\u001b\[?[0-?]*[ -/]*$|\u009b[0-?]*[ -/]*[@-~]|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Any C0 or C1 control character: a line without one needs no cleaning, which is the common case. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/** Removes terminal escape sequences and control characters, and expands tabs. */
export function sanitizeLine(raw: string, maxChars = DEFAULT_MAX_LINE_CHARS): string {
  let line = CONTROL_CHARACTER.test(raw) ? raw.replace(ESCAPE_SEQUENCE, '') : raw;
  if (line.includes('\t')) {
    line = expandTabs(line);
  }
  if (line.length > maxChars) {
    line = `${line.slice(0, maxChars - 1)}…`;
  }
  return line;
}

function expandTabs(line: string): string {
  let out = '';
  for (const char of line) {
    if (char === '\t') {
      out += ' '.repeat(TAB_STOP - (out.length % TAB_STOP));
    } else {
      out += char;
    }
  }
  return out;
}

