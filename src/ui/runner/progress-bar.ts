import { formatDuration } from '../../runner/format.js';
import type { ProgressView } from './live-store.js';

/** Narrowest bar worth drawing; below it the view shows `step/total` and the percentage only. */
const MIN_BAR_COLUMNS = 10;

function formatNumber(value: number | null | undefined, digits: number): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  return value === null ? 'NaN' : value.toPrecision(digits);
}

/**
 * Formats progress as `[#####-----] 40/122  33%  loss 0.9700  lr 2.00e-4  ETA 4m05s` within `columns`.
 * The count and percentage always show; the bar comes next, and then the other fields while the bar keeps
 * at least its minimum width. Below that the line degrades to the count and percentage alone.
 */
export function formatProgressLine(progress: ProgressView, columns: number): string {
  if (progress.total === null) {
    // No bar without a total: the count alone, with the unit, and the message when there is room.
    const text = `${progress.unit ?? 'step'} ${progress.step}${progress.message ? `  ${progress.message}` : ''}`;
    return text.slice(0, columns);
  }
  const total = Math.max(progress.total, 0);
  const step = Math.min(Math.max(progress.step, 0), total);
  const percent = total > 0 ? Math.floor((step / total) * 100) : 0;
  const loss = formatNumber(progress.loss, 4);
  const extras = [
    ...(loss ? [`loss ${loss}`] : []),
    ...(progress.lr === undefined ? [] : [`lr ${progress.lr === null ? 'NaN' : progress.lr.toExponential(2)}`]),
    `ETA ${formatDuration(progress.etaS)}`,
  ];

  // Three columns go to the brackets and the space after the bar.
  let text = `${step}/${total}${progress.unit ? ` ${progress.unit}` : ''}  ${percent}%`;
  for (const extra of extras) {
    if (columns - 3 - (text.length + 2 + extra.length) < MIN_BAR_COLUMNS) {
      break;
    }
    text += `  ${extra}`;
  }

  const barColumns = Math.min(40, columns - 3 - text.length);
  if (barColumns < MIN_BAR_COLUMNS) {
    return text.slice(0, columns);
  }
  const filled = total > 0 ? Math.round((step / total) * barColumns) : 0;
  return `[${'#'.repeat(filled)}${'-'.repeat(barColumns - filled)}] ${text}`;
}
