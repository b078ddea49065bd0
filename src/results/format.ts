import wrapAnsi from 'wrap-ansi';
import type { StageResults } from './load.js';
import { sanitizeLine } from '../util/sanitize.js';
import type { Prediction } from './schema.js';
import { errorTotals, formatScore, judgeNotes, scoreRows } from './summary.js';

/** Renders the score table, judge notes and error categories as plain text no wider than `width`. */
export function formatScoreReport(results: StageResults, width: number): string[] {
  const lines: string[] = [];
  if (!results.scores) {
    return ['No scores yet: run the evaluate stage (`mllm-course run evaluate`).'];
  }

  lines.push('Scores (mean over samples; CRIMSON range -1 to 1, GREEN 0 to 1)');
  lines.push(`${pad('metric', 10)}${pad('model', 11)}${pad('mean', 8)}${pad('n', 5)}unparsed`);
  for (const row of scoreRows(results.scores)) {
    const metric = sanitizeLine(row.metric, 40);
    const model = sanitizeLine(row.model, 40);
    lines.push(`${pad(metric, 10)}${pad(model, 11)}${pad(formatScore(row.mean), 8)}${pad(String(row.n), 5)}${row.parseFailures}`);
  }

  for (const note of judgeNotes(results.scores)) {
    if (!note.ran) {
      // The evaluate stage's reasons start with "not run:"; other reasons get "not scored" in front.
      const reason = note.reason ?? 'The judge model did not run.';
      const text = /^not (run|scored)\b/i.test(reason) ? reason : `not scored. ${reason}`;
      lines.push(...wrap(`${note.metric}: ${text}`, width));
    }
  }

  const totals = errorTotals(results.details);
  if (totals.size > 0) {
    lines.push('', 'Error categories (summed over samples)');
    for (const [key, categories] of totals) {
      const parts = [...categories].filter(([, count]) => count > 0).map(([category, count]) => `${category} ${count}`);
      lines.push(...wrap(`${key}: ${parts.length > 0 ? parts.join(', ') : 'none'}`, width));
    }
  }

  return lines.map((line) => line.slice(0, width));
}

/** Renders one prediction: the question, the reference and both answers, stacked. */
export function formatPrediction(prediction: Prediction, index: number, count: number, width: number): string[] {
  const lines = [`Sample ${index + 1} of ${count}: ${prediction.id}`];

  lines.push(...wrap(`Image: ${prediction.image}`, width));
  lines.push(...wrap(`Question: ${prediction.question}`, width));
  lines.push(...wrap(`Reference: ${prediction.reference}`, width));
  lines.push(...wrap(`Base: ${prediction.base ?? '(not generated)'}`, width));
  lines.push(...wrap(`Fine-tuned: ${prediction.finetuned ?? '(not generated)'}`, width));

  return lines;
}

/** Characters of one answer that are shown; a model that loops can write thousands. */
const MAX_FIELD_CHARS = 4_000;

/** Wraps text from a stage's output file, which is model output: escape sequences are removed first. */
function wrap(text: string, width: number): string[] {
  const clean = text
    .split('\n')
    .map((line) => sanitizeLine(line, MAX_FIELD_CHARS))
    .join('\n');
  return wrapAnsi(clean, Math.max(10, width), { hard: true, trim: true }).split('\n');
}

function pad(text: string, size: number): string {
  return text.length >= size ? `${text.slice(0, size - 1)} ` : text.padEnd(size);
}

/** Columns from which the three answers are shown side by side instead of stacked. */
export const SIDE_BY_SIDE_COLUMNS = 100;

/**
 * Renders one prediction with the reference, base and fine-tuned answers in three columns of equal width,
 * under a header with the id, image and question. Falls back to the stacked layout below SIDE_BY_SIDE_COLUMNS.
 */
export function formatPredictionSideBySide(prediction: Prediction, index: number, count: number, width: number): string[] {
  if (width < SIDE_BY_SIDE_COLUMNS) {
    return formatPrediction(prediction, index, count, width);
  }

  const lines = [`Sample ${index + 1} of ${count}: ${prediction.id}`];
  lines.push(...wrap(`Image: ${prediction.image}`, width));
  lines.push(...wrap(`Question: ${prediction.question}`, width));
  lines.push('');

  const gutter = ' | ';
  const columnWidth = Math.floor((width - 2 * gutter.length) / 3);
  const columns = [
    ['Reference', prediction.reference],
    ['Base', prediction.base ?? '(not generated)'],
    ['Fine-tuned', prediction.finetuned ?? '(not generated)'],
  ].map(([title, text]) => [title ?? '', '-'.repeat(Math.min(columnWidth, (title ?? '').length)), ...wrap(text ?? '', columnWidth)]);

  const height = Math.max(...columns.map((column) => column.length));
  for (let row = 0; row < height; row += 1) {
    const cells = columns.map((column) => (column[row] ?? '').padEnd(columnWidth));
    lines.push(cells.join(gutter).trimEnd());
  }

  return lines;
}
