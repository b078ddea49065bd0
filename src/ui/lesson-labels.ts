import type { LessonStatus } from '../lessons/progress.js';

/** Glyph and word for a lesson's status, so that it reads the same without colour. */
export const STATUS_LABELS: Record<LessonStatus, { glyph: string; word: string }> = {
  read: { glyph: '✓', word: 'read' },
  started: { glyph: '◐', word: 'started' },
  new: { glyph: '·', word: 'new' },
};

/** Formats a text progress bar such as `[####----] 4/8`, or just `4/8` when `width` is too small for a bar. */
export function progressBar(done: number, total: number, width: number): string {
  const count = `${done}/${total}`;
  const barColumns = Math.min(total * 2, width - count.length - 3);
  if (total === 0 || barColumns < 4) {
    return count;
  }
  const filled = Math.round((done / total) * barColumns);
  return `[${'#'.repeat(filled)}${'-'.repeat(barColumns - filled)}] ${count}`;
}
