import { describe, expect, it } from 'vitest';
import { loadCourse } from '../../src/lessons/load.js';
import type { AttemptRecord } from '../../src/progress/schema.js';
import { ProgressStore } from '../../src/progress/store.js';
import { createAttempt } from '../../src/quiz/attempt.js';
import { drawAttempt } from '../../src/quiz/draw.js';
import { formatHistory, formatHistorySummary, loadCurrentAttempt, recordAttempt, saveCurrentAttempt } from '../../src/quiz/history.js';
import { loadBank } from '../../src/quiz/load.js';
import { formatScore } from '../../src/quiz/result.js';
import { sectionLines } from '../../src/ui/quiz/LessonSectionView.js';
import { makeTempDir } from './helpers.js';

const bank = loadBank();

function record(overrides: Partial<AttemptRecord>): AttemptRecord {
  return {
    id: 'attempt-1',
    startedAt: '2026-12-01T09:00:00.000Z',
    finishedAt: '2026-12-01T09:20:00.000Z',
    seed: 11,
    retake: false,
    questionIds: [],
    byTopic: { alignment: { score: 4, max: 5 }, qlora: { score: 2.5, max: 4 } },
    total: { score: 14.5, max: 20 },
    missed: ['al-kosmos', 'ql-nf4'],
    passed: false,
    ...overrides,
  };
}

describe('formatHistorySummary', () => {
  it('says when the quiz was never taken', () => {
    expect(formatHistorySummary([])).toBe('Quiz: not taken yet. Pass mark 80%.');
  });

  it('summarises the last and best attempts', () => {
    const history = [record({}), record({ id: 'attempt-2', finishedAt: '2026-12-03T10:00:00.000Z', total: { score: 17, max: 20 }, passed: true, missed: [] })];
    expect(formatHistorySummary(history)).toBe('Quiz: 2 attempts, last 85% on 2026-12-03 (passed), best 85%.');
  });

  it('leaves retakes out of last and best', () => {
    const history = [record({}), record({ id: 'attempt-2', retake: true, total: { score: 2, max: 2 }, passed: true, missed: [] })];
    expect(formatHistorySummary(history)).toBe('Quiz: 2 attempts, last full attempt 73% on 2026-12-01 (below the 80% pass mark), best 73%.');
  });

  it('mentions an attempt in progress', () => {
    expect(formatHistorySummary([], true)).toBe('Quiz: an attempt is in progress; open the quiz to resume it. Pass mark 80%.');
    const summary = formatHistorySummary([record({})], true);
    expect(summary).toContain('An attempt is in progress: open the quiz to resume it.');
    expect(summary).not.toContain('missed last time');
  });

  it('points to the retake after misses', () => {
    const summary = formatHistorySummary([record({})]);
    expect(summary).toContain('Quiz: 1 attempt, last 73% on 2026-12-01 (below the 80% pass mark), best 73%.');
    expect(summary).toContain('2 missed last time: retake them with "mllm-course quiz --retake-missed".');
  });
});

describe('formatScore', () => {
  it.each([
    [{ score: 16, max: 20 }, '16/20 (80%)'],
    [{ score: 14.5, max: 20 }, '14.5/20 (73%)'],
    [{ score: 1 / 3 + 1 / 3 + 1 / 3 + 15, max: 20 }, '16/20 (80%)'],
    [{ score: 2 / 3, max: 1 }, '0.67/1 (67%)'],
    [{ score: 0, max: 0 }, '0/0 (0%)'],
  ])('formats %o', (score, expected) => {
    expect(formatScore(score)).toBe(expected);
  });
});

describe('formatHistory', () => {
  it('lists attempts newest first with topic scores', () => {
    const text = formatHistory([record({}), record({ id: 'attempt-2', retake: true, finishedAt: '2026-12-02T08:05:00.000Z', total: { score: 2, max: 2 }, passed: true, missed: [], byTopic: { alignment: { score: 2, max: 2 } } })]);
    const second = text.indexOf('#2  2026-12-02 08:05 UTC  seed 11, retake of missed questions');
    const first = text.indexOf('#1  2026-12-01 09:20 UTC  seed 11');
    expect(second).toBeGreaterThan(0);
    expect(first).toBeGreaterThan(second);
    expect(text).toContain('Total  14.5/20 (73%)  not passed');
    expect(text).toContain('QLoRA                    2.5/4 (63%)');
    expect(text).toContain('Missed: al-kosmos, ql-nf4');
  });
});

describe('saved attempt', () => {
  it('round-trips through the progress file', () => {
    const dir = makeTempDir('history');
    const state = createAttempt(drawAttempt(bank, 3), 3);
    saveCurrentAttempt(ProgressStore.open({ cwd: dir }), state);

    const loaded = loadCurrentAttempt(ProgressStore.open({ cwd: dir }), bank);
    expect(loaded.warning).toBeUndefined();
    expect(loaded.state).toEqual(state);
  });

  it('is dropped with a warning when its question left the bank', () => {
    const dir = makeTempDir('history-stale');
    const state = createAttempt([{ questionId: 'removed-question', choiceOrder: [] }], 3);
    saveCurrentAttempt(ProgressStore.open({ cwd: dir }), state);

    const store = ProgressStore.open({ cwd: dir });
    const loaded = loadCurrentAttempt(store, bank);
    expect(loaded.state).toBeUndefined();
    expect(loaded.warning).toContain('"removed-question" is no longer in the question bank');
    expect(ProgressStore.open({ cwd: dir }).data.quiz.current).toBeUndefined();
  });

  it('is dropped when its layout is invalid', () => {
    const dir = makeTempDir('history-invalid');
    ProgressStore.open({ cwd: dir }).update((draft) => {
      draft.quiz.current = { phase: 'question' };
    });
    const loaded = loadCurrentAttempt(ProgressStore.open({ cwd: dir }), bank);
    expect(loaded.state).toBeUndefined();
    expect(loaded.warning).toContain('does not match the expected layout');
  });

  it('is cleared when the attempt is recorded', () => {
    const dir = makeTempDir('history-record');
    const store = ProgressStore.open({ cwd: dir });
    saveCurrentAttempt(store, createAttempt(drawAttempt(bank, 4), 4));
    recordAttempt(store, record({}));

    const reopened = ProgressStore.open({ cwd: dir });
    expect(reopened.data.quiz.current).toBeUndefined();
    expect(reopened.data.quiz.history).toHaveLength(1);
    expect(reopened.data.quiz.history[0]?.byTopic.qlora).toEqual({ score: 2.5, max: 4 });
  });
});

describe('sectionLines', () => {
  it('cuts one section out of a lesson', () => {
    const lesson = loadCourse().lessons.find((candidate) => candidate.id === '02');
    if (!lesson) {
      throw new Error('lesson 02 is missing');
    }
    const lines = sectionLines(lesson, 'gqa');
    const title = lesson.sections.find((section) => section.id === 'gqa')?.title;
    const nextTitle = lesson.sections[lesson.sections.findIndex((section) => section.id === 'gqa') + 1]?.title;
    expect(lines[0]).toBe(`## ${title}`);
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.some((line) => line === `## ${nextTitle}`)).toBe(false);
  });
});
