import { describe, expect, it } from 'vitest';
import { createAttempt, createAttemptReducer, currentItem, currentNumber, staleReason, type AttemptAction, type AttemptState } from '../../src/quiz/attempt.js';
import { drawAttempt } from '../../src/quiz/draw.js';
import { parseResponse } from '../../src/quiz/grade.js';
import { loadBank } from '../../src/quiz/load.js';
import { summarizeAttempt, toAttemptRecord } from '../../src/quiz/result.js';
import { correctAnswerText, wrongAnswerText } from './helpers.js';

const bank = loadBank();
const reduce = createAttemptReducer(bank);
const AT = '2026-12-04T12:00:00.000Z';

function answerAction(state: AttemptState, correct: boolean): AttemptAction {
  const item = currentItem(state);
  const question = item && bank.byId.get(item.questionId);
  if (!item || !question) {
    throw new Error('no current question');
  }
  const parsed = parseResponse(question, item.choiceOrder, correct ? correctAnswerText(question, item) : wrongAnswerText(question, item));
  if (!parsed.ok) {
    throw new Error(parsed.reason);
  }
  return { type: 'answer', response: parsed.response };
}

describe('attempt reducer', () => {
  const start = createAttempt(drawAttempt(bank, 5, { size: 4 }), 5, { now: new Date(AT) });

  it('walks intro, question, feedback and finished', () => {
    let state = start;
    expect(state.phase).toBe('intro');
    state = reduce(state, { type: 'begin' });
    expect(state.phase).toBe('question');
    expect(currentNumber(state)).toBe(1);

    for (let index = 0; index < 4; index += 1) {
      state = reduce(state, answerAction(state, index % 2 === 0));
      expect(state.phase).toBe('feedback');
      expect(currentNumber(state)).toBe(index + 1);
      expect(currentItem(state)?.questionId).toBe(start.items[index]?.questionId);
      state = reduce(state, { type: 'next', at: AT });
    }

    expect(state.phase).toBe('finished');
    expect(state.finishedAt).toBe(AT);
    expect(state.answers.map((answer) => answer.score)).toEqual([1, 0, 1, 0]);
  });

  it.each([
    ['answer during intro', 'intro', 'answer'],
    ['next during intro', 'intro', 'next'],
    ['begin during a question', 'question', 'begin'],
    ['next during a question', 'question', 'next'],
    ['answer during feedback', 'feedback', 'answer'],
    ['begin during feedback', 'feedback', 'begin'],
  ] as const)('ignores %s', (_name, phase, actionType) => {
    let state = reduce(start, { type: 'begin' });
    const pendingAnswer = answerAction(state, true);
    if (phase === 'intro') {
      state = start;
    } else if (phase === 'feedback') {
      state = reduce(state, pendingAnswer);
    }
    const actions: Record<AttemptAction['type'], AttemptAction> = { answer: pendingAnswer, next: { type: 'next', at: AT }, begin: { type: 'begin' } };
    const action = actions[actionType];
    expect(reduce(state, action)).toBe(state);
  });

  it('summarises per topic, total, missed and pass', () => {
    let state = reduce(createAttempt(drawAttempt(bank, 8), 8), { type: 'begin' });
    const wrongIndexes = new Set([2, 9, 15]);
    for (let index = 0; index < state.items.length; index += 1) {
      state = reduce(state, answerAction(state, !wrongIndexes.has(index)));
      state = reduce(state, { type: 'next', at: AT });
    }

    const summary = summarizeAttempt(state, bank);
    expect(summary.total).toEqual({ score: 17, max: 20 });
    expect(summary.passed).toBe(true);
    expect(summary.missed).toEqual([...wrongIndexes].map((index) => state.items[index]?.questionId));
    const topicMax = Object.values(summary.byTopic).reduce((sum, score) => sum + (score?.max ?? 0), 0);
    expect(topicMax).toBe(20);

    const record = toAttemptRecord(state, summary);
    expect(record.questionIds).toHaveLength(20);
    expect(record.finishedAt).toBe(AT);
    expect(record.retake).toBe(false);
  });

  it('fails below the pass mark of 80%', () => {
    let state = reduce(createAttempt(drawAttempt(bank, 8), 8), { type: 'begin' });
    for (let index = 0; index < state.items.length; index += 1) {
      state = reduce(state, answerAction(state, index >= 5));
      state = reduce(state, { type: 'next', at: AT });
    }
    const summary = summarizeAttempt(state, bank);
    expect(summary.total.score).toBe(15);
    expect(summary.passed).toBe(false);
  });

  it('reports a saved attempt whose question left the bank', () => {
    const stale: AttemptState = { ...start, items: [...start.items, { questionId: 'removed-question', choiceOrder: [] }] };
    expect(staleReason(stale, bank)).toContain('"removed-question" is no longer in the question bank');
    expect(staleReason(start, bank)).toBeUndefined();
  });
});
