import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import React from 'react';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { loadCourse } from '../../src/lessons/load.js';
import { ProgressStore } from '../../src/progress/store.js';
import { App } from '../../src/ui/app.js';
import { createTheme } from '../../src/util/theme.js';
import { KEYS, renderWithSize, tempConfigDir, type Harness } from './harness.js';

const course = loadCourse();
let config: ReturnType<typeof tempConfigDir>;
let harness: Harness | undefined;

beforeEach(() => {
  config = tempConfigDir();
});

afterEach(() => {
  harness?.instance.unmount();
  harness = undefined;
  config.cleanup();
});

function start(): Harness {
  const store = ProgressStore.open({ cwd: config.dir });
  harness = renderWithSize(<App course={course} store={store} theme={createTheme(false)} />, 80, 24);
  return harness;
}

/** Moves the home selection down to the entry whose label contains `label` and opens it. */
async function openHomeEntry(app: Harness, label: string): Promise<void> {
  await app.waitFor((frame) => frame.includes(label), `the home entry "${label}"`);
  for (let step = 0; step < 12; step += 1) {
    const selected = app.frame().split('\n').find((line) => line.startsWith('›')) ?? '';
    if (selected.includes(label)) {
      await app.press(KEYS.enter);
      return;
    }
    const before = selected;
    await app.press(KEYS.down);
    await app.waitFor((frame) => (frame.split('\n').find((line) => line.startsWith('›')) ?? '') !== before, 'the selection to move');
  }
  throw new Error(`home entry ${label} not reachable`);
}

test('home shows the quiz status line', async () => {
  const app = start();
  const frame = await app.waitFor((text) => text.includes('Quiz:'), 'the quiz status');
  expect(frame).toContain('Quiz: not taken yet. Pass mark 80%.');
});

test('quiz opens from home and returns', async () => {
  const app = start();
  await openHomeEntry(app, 'Quiz · 20 questions');

  const intro = await app.waitFor((text) => /partial credit/i.test(text), 'the quiz rules');
  expect(intro).toMatch(/80%/);

  await app.press('q');
  const home = await app.waitFor((text) => text.includes('Lessons read:'), 'the home screen again');
  // Leaving at the rules answered nothing, so there is no attempt worth resuming yet.
  expect(home).toContain('Quiz: not taken yet.');
});

test('quiz opens a lesson section and comes back', async () => {
  const app = start();
  await openHomeEntry(app, 'Quiz · 20 questions');
  await app.waitFor((text) => /partial credit/i.test(text), 'the quiz rules');
  await app.press(KEYS.enter);

  const question = await app.waitFor((text) => /Question 1 of 20/.test(text), 'the first question');
  const prompt = question.split('\n').find((line) => /Question 1 of 20/.test(line));
  // Any answer gives feedback: a letter for choice questions, a number otherwise.
  const numeric = /number/i.test(question) && !/\bA\)|\(A\)|A\./.test(question);
  await app.press(numeric ? '1' : 'a');
  await app.press(KEYS.enter);
  await app.waitFor((text) => /open the lesson section/.test(text), 'the feedback with the lesson key');

  await app.press('l');
  const reader = await app.waitFor((text) => /Lesson 0\d ·/.test(text) || /^0\d /m.test(text), 'the lesson reader');
  expect(reader).not.toContain(prompt ?? 'unexpected');

  await app.press(KEYS.escape);
  const back = await app.waitFor((text) => /open the lesson section/.test(text), 'the feedback again');
  expect(back).toContain('Question 1 of 20');

  await app.press('q');
  const home = await app.waitFor((text) => text.includes('Lessons read:'), 'the home screen after one answer');
  expect(home).toContain('Quiz: an attempt is in progress; open the quiz to resume it.');
});

test('results entry explains how to produce results', async () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'mllm-results-home-'));
  // Runs on this machine write to <work folder>/out; point the local work folder at an empty one.
  ProgressStore.open({ cwd: config.dir }).update((draft) => {
    draft.targets.workDirs.local = empty;
  });
  try {
    const app = start();
    await openHomeEntry(app, 'Hands-on results');
    const frame = await app.waitFor((text) => text.includes('No results in'), 'the empty results message');
    expect(frame.replace(/\s+/g, ' ')).toContain('mllm-course run infer');
    expect(frame).toContain(`No results in ${path.join(empty, 'out')} yet.`);
    await app.press(KEYS.escape);
    await app.waitFor((text) => text.includes('Lessons read:'), 'the home screen again');
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
});
