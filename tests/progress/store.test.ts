import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { ProgressStore } from '../../src/progress/store.js';

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mllm-store-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function writeProgress(value: unknown): void {
  fs.writeFileSync(path.join(dir, 'progress.json'), typeof value === 'string' ? value : JSON.stringify(value));
}

function backups(): string[] {
  return fs.readdirSync(dir).filter((name) => name.startsWith('progress.corrupt-'));
}

const validAttempt = {
  id: 'a1',
  startedAt: '2026-12-01T10:00:00.000Z',
  finishedAt: '2026-12-01T10:20:00.000Z',
  seed: 7,
  questionIds: ['q1'],
  byTopic: { qlora: { score: 1, max: 1 } },
  total: { score: 1, max: 1 },
  missed: [],
  passed: true,
};

test('store keeps valid entries beside an invalid one', () => {
  writeProgress({
    version: 1,
    lessons: { '01': { read: true, position: 3 }, '02': { read: true, position: -5 } },
    lastLesson: '01',
    quiz: { history: [{ bad: 1 }, validAttempt] },
    targets: { hosts: ['gpu'], workDirs: {} },
  });

  const store = ProgressStore.open({ cwd: dir });

  expect(store.data.lessons['01']?.read).toBe(true);
  expect(store.data.lessons['02']).toBeUndefined();
  expect(store.data.quiz.history.map((attempt) => attempt.id)).toEqual(['a1']);
  expect(store.data.targets.hosts).toEqual(['gpu']);
  expect(store.data.lastLesson).toBe('01');
  expect(backups()).toHaveLength(1);
});

test('store names the dropped fields in one short warning', () => {
  writeProgress({ version: 1, lessons: { '01': { read: true } }, quiz: { history: [{ bad: 1 }] } });

  const store = ProgressStore.open({ cwd: dir });
  const warning = store.warnings.join('\n');

  expect(store.warnings).toHaveLength(1);
  expect(warning).toContain('quiz.history[0]: id:');
  expect(warning).toContain('The valid entries were kept');
  expect(warning).toContain(path.join(dir, backups()[0] ?? 'missing'));
  expect(warning).not.toContain('"code"');
  expect(warning.length).toBeLessThan(600);
});

test('store backs up a file that holds no object', () => {
  for (const text of ['[]', 'null', '42']) {
    writeProgress(text);
    const store = ProgressStore.open({ cwd: dir });

    expect(store.warnings, text).toHaveLength(1);
    expect(store.warnings[0]).toContain('not a valid JSON object');
    expect(backups().length, text).toBeGreaterThan(0);
    for (const name of backups()) {
      fs.rmSync(path.join(dir, name));
    }
  }
});

test('store names a progress file that is a folder', () => {
  fs.mkdirSync(path.join(dir, 'progress.json'));

  const store = ProgressStore.open({ cwd: dir });
  const warning = store.warnings.join('\n');

  expect(warning).toContain(path.join(dir, 'progress.json'));
  expect(warning).toContain('EISDIR');
  expect(warning.match(/EISDIR/g)).toHaveLength(1);

  store.update((draft) => {
    draft.lastLesson = '03';
  });
  expect(store.data.lastLesson).toBe('03');
});

test('store saves the salvaged progress on the next write', () => {
  writeProgress({ version: 1, lessons: { '01': { read: true }, '02': { read: 'yes' } } });

  const store = ProgressStore.open({ cwd: dir });
  store.update((draft) => {
    draft.lastLesson = '01';
  });

  const saved = JSON.parse(fs.readFileSync(path.join(dir, 'progress.json'), 'utf8')) as { lessons: Record<string, unknown>; lastLesson: string };
  expect(Object.keys(saved.lessons)).toEqual(['01']);
  expect(saved.lastLesson).toBe('01');
  expect(ProgressStore.open({ cwd: dir }).warnings).toEqual([]);
});
