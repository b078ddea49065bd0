import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import React from 'react';
import { loadCourse } from '../../src/lessons/load.js';
import { ProgressStore } from '../../src/progress/store.js';
import { App } from '../../src/ui/app.js';
import type { HomeAction } from '../../src/ui/home-actions.js';
import type { Screen } from '../../src/ui/state.js';
import { createTheme } from '../../src/util/theme.js';
import { displayWidth } from '../../src/util/width.js';
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

interface StartOptions {
  columns?: number;
  rows?: number;
  initialScreen?: Screen;
  color?: boolean;
  homeActions?: HomeAction[];
}

function start(options: StartOptions = {}): { harness: Harness; store: ProgressStore } {
  const store = ProgressStore.open({ cwd: config.dir });
  harness = renderWithSize(
    <App
      course={course}
      store={store}
      theme={createTheme(options.color ?? false)}
      initialScreen={options.initialScreen}
      homeActions={options.homeActions}
    />,
    options.columns ?? 80,
    options.rows ?? 24,
  );
  return { harness, store };
}

/** Opens a fresh store on the same folder, so that assertions see what was written to disk. */
function reopen(): ProgressStore {
  return ProgressStore.open({ cwd: config.dir });
}

function expectFits(frame: string, columns: number, rows: number): void {
  const lines = frame.split('\n');
  expect(lines.length).toBeLessThan(rows);
  for (const line of lines) {
    expect(displayWidth(line), `line wider than ${columns}: "${line}"`).toBeLessThanOrEqual(columns);
  }
}

describe('home screen', () => {
  test('lists all lessons with status', async () => {
    const { harness } = start();
    const frame = await harness.waitFor((text) => text.includes('08'), 'the lesson list');

    for (const lesson of course.lessons) {
      expect(frame).toContain(`${lesson.id} · new`);
      expect(frame).toContain(lesson.title);
    }
    expect(frame).toContain('Lessons read:');
    expect(frame).toContain('0/8');
  });

  test('shows keys in the footer', async () => {
    const { harness } = start();
    const frame = await harness.waitFor((text) => text.includes('quit'), 'the footer');

    expect(frame).toContain('q quit');
    expect(frame).toContain('? help');
    expect(frame).toContain('Enter open');
    // Nothing to continue yet, and nothing to go back to.
    expect(frame).not.toContain('c continue');
    expect(frame).not.toContain('Esc back');
  });

  test('offers to continue the last lesson', async () => {
    const store = ProgressStore.open({ cwd: config.dir });
    store.update((draft) => {
      draft.lessons['04'] = { read: false, position: 12 };
      draft.lastLesson = '04';
    });
    const { harness } = start();

    const frame = await harness.waitFor((text) => text.includes('Continue where you left off'), 'the continue line');
    expect(frame).toContain('Continue where you left off: 04 Fine-tuning, line 13');

    await harness.press('c');
    const reader = await harness.waitFor((text) => text.includes('Lesson 04 · Fine-tuning'), 'lesson 04 in the reader');
    expect(reader).toContain('lines 13-');
  });

  test('home action opens its screen', async () => {
    const { harness } = start({ homeActions: [{ key: 'gqa', label: 'Jump to grouped-query attention', screen: { kind: 'reader', lessonId: '02', sectionId: 'gqa' } }] });
    await harness.waitFor((text) => text.includes('Jump to grouped-query attention'), 'the action entry');

    // ink-select-input reads its selection from the last render, so each move waits for its frame.
    for (const lesson of course.lessons.slice(1)) {
      await harness.press(KEYS.down);
      await harness.waitFor((text) => text.includes(`› ${lesson.id}`), `lesson ${lesson.id} selected`);
    }
    await harness.press(KEYS.down);
    await harness.waitFor((text) => text.includes('› Jump to'), 'the action selected');
    await harness.press(KEYS.enter);

    const frame = await harness.waitFor((text) => text.includes('Lesson 02'), 'lesson 02 at a section');
    expect(frame).not.toContain('lines 1-');
  });

  test('tells where a corrupt file went', async () => {
    fs.writeFileSync(path.join(config.dir, 'progress.json'), '{ broken');
    const store = ProgressStore.open({ cwd: config.dir });
    harness = renderWithSize(<App course={course} store={store} theme={createTheme(false)} notices={store.warnings} />, 100, 24);

    const frame = await harness.waitFor((text) => text.includes('could not be used'), 'the corrupt-file notice');
    const backup = fs.readdirSync(config.dir).find((name) => name.startsWith('progress.corrupt-'));
    expect(backup).toBeDefined();
    expect(frame.replace(/\s+/g, '')).toContain(path.join(config.dir, backup!).replace(/\s+/g, ''));
    expect(frame).toContain('01 · new');
  });

  test('fits 80x24 down to 60x8', async () => {
    for (const [columns, rows] of [
      [80, 24],
      [60, 24],
      [60, 10],
      [60, 8],
    ] as const) {
      const { harness: current } = start({ columns, rows });
      const frame = await current.waitFor((text) => text.includes('quit'), `home at ${columns} columns`);
      expectFits(frame, columns, rows);
      current.instance.unmount();
    }
  });
});

