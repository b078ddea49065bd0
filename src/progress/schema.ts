import { z } from 'zod';

/** Current layout of the progress file; bump it and add a step to `migrate.ts` when the layout changes. */
export const PROGRESS_VERSION = 1;

export const LessonProgressSchema = z.object({
  read: z.boolean().default(false),
  /** First visible line of the rendered lesson when the reader was last closed. */
  position: z.number().int().min(0).default(0),
  readAt: z.string().optional(),
});

export const TopicScoreSchema = z.object({
  score: z.number().min(0),
  max: z.number().min(0),
});

/** One finished quiz attempt as kept in the history. Scores are in points, one point per question. */
export const AttemptRecordSchema = z.object({
  id: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  seed: z.number().int(),
  /** True for an attempt of only the questions missed in an earlier one. */
  retake: z.boolean().default(false),
  questionIds: z.array(z.string()),
  byTopic: z.record(z.string(), TopicScoreSchema),
  total: TopicScoreSchema,
  missed: z.array(z.string()),
  passed: z.boolean(),
});

/** A run that this machine launched, so that `runs` can find it again on its target. */
export const RunRecordSchema = z.object({
  id: z.string(),
  target: z.string(),
  stage: z.string(),
  startedAt: z.string(),
  runDir: z.string(),
  /** Work folder on the target as the runner was given it (may start with `~`); absent in older files. */
  workDir: z.string().optional(),
});

export const TargetsSchema = z.object({
  hosts: z.array(z.string()).default([]),
  last: z.string().optional(),
  workDirs: z.record(z.string(), z.string()).default({}),
});

export const ProgressSchema = z.object({
  version: z.literal(PROGRESS_VERSION),
  lessons: z.record(z.string(), LessonProgressSchema).default({}),
  lastLesson: z.string().optional(),
  quiz: z
    .object({
      history: z.array(AttemptRecordSchema).default([]),
      // The quiz module validates an attempt in progress itself, so that a stale one is dropped, not fatal.
      current: z.unknown().optional(),
    })
    .default({ history: [] }),
  targets: TargetsSchema.default({ hosts: [], workDirs: {} }),
  runs: z.array(RunRecordSchema).default([]),
});

export type LessonProgress = z.infer<typeof LessonProgressSchema>;
export type AttemptRecord = z.infer<typeof AttemptRecordSchema>;
export type RunRecord = z.infer<typeof RunRecordSchema>;
export type Targets = z.infer<typeof TargetsSchema>;
export type Progress = z.infer<typeof ProgressSchema>;

export function emptyProgress(): Progress {
  return ProgressSchema.parse({ version: PROGRESS_VERSION });
}
