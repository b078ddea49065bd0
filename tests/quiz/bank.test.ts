import { describe, expect, it } from 'vitest';
import { loadCourse } from '../../src/lessons/load.js';
import { ATTEMPT_SIZE, topicQuotas } from '../../src/quiz/draw.js';
import { findMissingReferences, loadBank } from '../../src/quiz/load.js';
import { TOPIC_MINIMUMS, TOPICS } from '../../src/quiz/schema.js';

const bank = loadBank();

describe('question bank', () => {
  it('has at least 48 questions', () => {
    expect(bank.questions.length).toBeGreaterThanOrEqual(48);
  });

  it.each(TOPICS)('topic %s meets its minimum', (topic) => {
    const count = bank.questions.filter((question) => question.topic === topic).length;
    expect(count).toBeGreaterThanOrEqual(TOPIC_MINIMUMS[topic]);
  });

  it('has no duplicate ids', () => {
    const ids = bank.questions.map((question) => question.id);
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
  });

  it('has every answer among the choices', () => {
    const problems: string[] = [];
    for (const question of bank.questions) {
      if (question.type === 'numeric') {
        continue;
      }
      const ids = question.choices.map((choice) => choice.id);
      const answers = question.type === 'single' ? [question.answer] : question.answer;
      answers.filter((answer) => !ids.includes(answer)).forEach((answer) => problems.push(`${question.id}: ${answer}`));
    }
    expect(problems).toEqual([]);
  });

  it('refers only to lesson sections that exist', () => {
    const { lessons } = loadCourse();
    const missing = findMissingReferences(bank, lessons).map((entry) => `${entry.questionId}: ${entry.problem}`);
    expect(missing).toEqual([]);
  });

  it('uses all three question types', () => {
    const types = new Set(bank.questions.map((question) => question.type));
    expect([...types].sort()).toEqual(['multiple', 'numeric', 'single']);
  });

  it('avoids "all of the above" choices', () => {
    const offenders = bank.questions.flatMap((question) =>
      question.type === 'numeric' ? [] : question.choices.filter((choice) => /(all|none) of the (above|these)/i.test(choice.text)).map(() => question.id),
    );
    expect(offenders).toEqual([]);
  });

  it('gives every topic its share of an attempt', () => {
    const quotas = topicQuotas(bank);
    const total = [...quotas.values()].reduce((sum, value) => sum + value, 0);
    expect(total).toBe(ATTEMPT_SIZE);
    for (const topic of TOPICS) {
      const count = bank.questions.filter((question) => question.topic === topic).length;
      expect(quotas.get(topic)).toBeGreaterThanOrEqual(Math.floor((count * ATTEMPT_SIZE) / bank.questions.length));
    }
  });
});

describe('computed answers', () => {
  const numeric = (id: string): number => {
    const question = bank.byId.get(id);
    if (question?.type !== 'numeric') {
      throw new Error(`${id} is not a numeric question`);
    }
    return question.answer;
  };

  it.each([
    ['vd-patches-896', (896 / 14) ** 2],
    ['vd-pooled-tokens', (64 / 4) ** 2],
    ['vd-tokens-three-images', 3 * 256],
    ['vd-tokens-with-markers', 3 * (256 + 2)],
    ['vd-kv-group', 8 / 4],
    ['vd-qproj-width', 8 * 256],
    ['vd-global-count', Array.from({ length: 34 }, (_, index) => index).filter((index) => (index + 1) % 6 === 0).length],
    ['vd-projector-params', 1152 * 2560],
    ['vd-medsiglip-448', (448 / 14) ** 2],
    ['vd-ct-slices', 85 * 256],
    ['ql-qproj-params', 16 * (2560 + 2048)],
    ['ql-kproj-params', 16 * (2560 + 1024)],
    ['ql-gate-r8', 8 * (2560 + 10240)],
    ['ql-scaling', 32 / 8],
    ['ql-constants-cost', 32 / 64],
    ['pl-green-compute', 6 / (6 + 2)],
    ['pl-sample-studies', 16 / 4],
  ])('%s matches its arithmetic', (id, expected) => {
    expect(numeric(id)).toBeCloseTo(expected, 10);
  });

  it('rounds the CRIMSON and embedding answers within tolerance', () => {
    const question = (id: string) => bank.byId.get(id);
    const within = (id: string, exact: number): void => {
      const found = question(id);
      if (found?.type !== 'numeric') {
        throw new Error(`${id} is not a numeric question`);
      }
      expect(Math.abs(found.answer - exact), id).toBeLessThanOrEqual(found.tolerance);
    };

    within('pl-crimson-attribute', (1 + (0.5 * 0.5) / (0.5 + 0.5)) / 1.5);
    const x = 0.5 - 0;
    within('pl-crimson-negative', -x / (1 + x));
    within('vd-tied-embeddings', (262_144 * 2560) / 1e6);
  });

  it('rounds the 34-block LoRA total and the double-quantisation saving within tolerance', () => {
    const perBlock = 16 * (2 * (2560 + 2048) + 2 * (2560 + 1024) + 3 * (2560 + 10240));
    expect(perBlock).toBe(876_544);
    expect(Math.abs(numeric('ql-total-millions') - (perBlock * 34) / 1e6)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(numeric('ql-double-quant-saving') - (0.5 - (8 / 64 + 32 / (64 * 256))))).toBeLessThanOrEqual(0.0005);
  });
});
