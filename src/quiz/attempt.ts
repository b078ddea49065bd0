import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { assertNever, gradeResponse, type AnswerResponse } from './grade.js';
import type { AttemptItem } from './draw.js';
import type { Question, QuestionBank } from './schema.js';

/**
 * Steps of an attempt: `intro` shows the grading rules, `question` waits for an answer, `feedback` shows the
 * graded answer, `finished` shows the scores.
 */
export type AttemptPhase = 'intro' | 'question' | 'feedback' | 'finished';

const ResponseSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('choices'), choiceIds: z.array(z.string()) }),
  z.object({ kind: z.literal('number'), value: z.number() }),
]);

export const AnswerRecordSchema = z.object({
  questionId: z.string(),
  response: ResponseSchema,
  /** Points earned, from 0 to 1. */
  score: z.number().min(0).max(1),
});

/** An attempt in progress, saved in the progress store's `quiz.current` after every step. */
export const AttemptStateSchema = z.object({
  id: z.string(),
  seed: z.number().int().min(0),
  /** True for an attempt of only the questions missed last time. */
  retake: z.boolean(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  phase: z.enum(['intro', 'question', 'feedback', 'finished']),
  items: z.array(z.object({ questionId: z.string(), choiceOrder: z.array(z.string()) })).min(1),
  answers: z.array(AnswerRecordSchema),
});

export type AnswerRecord = z.infer<typeof AnswerRecordSchema>;
export type AttemptState = z.infer<typeof AttemptStateSchema>;

export type AttemptAction =
  | { type: 'begin' }
  | { type: 'answer'; response: AnswerResponse }
  | { type: 'next'; at: string };

export function createAttempt(items: AttemptItem[], seed: number, options: { retake?: boolean; now?: Date } = {}): AttemptState {
  if (items.length === 0) {
    throw new Error('An attempt needs at least one question.');
  }
  return {
    id: randomUUID(),
    seed,
    retake: options.retake ?? false,
    startedAt: (options.now ?? new Date()).toISOString(),
    phase: 'intro',
    items: items.map((item) => ({ questionId: item.questionId, choiceOrder: [...item.choiceOrder] })),
    answers: [],
  };
}

/**
 * Returns the attempt reducer for `bank`. Actions that do not fit the current phase (an answer during
 * feedback, `next` while a question waits) leave the state unchanged.
 */
export function createAttemptReducer(bank: QuestionBank): (state: AttemptState, action: AttemptAction) => AttemptState {
  return (state, action) => {
    switch (action.type) {
      case 'begin':
        return state.phase === 'intro' ? { ...state, phase: 'question' } : state;

      case 'answer': {
        if (state.phase !== 'question') {
          return state;
        }
        const item = currentItem(state);
        const question = item ? bank.byId.get(item.questionId) : undefined;
        if (!item || !question) {
          return state;
        }
        const answer: AnswerRecord = { questionId: item.questionId, response: action.response, score: gradeResponse(question, action.response) };
        return { ...state, phase: 'feedback', answers: [...state.answers, answer] };
      }

      case 'next':
        if (state.phase !== 'feedback') {
          return state;
        }
        return state.answers.length >= state.items.length
          ? { ...state, phase: 'finished', finishedAt: action.at }
          : { ...state, phase: 'question' };

      default:
        return assertNever(action);
    }
  };
}

/**
 * The item on screen: the one waiting for an answer in `question`, the one just answered in `feedback`,
 * and undefined in `intro` and `finished`.
 */
export function currentItem(state: AttemptState): AttemptItem | undefined {
  switch (state.phase) {
    case 'question':
      return state.items[state.answers.length];
    case 'feedback':
      return state.items[state.answers.length - 1];
    case 'intro':
    case 'finished':
      return undefined;
    default:
      return assertNever(state.phase);
  }
}

/** Position of the item on screen, counted from 1, for "question 3 of 20". */
export function currentNumber(state: AttemptState): number {
  return state.phase === 'feedback' ? state.answers.length : state.answers.length + 1;
}

/** Returns the question of an item; throws when the bank no longer has it. */
export function questionOf(bank: QuestionBank, item: AttemptItem): Question {
  const question = bank.byId.get(item.questionId);
  if (!question) {
    throw new Error(`Question "${item.questionId}" is not in the question bank.`);
  }
  return question;
}

/**
 * Checks that a saved attempt still fits the bank: every question exists and its choice order names the
 * same choices. Returns the reason it does not, or undefined when it does.
 */
export function staleReason(state: AttemptState, bank: QuestionBank): string | undefined {
  for (const item of state.items) {
    const question = bank.byId.get(item.questionId);
    if (!question) {
      return `question "${item.questionId}" is no longer in the question bank`;
    }
    const ids = question.type === 'numeric' ? [] : question.choices.map((choice) => choice.id);
    if (ids.length !== item.choiceOrder.length || !ids.every((id) => item.choiceOrder.includes(id))) {
      return `the choices of question "${item.questionId}" have changed`;
    }
  }
  if (state.answers.length > state.items.length) {
    return 'it has more answers than questions';
  }
  return undefined;
}
