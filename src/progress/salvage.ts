import type { z } from 'zod';
import {
  AttemptRecordSchema,
  emptyProgress,
  LessonProgressSchema,
  ProgressSchema,
  RunRecordSchema,
  TargetsSchema,
  type Progress,
} from './schema.js';

export interface SalvageResult {
  progress: Progress;
  /** One line per dropped entry: its path in the file and what was wrong, such as `quiz.history[0]: id is missing`. */
  dropped: string[];
}

/**
 * Keeps every valid entry of a progress file whose layout is partly invalid, so that one bad quiz record
 * does not cost the student the lessons they read. `raw` must already be migrated to the current version.
 */
export function salvageProgress(raw: Record<string, unknown>): SalvageResult {
  const progress = emptyProgress();
  const dropped: string[] = [];

  const keep = <T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> | undefined => {
    const parsed = schema.safeParse(value);
    if (parsed.success) {
      return parsed.data;
    }
    dropped.push(`${where}: ${describeIssue(parsed.error)}`);
    return undefined;
  };

  for (const [id, entry] of Object.entries(asRecord(raw.lessons, 'lessons', dropped))) {
    const lesson = keep(LessonProgressSchema, entry, `lessons.${id}`);
    if (lesson) {
      progress.lessons[id] = lesson;
    }
  }

  if (raw.lastLesson !== undefined) {
    if (typeof raw.lastLesson === 'string') {
      progress.lastLesson = raw.lastLesson;
    } else {
      dropped.push('lastLesson: expected a lesson id such as "02"');
    }
  }

  const quiz = asRecord(raw.quiz, 'quiz', dropped);
  asArray(quiz.history, 'quiz.history', dropped).forEach((entry, index) => {
    const attempt = keep(AttemptRecordSchema, entry, `quiz.history[${index}]`);
    if (attempt) {
      progress.quiz.history.push(attempt);
    }
  });
  if (quiz.current !== undefined) {
    progress.quiz.current = quiz.current;
  }

  if (raw.targets !== undefined) {
    progress.targets = keep(TargetsSchema, raw.targets, 'targets') ?? progress.targets;
  }

  asArray(raw.runs, 'runs', dropped).forEach((entry, index) => {
    const run = keep(RunRecordSchema, entry, `runs[${index}]`);
    if (run) {
      progress.runs.push(run);
    }
  });

  return { progress: ProgressSchema.parse(progress), dropped };
}

/** The first zod issue as `field: message`, without zod's JSON dump. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) {
    return 'invalid value';
  }
  const field = issue.path.map(String).join('.');
  return field ? `${field}: ${issue.message}` : issue.message;
}

function asRecord(value: unknown, where: string, dropped: string[]): Record<string, unknown> {
  if (value === undefined) {
    return {};
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return value as Record<string, unknown>;
  }
  dropped.push(`${where}: expected an object`);
  return {};
}

function asArray(value: unknown, where: string, dropped: string[]): unknown[] {
  if (value === undefined) {
    return [];
  }
  if (Array.isArray(value)) {
    return value;
  }
  dropped.push(`${where}: expected a list`);
  return [];
}
