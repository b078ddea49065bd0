import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { loadCourse } from '../../src/lessons/load.js';
import {
  continueTarget,
  lessonProgress,
  lessonStatus,
  markRead,
  readCount,
  resetLessons,
  savePosition,
} from '../../src/lessons/progress.js';
import { ProgressStore } from '../../src/progress/store.js';

const { lessons } = loadCourse();
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mllm-course-progress-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function open(folder = dir): ProgressStore {
  return ProgressStore.open({ cwd: folder });
}

describe('lesson progress on disk', () => {
  test('saved and restored', () => {
    const first = open();
    savePosition(first, '03', 42);
    markRead(first, '01');

    const second = open();
    expect(second.warnings).toEqual([]);
    expect(lessonProgress(second, '03').position).toBe(42);
    expect(lessonProgress(second, '01').read).toBe(true);
    expect(lessonProgress(second, '01').readAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(second.data.lastLesson).toBe('01');
    expect(readCount(second, lessons)).toBe(1);
  });

  test('file is plain JSON', () => {
    const store = open();
    savePosition(store, '02', 7);

    const file = JSON.parse(fs.readFileSync(path.join(dir, 'progress.json'), 'utf8'));
    expect(file.version).toBe(1);
    expect(file.lessons['02'].position).toBe(7);
    expect(file.lastLesson).toBe('02');
  });

  test('corrupt file backed up', () => {
    const file = path.join(dir, 'progress.json');
    fs.writeFileSync(file, '{"version": 1, "lessons": {');

    const store = open();
    expect(store.warnings).toHaveLength(1);
    const backups = fs.readdirSync(dir).filter((name) => name.startsWith('progress.corrupt-'));
    expect(backups).toHaveLength(1);
    expect(store.warnings[0]).toContain(path.join(dir, backups[0]!));
    expect(fs.readFileSync(path.join(dir, backups[0]!), 'utf8')).toBe('{"version": 1, "lessons": {');
    expect(readCount(store, lessons)).toBe(0);

    savePosition(store, '02', 5);
    expect(lessonProgress(open(), '02').position).toBe(5);
  });

  test('invalid layout backed up', () => {
    fs.writeFileSync(path.join(dir, 'progress.json'), JSON.stringify({ version: 1, lessons: { '01': { read: 'yes' } } }));

    const store = open();
    expect(store.warnings).toHaveLength(1);
    expect(store.warnings[0]).toContain('does not match the expected layout');
    expect(fs.readdirSync(dir).some((name) => name.startsWith('progress.corrupt-'))).toBe(true);
  });

  test('unwritable folder tolerated', () => {
    // A regular file where the folder should be: no process, root included, can create the folder.
    const blocked = path.join(dir, 'not-a-folder');
    fs.writeFileSync(blocked, 'occupied');

    const store = open(path.join(blocked, 'config'));
    expect(store.warnings.length).toBeGreaterThan(0);
    expect(store.warnings.join(' ')).toContain('MLLM_COURSE_CONFIG_DIR');

    savePosition(store, '02', 9);
    markRead(store, '01');
    expect(lessonProgress(store, '02').position).toBe(9);
    expect(lessonStatus(store, '01')).toBe('read');
    expect(fs.readFileSync(blocked, 'utf8')).toBe('occupied');
  });
});

describe('lesson progress accessors', () => {
  test('status from new to read', () => {
    const store = open();
    expect(lessonStatus(store, '02')).toBe('new');

    savePosition(store, '02', 3);
    expect(lessonStatus(store, '02')).toBe('started');

    markRead(store, '02');
    expect(lessonStatus(store, '02')).toBe('read');
  });

  test('continue target', () => {
    const store = open();
    expect(continueTarget(store, lessons)).toBeUndefined();

    savePosition(store, '03', 20);
    expect(continueTarget(store, lessons)).toMatchObject({ lesson: { id: '03' }, position: 20, next: false });

    markRead(store, '03');
    expect(continueTarget(store, lessons)).toMatchObject({ lesson: { id: '04' }, next: true });
  });

  test('continue wraps to unread', () => {
    const store = open();
    markRead(store, '01');
    markRead(store, '08');
    expect(continueTarget(store, lessons)?.lesson.id).toBe('02');

    for (const lesson of lessons) {
      markRead(store, lesson.id);
    }
    expect(continueTarget(store, lessons)).toBeUndefined();
  });

  test('reset one lesson or all', () => {
    const store = open();
    markRead(store, '01');
    markRead(store, '02');

    resetLessons(store, '02');
    expect(lessonStatus(open(), '02')).toBe('new');
    expect(lessonStatus(open(), '01')).toBe('read');
    expect(open().data.lastLesson).toBeUndefined();

    resetLessons(store);
    expect(readCount(open(), lessons)).toBe(0);
  });

  test('reset keeps other sections', () => {
    const store = open();
    store.update((draft) => {
      draft.targets.hosts.push('gpu-box');
    });
    markRead(store, '01');

    resetLessons(store);
    expect(open().data.targets.hosts).toEqual(['gpu-box']);
    expect(readCount(open(), lessons)).toBe(0);
  });
});
