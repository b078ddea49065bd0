import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { z } from 'zod';
import { ContentError } from '../util/content-error.js';
import { PredictionSchema, ScoreDetailSchema, ScoresSchema, type Prediction, type ScoreDetail, type Scores } from './schema.js';

/** Output folder of `mllm-course run` when --out is not given, relative to the work folder. */
export const DEFAULT_RUN_OUT_DIR = 'out';

/** Resolves the output folder on this machine: absolute as given, else under the work folder with `~` expanded. */
export function localOutDir(workDir: string, outDir: string): string {
  if (path.isAbsolute(outDir)) {
    return outDir;
  }
  const home = os.homedir();
  const expanded = workDir === '~' ? home : workDir.startsWith('~/') ? path.join(home, workDir.slice(2)) : workDir;
  return path.resolve(expanded, outDir);
}

export const PREDICTIONS_FILE = path.join('infer', 'predictions.jsonl');
export const SCORES_FILE = path.join('evaluate', 'scores.json');
export const DETAILS_FILE = path.join('evaluate', 'details.jsonl');

export interface StageResults {
  predictions: Prediction[];
  scores: Scores | undefined;
  details: ScoreDetail[];
  /** Lines of the JSONL files that were skipped because they were invalid, each with its file and line. */
  skipped: string[];
}

/**
 * Reads what the infer and evaluate stages wrote under one output folder. A file that is absent gives an
 * empty part (that stage has not run yet). An invalid line of a JSONL file is skipped and listed in
 * `skipped`. An invalid scores file, or a file that cannot be read, throws a ContentError.
 */
export function loadResults(outDir: string): StageResults {
  const predictionsPath = path.join(outDir, PREDICTIONS_FILE);
  const scoresPath = path.join(outDir, SCORES_FILE);
  const detailsPath = path.join(outDir, DETAILS_FILE);
  const skipped: string[] = [];

  const predictions = fs.existsSync(predictionsPath) ? parseJsonLines(predictionsPath, PredictionSchema, readText(predictionsPath), skipped) : [];
  const scores = fs.existsSync(scoresPath) ? parseScores(scoresPath, readText(scoresPath)) : undefined;
  const details = fs.existsSync(detailsPath) ? parseJsonLines(detailsPath, ScoreDetailSchema, readText(detailsPath), skipped) : [];

  return { predictions, scores, details, skipped };
}

/** Reads a stage output; a folder or an unreadable file in its place becomes a ContentError naming it. */
function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ContentError(file, '', `cannot be read (${code}): expected a file written by the stage; remove it and run the stage again`);
  }
}

export function parseScores(file: string, text = readText(file)): Scores {
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

/**
 * Parses a JSONL file; blank lines are skipped. A bad line throws a ContentError with its line number, or,
 * when `skipped` is given, is described there and left out so that the valid lines still show.
 */
export function parseJsonLines<T extends z.ZodType>(file: string, schema: T, text = readText(file), skipped?: string[]): z.infer<T>[] {
  const rows: z.infer<T>[] = [];
  const lines = text.split(/\r?\n/);

  lines.forEach((line, index) => {
    if (line.trim() === '') {
      return;
    }

    let problem: ContentError;
    try {
      const parsed = schema.safeParse(JSON.parse(line));
      if (parsed.success) {
        rows.push(parsed.data);
        return;
      }
      problem = ContentError.fromZod(file, parsed.error, `line ${index + 1}`);
    } catch (error) {
      problem = new ContentError(file, `line ${index + 1}`, `not valid JSON: ${(error as Error).message}`);
    }

    if (!skipped) {
      throw problem;
    }
    skipped.push(problem.message);
  });

  return rows;
}
