import type { ScoreDetail, Scores } from './schema.js';

export const MODEL_ORDER = ['base', 'finetuned'] as const;

export interface ScoreRow {
  metric: string;
  model: string;
  /** Mean score, or undefined when the judge did not run or every output failed to parse. */
  mean: number | undefined;
  n: number;
  parseFailures: number;
}

export interface JudgeNote {
  metric: string;
  ran: boolean;
  reason: string | undefined;
}

/** Flattens scores.json into one row per metric and model, metrics in file order, base before fine-tuned. */
export function scoreRows(scores: Scores): ScoreRow[] {
  const rows: ScoreRow[] = [];

  for (const [metric, byModel] of Object.entries(scores.metrics)) {
    const models = Object.keys(byModel).sort((left, right) => modelRank(left) - modelRank(right));
    for (const model of models) {
      const entry = byModel[model];
      if (!entry) {
        continue;
      }
      rows.push({
        metric,
        model,
        mean: entry.mean ?? undefined,
        n: entry.n,
        parseFailures: entry.parse_failures,
      });
    }
  }

  return rows;
}

export function judgeNotes(scores: Scores): JudgeNote[] {
  return Object.entries(scores.judges).map(([metric, judge]) => ({
    metric,
    ran: judge.ran,
    reason: judge.reason ?? undefined,
  }));
}

/** Sums the judges' error counts per metric, model and category over all samples. */
export function errorTotals(details: ScoreDetail[]): Map<string, Map<string, number>> {
  const totals = new Map<string, Map<string, number>>();

  for (const detail of details) {
    const key = `${detail.metric}/${detail.model}`;
    const categories = totals.get(key) ?? new Map<string, number>();
    for (const [category, count] of Object.entries(detail.errors)) {
      categories.set(category, (categories.get(category) ?? 0) + count);
    }
    totals.set(key, categories);
  }

  return totals;
}

/** Formats a score to three decimals; a missing score reads "n/a" so it is never mistaken for zero. */
export function formatScore(value: number | undefined): string {
  return value === undefined ? 'n/a' : value.toFixed(3);
}

function modelRank(model: string): number {
  const index = (MODEL_ORDER as readonly string[]).indexOf(model);
  return index === -1 ? MODEL_ORDER.length : index;
}
