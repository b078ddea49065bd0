import { describe, expect, it } from 'vitest';
import { ATTEMPT_SIZE, createRandom, drawAttempt, shuffle, topicQuotas } from '../../src/quiz/draw.js';
import { loadBank } from '../../src/quiz/load.js';
import { TOPICS } from '../../src/quiz/schema.js';

const bank = loadBank();

describe('drawAttempt', () => {
  it('gives the same draw for the same seed', () => {
    expect(drawAttempt(bank, 42)).toEqual(drawAttempt(bank, 42));
  });

  it('gives another order for another seed', () => {
    const first = drawAttempt(bank, 1).map((item) => item.questionId);
    const second = drawAttempt(bank, 2).map((item) => item.questionId);
    expect(first).not.toEqual(second);
  });

  it('draws 20 distinct questions spread by the topic quotas', () => {
    const items = drawAttempt(bank, 7);
    expect(items).toHaveLength(ATTEMPT_SIZE);
    expect(new Set(items.map((item) => item.questionId)).size).toBe(ATTEMPT_SIZE);

    const quotas = topicQuotas(bank);
    for (const topic of TOPICS) {
      const drawn = items.filter((item) => bank.byId.get(item.questionId)?.topic === topic).length;
      expect(drawn, topic).toBe(quotas.get(topic));
      expect(drawn, topic).toBeGreaterThan(0);
    }
  });

  it('does not group the questions by topic', () => {
    const topics = drawAttempt(bank, 11).map((item) => bank.byId.get(item.questionId)?.topic);
    const changes = topics.filter((topic, index) => index > 0 && topic !== topics[index - 1]).length;
    expect(changes).toBeGreaterThan(TOPICS.length - 1);
  });

  it('shuffles the choices and keeps each choice once', () => {
    const orders = [3, 4, 5, 6].map((seed) => drawAttempt(bank, seed));
    let shuffled = 0;
    for (const items of orders) {
      for (const item of items) {
        const question = bank.byId.get(item.questionId);
        if (question?.type === 'numeric' || !question) {
          expect(item.choiceOrder).toEqual([]);
          continue;
        }
        const ids = question.choices.map((choice) => choice.id);
        expect([...item.choiceOrder].sort()).toEqual([...ids].sort());
        if (item.choiceOrder.join() !== ids.join()) {
          shuffled += 1;
        }
      }
    }
    expect(shuffled).toBeGreaterThan(20);
  });

  it('draws exactly the given ids for a retake', () => {
    const ids = ['vd-head-dim', 'ql-nf4', 'pl-green-compute'];
    const items = drawAttempt(bank, 9, { questionIds: ids });
    expect(items.map((item) => item.questionId).sort()).toEqual([...ids].sort());
  });

  it('rejects a retake id that is not in the bank', () => {
    expect(() => drawAttempt(bank, 9, { questionIds: ['no-such-question'] })).toThrow('"no-such-question" is not in the question bank');
  });
});

describe('seeded random', () => {
  it('repeats its sequence for a seed', () => {
    const first = createRandom(123);
    const second = createRandom(123);
    const values = Array.from({ length: 5 }, () => first());
    expect(Array.from({ length: 5 }, () => second())).toEqual(values);
    values.forEach((value) => {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    });
  });

  it('shuffle keeps every item', () => {
    const items = Array.from({ length: 30 }, (_, index) => index);
    const shuffled = shuffle(items, createRandom(5));
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
  });
});
