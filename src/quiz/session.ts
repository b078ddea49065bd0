import type { ProgressStore } from '../progress/store.js';
import { createAttempt, type AttemptState } from './attempt.js';
import { drawAttempt, randomSeed } from './draw.js';
import { clearCurrentAttempt, lastAttempt, loadCurrentAttempt, readHistory } from './history.js';
import type { QuestionBank } from './schema.js';

export interface AttemptRequest {
  /** Seed for a new attempt; a saved attempt resumes only when it has the same seed. */
  seed?: number;
  /** Start an attempt of only the questions the last finished attempt missed. */
  retakeMissed?: boolean;
  /** Discard a saved unfinished attempt instead of resuming it. */
  restart?: boolean;
}

export type AttemptChoice =
  | { ok: true; state: AttemptState; resumed: boolean; warnings: string[] }
  | { ok: false; message: string };

/**
 * Decides which attempt to run: the saved unfinished one, a new full attempt, or a retake of the last
 * attempt's missed questions. A saved attempt that conflicts with `seed` or `retakeMissed` is kept and the
 * request rejected, so that nothing is lost without `restart`.
 */
export function chooseAttempt(store: ProgressStore, bank: QuestionBank, request: AttemptRequest): AttemptChoice {
  const warnings: string[] = [];

  if (request.restart) {
    clearCurrentAttempt(store);
  }
  const saved = loadCurrentAttempt(store, bank);
  if (saved.warning) {
    warnings.push(saved.warning);
  }

  if (saved.state) {
    const conflict = request.retakeMissed ? 'a retake of missed questions' : request.seed !== undefined && request.seed !== saved.state.seed ? `seed ${request.seed}` : undefined;
    if (conflict === undefined) {
      return { ok: true, state: saved.state, resumed: true, warnings };
    }
    return {
      ok: false,
      message:
        `An unfinished attempt is saved (${saved.state.answers.length} of ${saved.state.items.length} answered, seed ${saved.state.seed}), ` +
        `so ${conflict} cannot start. Run "mllm-course quiz" without options to resume it, or add --restart to discard it.`,
    };
  }

  const seed = request.seed ?? randomSeed();
  if (!request.retakeMissed) {
    return { ok: true, state: createAttempt(drawAttempt(bank, seed), seed), resumed: false, warnings };
  }

  const last = lastAttempt(readHistory(store));
  if (!last) {
    return { ok: false, message: 'There is no finished attempt to retake yet. Run "mllm-course quiz" first.' };
  }
  const missed = last.missed.filter((id) => bank.byId.has(id));
  if (missed.length === 0) {
    const note = last.missed.length > 0 ? ' that are still in the question bank' : '';
    return { ok: false, message: `The last attempt missed no questions${note}, so there is nothing to retake. Run "mllm-course quiz" for a new attempt.` };
  }
  return { ok: true, state: createAttempt(drawAttempt(bank, seed, { questionIds: missed }), seed, { retake: true }), resumed: false, warnings };
}
