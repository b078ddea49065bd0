import type { AttemptRecord } from '../progress/schema.js';
import type { ProgressStore } from '../progress/store.js';
import { AttemptStateSchema, staleReason, type AttemptState } from './attempt.js';
import { formatScore, formatTopicLines } from './result.js';
import type { QuestionBank } from './schema.js';

/** Finished attempts, oldest first. */
export function readHistory(store: ProgressStore): readonly AttemptRecord[] {
  return store.data.quiz.history;
}

/** Appends a finished attempt to the history and drops the saved attempt in progress. */
export function recordAttempt(store: ProgressStore, record: AttemptRecord): void {
  store.update((draft) => {
    draft.quiz.history.push(record);
    delete draft.quiz.current;
  });
}

export function saveCurrentAttempt(store: ProgressStore, state: AttemptState): void {
  store.update((draft) => {
    draft.quiz.current = state;
  });
}

/** Whether a saved attempt has at least one answer; one only opened at its rules is not worth a mention. */
export function hasAttemptInProgress(store: ProgressStore): boolean {
  const current = store.data.quiz.current as { answers?: unknown } | undefined;
  return Array.isArray(current?.answers) && current.answers.length > 0;
}

export function clearCurrentAttempt(store: ProgressStore): void {
  store.update((draft) => {
    delete draft.quiz.current;
  });
}

export interface SavedAttempt {
  state?: AttemptState;
  /** Reason a saved attempt was dropped, for the student to read. */
  warning?: string;
}

/**
 * Reads the attempt in progress. A saved attempt that is invalid, already finished or no longer matches the
 * bank is removed and reported in `warning`, so that a changed bank never blocks the quiz.
 */
export function loadCurrentAttempt(store: ProgressStore, bank: QuestionBank): SavedAttempt {
  const raw = store.data.quiz.current;
  if (raw === undefined) {
    return {};
  }

  const parsed = AttemptStateSchema.safeParse(raw);
  let reason: string | undefined;
  if (!parsed.success) {
    reason = `it does not match the expected layout (${parsed.error.issues[0]?.message ?? 'invalid'})`;
  } else if (parsed.data.phase === 'finished') {
    reason = 'it was already finished';
  } else {
    reason = staleReason(parsed.data, bank);
  }

  if (reason !== undefined) {
    clearCurrentAttempt(store);
    return { warning: `The saved unfinished quiz attempt was discarded because ${reason}; a new attempt starts.` };
  }
  return { state: parsed.success ? parsed.data : undefined };
}

/** Returns the most recent finished attempt, or undefined when there is none. */
export function lastAttempt(history: readonly AttemptRecord[]): AttemptRecord | undefined {
  return history.at(-1);
}

function percent(record: AttemptRecord): number {
  return record.total.max === 0 ? 0 : Math.round((record.total.score / record.total.max) * 100);
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

/**
 * Renders a short summary of the quiz history for the home screen, at most two lines, such as
 * "Quiz: 3 attempts, last 85% on 2026-12-04 (passed), best 90%". Last and best count full attempts only,
 * because a retake of a few missed questions is not comparable with them.
 */
export function formatHistorySummary(history: readonly AttemptRecord[], attemptInProgress = false): string {
  const latest = lastAttempt(history);
  const resume = attemptInProgress ? '\nAn attempt is in progress: open the quiz to resume it.' : '';
  if (!latest) {
    return attemptInProgress ? 'Quiz: an attempt is in progress; open the quiz to resume it. Pass mark 80%.' : 'Quiz: not taken yet. Pass mark 80%.';
  }

  const full = history.filter((record) => !record.retake);
  const lastFull = full.at(-1) ?? latest;
  const best = Math.max(...(full.length > 0 ? full : history).map(percent));
  const count = history.length === 1 ? '1 attempt' : `${history.length} attempts`;
  const status = lastFull.passed ? 'passed' : 'below the 80% pass mark';
  // Retakes cover only missed questions, so their percentages are not comparable with a full attempt's.
  const last = lastFull === latest ? 'last' : 'last full attempt';
  let text = `Quiz: ${count}, ${last} ${percent(lastFull)}% on ${day(lastFull.finishedAt)} (${status}), best ${best}%.`;

  if (attemptInProgress) {
    return text + resume;
  }
  if (latest.missed.length > 0) {
    text += `\n${latest.missed.length} missed last time: retake them with "mllm-course quiz --retake-missed".`;
  }
  return text;
}

/** Renders every finished attempt, newest first, with its per-topic scores, for `quiz --history`. */
export function formatHistory(history: readonly AttemptRecord[]): string {
  if (history.length === 0) {
    return 'No finished quiz attempts yet. Start one with "mllm-course quiz".\n';
  }

  const blocks = [...history].reverse().map((record, index) => {
    const number = history.length - index;
    const kind = record.retake ? ', retake of missed questions' : '';
    const status = record.passed ? 'passed' : 'not passed';
    const lines = [
      `#${number}  ${record.finishedAt.replace('T', ' ').slice(0, 16)} UTC  seed ${record.seed}${kind}`,
      `  Total  ${formatScore(record.total)}  ${status}`,
      ...formatTopicLines(record.byTopic).map((line) => `  ${line}`),
    ];
    if (record.missed.length > 0) {
      lines.push(`  Missed: ${record.missed.join(', ')}`);
    }
    return lines.join('\n');
  });

  return `${formatHistorySummary(history)}\n\n${blocks.join('\n\n')}\n`;
}
