import type { LessonProgress } from '../progress/schema.js';
import type { ProgressStore } from '../progress/store.js';
import type { Lesson } from './schema.js';

export type LessonStatus = 'read' | 'started' | 'new';

/** Target of "continue where you left off": a lesson and the first visible line to restore. */
export interface ContinueTarget {
  lesson: Lesson;
  position: number;
  /** True when the last lesson was finished and this is the next unread one. */
  next: boolean;
}

export function lessonProgress(store: ProgressStore, lessonId: string): LessonProgress {
  return store.data.lessons[lessonId] ?? { read: false, position: 0 };
}

export function lessonStatus(store: ProgressStore, lessonId: string): LessonStatus {
  const progress = store.data.lessons[lessonId];
  if (progress?.read) {
    return 'read';
  }
  return progress || store.data.lastLesson === lessonId ? 'started' : 'new';
}

export function readCount(store: ProgressStore, lessons: Lesson[]): number {
  return lessons.filter((lesson) => store.data.lessons[lesson.id]?.read).length;
}

/** Records that the end of a lesson was reached. */
export function markRead(store: ProgressStore, lessonId: string): void {
  if (store.data.lessons[lessonId]?.read) {
    return;
  }
  store.update((draft) => {
    const current = draft.lessons[lessonId] ?? { read: false, position: 0 };
    draft.lessons[lessonId] = { ...current, read: true, readAt: new Date().toISOString() };
    draft.lastLesson = lessonId;
  });
}

/** Saves the reader's first visible line and makes the lesson the last one opened. */
export function savePosition(store: ProgressStore, lessonId: string, position: number): void {
  const current = store.data.lessons[lessonId];
  if (current?.position === position && store.data.lastLesson === lessonId) {
    return;
  }
  store.update((draft) => {
    const lesson = draft.lessons[lessonId] ?? { read: false, position: 0 };
    draft.lessons[lessonId] = { ...lesson, position: Math.max(0, Math.floor(position)) };
    draft.lastLesson = lessonId;
  });
}

/**
 * Finds the lesson to continue: the last one opened at its saved line while it is unread, otherwise the
 * first unread lesson after it (wrapping to the start). Undefined when nothing was opened yet or
 * every lesson is read.
 */
export function continueTarget(store: ProgressStore, lessons: Lesson[]): ContinueTarget | undefined {
  const lastId = store.data.lastLesson;
  const lastIndex = lessons.findIndex((lesson) => lesson.id === lastId);
  if (lastIndex < 0) {
    return undefined;
  }

  const last = lessons[lastIndex];
  if (last && !store.data.lessons[last.id]?.read) {
    return { lesson: last, position: lessonProgress(store, last.id).position, next: false };
  }

  for (let offset = 1; offset < lessons.length; offset += 1) {
    const candidate = lessons[(lastIndex + offset) % lessons.length];
    if (candidate && !store.data.lessons[candidate.id]?.read) {
      return { lesson: candidate, position: lessonProgress(store, candidate.id).position, next: true };
    }
  }
  return undefined;
}

/** Forgets reading progress: of one lesson when `lessonId` is given, otherwise of all lessons. */
export function resetLessons(store: ProgressStore, lessonId?: string): void {
  store.update((draft) => {
    if (lessonId === undefined) {
      draft.lessons = {};
      delete draft.lastLesson;
      return;
    }
    delete draft.lessons[lessonId];
    if (draft.lastLesson === lessonId) {
      delete draft.lastLesson;
    }
  });
}
