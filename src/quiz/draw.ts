import { randomInt } from 'node:crypto';
import { TOPICS, type Question, type QuestionBank, type Topic } from './schema.js';

/** Questions in a full attempt. */
export const ATTEMPT_SIZE = 20;
/** Largest seed `--seed` accepts: seeds are unsigned 32-bit integers. */
export const MAX_SEED = 0xffff_ffff;

/** One drawn question with its choices in the order shown (choice ids; empty for numeric questions). */
export interface AttemptItem {
  questionId: string;
  choiceOrder: string[];
}

/** Returns a pseudo-random generator of floats in [0, 1) (mulberry32), the same sequence for the same seed. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Returns a shuffled copy (Fisher-Yates). */
export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

export function randomSeed(): number {
  return randomInt(0, MAX_SEED);
}

/**
 * Splits `size` questions over the topics in proportion to how many each has in the bank: every topic gets
 * at least the whole part of its share, and the questions left over go to the largest remainders.
 */
export function topicQuotas(bank: QuestionBank, size = ATTEMPT_SIZE): Map<Topic, number> {
  const counts = TOPICS.map((topic) => ({ topic, count: bank.questions.filter((question) => question.topic === topic).length }));
  const total = counts.reduce((sum, entry) => sum + entry.count, 0);
  const target = Math.min(size, total);

  const shares = counts.map((entry) => {
    const exact = total === 0 ? 0 : (entry.count * target) / total;
    return { ...entry, quota: Math.floor(exact), remainder: exact - Math.floor(exact) };
  });

  let left = target - shares.reduce((sum, entry) => sum + entry.quota, 0);
  const byRemainder = [...shares].sort((a, b) => b.remainder - a.remainder || TOPICS.indexOf(a.topic) - TOPICS.indexOf(b.topic));
  for (const entry of byRemainder) {
    if (left === 0) {
      break;
    }
    if (entry.quota < entry.count) {
      entry.quota += 1;
      left -= 1;
    }
  }

  return new Map(shares.map((entry) => [entry.topic, entry.quota]));
}

/**
 * Draws an attempt: `size` questions spread over the topics by `topicQuotas`, or exactly `questionIds` when
 * given (a retake of missed questions). The order of questions and of each question's choices follows `seed`.
 */
export function drawAttempt(bank: QuestionBank, seed: number, options: { size?: number; questionIds?: readonly string[] } = {}): AttemptItem[] {
  const random = createRandom(seed);
  let picked: Question[];

  if (options.questionIds) {
    picked = options.questionIds.map((id) => {
      const question = bank.byId.get(id);
      if (!question) {
        throw new Error(`Question "${id}" is not in the question bank; it may have been renamed or removed.`);
      }
      return question;
    });
  } else {
    const quotas = topicQuotas(bank, options.size ?? ATTEMPT_SIZE);
    picked = TOPICS.flatMap((topic) => {
      const pool = bank.questions.filter((question) => question.topic === topic);
      return shuffle(pool, random).slice(0, quotas.get(topic) ?? 0);
    });
  }

  return shuffle(picked, random).map((question) => ({
    questionId: question.id,
    choiceOrder: question.type === 'numeric' ? [] : shuffle(question.choices.map((choice) => choice.id), random),
  }));
}