describe('reader', () => {
  test('opens the selected lesson', async () => {
    const { harness } = start();
    await harness.waitFor((text) => text.includes('08'), 'the lesson list');

    await harness.press(KEYS.down);
    await harness.waitFor((text) => text.includes('› 02'), 'lesson 02 selected');
    await harness.press(KEYS.enter);

    const frame = await harness.waitFor((text) => text.includes('Lesson 02 · Model architecture'), 'lesson 02');
    expect(frame).toContain('lines 1-');
    expect(frame).toContain('j/k scroll');
  });

  test('scrolls by line, page and end', async () => {
    const { harness } = start({ initialScreen: { kind: 'reader', lessonId: '02' } });
    await harness.waitFor((text) => text.includes('lines 1-'), 'the first page');

    await harness.press('j');
    await harness.waitFor((text) => text.includes('lines 2-'), 'one line down');

    await harness.press(KEYS.pageDown);
    const paged = await harness.waitFor((text) => !text.includes('lines 2-'), 'one page down');
    expect(paged).toMatch(/lines (\d+)-/);
    const pagedTop = Number(/lines (\d+)-/.exec(paged)?.[1]);
    expect(pagedTop).toBeGreaterThan(10);

    await harness.press('k');
    await harness.waitFor((text) => text.includes(`lines ${pagedTop - 1}-`), 'one line up');

    await harness.press('G');
    const bottom = await harness.waitFor((text) => text.includes('100%'), 'the end of the lesson');
    expect(bottom).toContain('References');

    await harness.press('g');
    await harness.waitFor((text) => text.includes('lines 1-'), 'back at the top');
  });

  test('counts every key of one chunk', async () => {
    const { harness } = start({ initialScreen: { kind: 'reader', lessonId: '02' } });
    await harness.waitFor((text) => text.includes('lines 1-'), 'the first page');

    // A held key or a slow SSH link delivers several keys in one read.
    await harness.press('jjjjj');
    const frame = await harness.waitFor((text) => !text.includes('lines 1-'), 'the scroll');
    await harness.waitFor((text) => text.includes('lines 6-'), 'five lines down');
    expect(frame).not.toContain('lines 1-');
  });

  test('marks a lesson read at its end', async () => {
    const { harness } = start({ initialScreen: { kind: 'reader', lessonId: '01' } });
    await harness.waitFor((text) => text.includes('lines 1-'), 'the first page');
    expect(reopen().data.lessons['01']?.read ?? false).toBe(false);

    await harness.press('G');
    await harness.waitFor((text) => text.includes('100%'), 'the end');

    await waitForStore((store) => store.data.lessons['01']?.read === true, 'lesson 01 marked read');
  });

  test('next and previous lesson', async () => {
    const { harness } = start({ initialScreen: { kind: 'reader', lessonId: '02' } });
    await harness.waitFor((text) => text.includes('Lesson 02'), 'lesson 02');

    await harness.press('n');
    await harness.waitFor((text) => text.includes('Lesson 03 · Data preparation'), 'lesson 03');

    await harness.press('p');
    await harness.waitFor((text) => text.includes('Lesson 02 · Model architecture'), 'lesson 02 again');
  });

  test('opens at a section and returns to caller', async () => {
    const { harness } = start({ initialScreen: { kind: 'reader', lessonId: '02', sectionId: 'gqa' } });
    const frame = await harness.waitFor((text) => text.includes('Lesson 02'), 'lesson 02');
    const gqa = course.lessons.find((lesson) => lesson.id === '02')?.sections.find((section) => section.id === 'gqa');

    expect(gqa).toBeDefined();
    const textWindow = frame.split('\n').slice(1, 3).join('\n');
    expect(textWindow).toContain(gqa?.title ?? 'missing');

    await harness.press(KEYS.escape);
    await harness.waitFor((text) => text.includes('Lessons read:'), 'the screen below the reader');
  });

  test('shows the hands-on panel', async () => {
    const { harness } = start({ initialScreen: { kind: 'reader', lessonId: '04' } });
    await harness.waitFor((text) => text.includes('mllm-course run finetune'), 'the hands-on line');

    await harness.press('h');
    const frame = await harness.waitFor((text) => text.includes('Hands-on: Fine-tune with QLoRA'), 'the hands-on panel');
    expect(frame).toContain('Time: about 15 min');
    expect(frame).toContain('40 GB');
    expect(frame).toContain('8.6 GB');
  });

  test('hands-on panel fits 60x20 and shows its commands', async () => {
    const { harness } = start({ columns: 60, rows: 20, initialScreen: { kind: 'reader', lessonId: '04' } });
    await harness.waitFor((text) => text.includes('press h'), 'the hands-on line');

    await harness.press('h');
    const opened = await harness.waitFor((text) => text.includes('Hands-on: Fine-tune with QLoRA'), 'the hands-on panel');
    expectFits(opened, 60, 20);
    await harness.press('G');
    const end = await harness.waitFor((text) => text.includes('--host user@server'), 'the end of the panel');

    expect(end).toContain('mllm-course run finetune --smoke');
    expect(end).toContain('--host user@server');
    expectFits(end, 60, 20);
  });

  test('lesson without stage has no panel', async () => {
    const { harness } = start({ initialScreen: { kind: 'reader', lessonId: '02' } });
    const frame = await harness.waitFor((text) => text.includes('Lesson 02'), 'lesson 02');

    expect(frame).not.toContain('Hands-on:');
    expect(frame).not.toContain('h hands-on');
  });

  test('frame fits 60 and 80 columns', async () => {
    for (const lesson of course.lessons) {
      for (const columns of [60, 80]) {
        const { harness: current } = start({ columns, rows: 24, initialScreen: { kind: 'reader', lessonId: lesson.id } });
        let frame = await current.waitFor((text) => text.includes(`Lesson ${lesson.id}`), `lesson ${lesson.id} at ${columns}`);
        expectFits(frame, columns, 24);

        // Walk every page of the lesson: each frame must fit, not only the first.
        while (!frame.includes('100%')) {
          const before = frame;
          await current.press(KEYS.pageDown);
          frame = await current.waitFor((text) => text !== before, `a page of lesson ${lesson.id}`);
          expectFits(frame, columns, 24);
        }
        current.instance.unmount();
      }
    }
  });

  test('rewraps on resize', async () => {
    const { harness } = start({ columns: 100, rows: 30, initialScreen: { kind: 'reader', lessonId: '02' } });
    const wide = await harness.waitFor((text) => text.includes('Lesson 02'), 'lesson 02 at 100 columns');
    expect(Math.max(...wide.split('\n').map(displayWidth))).toBeGreaterThan(60);

    harness.stdout.resize(60, 20);
    const narrow = await harness.waitFor(
      (text) => Math.max(...text.split('\n').map(displayWidth)) <= 60,
      'the frame rewrapped to 60 columns',
    );
    expectFits(narrow, 60, 20);
  });
});

