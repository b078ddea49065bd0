import { z } from 'zod';

/** One line of `infer/predictions.jsonl`, written by the infer stage. */
export const PredictionSchema = z.object({
  id: z.string().min(1),
  image: z.string(),
  question: z.string(),
  reference: z.string(),
  base: z.string().nullable(),
  finetuned: z.string().nullable(),
});

const ModelScoreSchema = z.object({
  mean: z.number().nullable(),
  n: z.number().int().min(0),
  parse_failures: z.number().int().min(0).default(0),
});

const JudgeSchema = z.object({
  model: z.string().optional(),
  ran: z.boolean(),
  reason: z.string().nullable().optional(),
});

/** `evaluate/scores.json`: mean score per metric and model, and whether each judge ran. */
export const ScoresSchema = z.object({
  metrics: z.record(z.string(), z.record(z.string(), ModelScoreSchema)),
  judges: z.record(z.string(), JudgeSchema).default({}),
});

/** One line of `evaluate/details.jsonl`: a judge's verdict on one sample for one model. */
export const ScoreDetailSchema = z.object({
  id: z.string(),
  metric: z.string(),
  model: z.string(),
  score: z.number().nullable(),
  errors: z.record(z.string(), z.number()).default({}),
  explanation: z.string().nullable().default(null),
});

export type Prediction = z.infer<typeof PredictionSchema>;
export type Scores = z.infer<typeof ScoresSchema>;
export type ScoreDetail = z.infer<typeof ScoreDetailSchema>;
