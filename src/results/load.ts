import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { ContentError } from '../util/content-error.js';
import { PredictionSchema, ScoreDetailSchema, ScoresSchema, type Prediction, type ScoreDetail, type Scores } from './schema.js';

/** Output folder of the stages when `--out` is not given, relative to the folder they start in. */
export const DEFAULT_OUT_DIR = 'mllm-course-out';

export const PREDICTIONS_FILE = path.join('infer', 'predictions.jsonl');
export const SCORES_FILE = path.join('evaluate', 'scores.json');
export const DETAILS_FILE = path.join('evaluate', 'details.jsonl');

export interface StageResults {
  predictions: Prediction[];
  scores: Scores | undefined;
  details: ScoreDetail[];
}

/**
 * Reads what the infer and evaluate stages wrote under one output folder. A file that is absent gives an
 * empty part (that stage has not run yet); a file that is present but invalid throws a ContentError.
 */
export function loadResults(outDir: string): StageResults {
  const predictionsPath = path.join(outDir, PREDICTIONS_FILE);
  const scoresPath = path.join(outDir, SCORES_FILE);
  const detailsPath = path.join(outDir, DETAILS_FILE);

  return {
    predictions: fs.existsSync(predictionsPath) ? parseJsonLines(predictionsPath, PredictionSchema) : [],
    scores: fs.existsSync(scoresPath) ? parseScores(scoresPath) : undefined,
    details: fs.existsSync(detailsPath) ? parseJsonLines(detailsPath, ScoreDetailSchema) : [],
  };
}

export function parseScores(file: string, text = fs.readFileSync(file, 'utf8')): Scores {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ContentError(file, '', `not valid JSON: ${(error as Error).message}`);
  }

  const parsed = ScoresSchema.safeParse(raw);
  if (!parsed.success) {
    throw ContentError.fromZod(file, parsed.error);
  }
  return parsed.data;
}

/** Parses a JSONL file; blank lines are skipped and a bad line is reported with its line number. */
export function parseJsonLines<T extends z.ZodType>(file: string, schema: T, text = fs.readFileSync(file, 'utf8')): z.infer<T>[] {
  const rows: z.infer<T>[] = [];
  const lines = text.split(/\r?\n/);

  lines.forEach((line, index) => {
    if (line.trim() === '') {
      return;
    }

    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (error) {
      throw new ContentError(file, `line ${index + 1}`, `not valid JSON: ${(error as Error).message}`);
    }

    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      throw ContentError.fromZod(file, parsed.error, `line ${index + 1}`);
    }
    rows.push(parsed.data);
  });

  return rows;
}