describe('help and quitting', () => {
  test('question mark toggles help', async () => {
    const { harness } = start({ initialScreen: { kind: 'reader', lessonId: '02' } });
    await harness.waitFor((text) => text.includes('Lesson 02'), 'lesson 02');

    await harness.press('?');
    const help = await harness.waitFor((text) => text.includes('Keys'), 'the help overlay');
    expect(help).toContain('Scroll down one page');
    expect(help).toContain('Quit the tutor');

    // Keys for the reader do nothing while help is open.
    await harness.press('G');
    await harness.press('?');
    const back = await harness.waitFor((text) => text.includes('Lesson 02'), 'the reader again');
    expect(back).toContain('lines 1-');
  });

  test('q quits and saves position', async () => {
    const { harness } = start({ initialScreen: { kind: 'reader', lessonId: '02' } });
    await harness.waitFor((text) => text.includes('lines 1-'), 'lesson 02');
    for (const key of 'jjj') {
      await harness.press(key);
    }
    await harness.waitFor((text) => text.includes('lines 4-'), 'three lines down');

    await harness.press('q');
    await harness.instance.waitUntilExit();

    const store = reopen();
    expect(store.data.lessons['02']?.position).toBe(3);
    expect(store.data.lastLesson).toBe('02');
  });

  test('Ctrl-C quits', async () => {
    const { harness } = start();
    await harness.waitFor((text) => text.includes('quit'), 'home');

    await harness.press(KEYS.ctrlC);
    await expect(harness.instance.waitUntilExit()).resolves.toBeUndefined();
  });

  test('plain theme has no escape codes', async () => {
    const { harness } = start({ initialScreen: { kind: 'reader', lessonId: '02' } });
    await harness.waitFor((text) => text.includes('Lesson 02'), 'lesson 02');
    expect(harness.stdout.lastFrame()).not.toMatch(/\u001B\[/);
  });

  test('colour theme styles text', async () => {
    const { harness } = start({ color: true, initialScreen: { kind: 'reader', lessonId: '02' } });
    await harness.waitFor((text) => text.includes('Lesson 02'), 'lesson 02');
    expect(harness.stdout.lastFrame()).toMatch(/\u001B\[/);
  });
});

async function waitForStore(predicate: (store: ProgressStore) => boolean, description: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!predicate(reopen())) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${description}; progress is ${JSON.stringify(reopen().data.lessons)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
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

describe('home entries', () => {
  test('home shows the quiz status line', async () => {
    const { harness: app } = start();
    const frame = await app.waitFor((text) => text.includes('Quiz:'), 'the quiz status');
    expect(frame).toContain('Quiz: not taken yet. Pass mark 80%.');
  });

  test('quiz opens from home and returns', async () => {
    const { harness: app } = start();
    await openHomeEntry(app, 'Quiz · 20 questions');

    const intro = await app.waitFor((text) => /partial credit/i.test(text), 'the quiz rules');
    expect(intro).toMatch(/80%/);

    await app.press('q');
    const home = await app.waitFor((text) => text.includes('Lessons read:'), 'the home screen again');
    // Leaving at the rules answered nothing, so there is no attempt worth resuming yet.
    expect(home).toContain('Quiz: not taken yet.');
  });

  test('quiz opens a lesson section and comes back', async () => {
    const { harness: app } = start();
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
      const { harness: app } = start();
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
});
