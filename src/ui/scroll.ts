import type { Command } from './keymap.js';

/** Largest first visible line for `total` lines in a window of `view` rows. */
export function maxTop(total: number, view: number): number {
  return Math.max(0, total - view);
}

export function clampTop(top: number, total: number, view: number): number {
  return Math.min(Math.max(0, Math.floor(top)), maxTop(total, view));
}

/** First visible line after a scroll command; other commands leave it unchanged. */
export function scrollTop(command: Command, top: number, total: number, view: number): number {
  // A page keeps one line of the previous page in view, as `less` does.
  const page = Math.max(1, view - 1);
  switch (command) {
    case 'reader.lineDown':
      return clampTop(top + 1, total, view);
    case 'reader.lineUp':
      return clampTop(top - 1, total, view);
    case 'reader.pageDown':
      return clampTop(top + page, total, view);
    case 'reader.pageUp':
      return clampTop(top - page, total, view);
    case 'reader.top':
      return 0;
    case 'reader.bottom':
      return maxTop(total, view);
    default:
      return top;
  }
}

/** True when the window shows the last line: the lesson counts as read from then on. */
export function endReached(top: number, total: number, view: number): boolean {
  return top + view >= total;
}

/** Keeps the reading place when a resize rewraps the lesson: the same fraction of the text stays on top. */
export function rescaleTop(top: number, oldTotal: number, newTotal: number, view: number): number {
  if (oldTotal <= 0 || oldTotal === newTotal) {
    return clampTop(top, newTotal, view);
  }
  return clampTop(Math.round((top / oldTotal) * newTotal), newTotal, view);
}
