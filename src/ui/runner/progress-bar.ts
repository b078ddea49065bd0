import { formatDuration } from '../../runner/format.js';
import type { ProgressView } from './live-store.js';

/** Narrowest bar worth drawing; below it the view shows only `step/total`. */
const MIN_BAR_COLUMNS = 10;

function formatNumber(value: number | null | undefined, digits: number): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  return value === null ? 'NaN' : value.toPrecision(digits);
}

/**
 * Formats progress as `[#####-----] 40/122  33%  loss 0.9700  lr 2.00e-4  ETA 4m05s` within `columns`.
 * Fields are dropped from the right when they do not fit, and the bar goes first on narrow terminals.
 */
export function formatProgressLine(progress: ProgressView, columns: number): string {
  const total = Math.max(progress.total, 0);
  const step = Math.min(Math.max(progress.step, 0), total);
  const percent = total > 0 ? Math.floor((step / total) * 100) : 0;
  const count = `${step}/${total}${progress.unit ? ` ${progress.unit}` : ''}`;

  const extras = [
    `${percent}%`,
    ...(formatNumber(progress.loss, 4) ? [`loss ${formatNumber(progress.loss, 4)}`] : []),
    ...(progress.lr === undefined ? [] : [`lr ${progress.lr === null ? 'NaN' : progress.lr.toExponential(2)}`]),
    `ETA ${formatDuration(progress.etaS)}`,
  ];

  let text = count;
  for (const extra of extras) {
    if (text.length + 2 + extra.length > columns) {
      break;
    }
    text += `  ${extra}`;
  }

  const barColumns = Math.min(40, columns - text.length - 3);
  if (barColumns < MIN_BAR_COLUMNS) {
    return text.slice(0, columns);
  }
  const filled = total > 0 ? Math.round((step / total) * barColumns) : 0;
  return `[${'#'.repeat(filled)}${'-'.repeat(barColumns - filled)}] ${text}`;
}
