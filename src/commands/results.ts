import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { formatPrediction, formatScoreReport } from '../results/format.js';
import { DEFAULT_OUT_DIR, loadResults } from '../results/load.js';
import { ContentError } from '../util/content-error.js';
import type { CliContext } from './context.js';


/** Samples printed by default: the infer stage writes 16 unless told otherwise. */
const DEFAULT_LIMIT = 50;
const MAX_SKIPPED_SHOWN = 5;

function parseLimit(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 0) {
    throw new InvalidArgumentError(`expected a whole number of samples, 0 or more, got "${value}"`);
  }
  return limit;
}

export function registerResultsCommands(program: Command, context: CliContext): void {
  program
    .command('results')
    .description('print the predictions and scores that the infer and evaluate stages wrote')
    .option('--out <dir>', 'output folder the stages wrote to', DEFAULT_OUT_DIR)
    .option('--scores-only', 'print only the score table')
    .option('--limit <count>', 'print at most this many samples', parseLimit, DEFAULT_LIMIT)
    .action((options: { out: string; scoresOnly?: boolean; limit: number }) => {
      const outDir = path.resolve(options.out);
      const width = context.mode.columns;

      let results;
      try {
        results = loadResults(outDir);
      } catch (error) {
        if (error instanceof ContentError) {
          context.stderr.write(`error: ${error.message}\nRun the stage again to rewrite the file.\n`);
          context.exitCode = 1;
          return;
        }
        throw error;
      }

      if (results.predictions.length === 0 && !results.scores) {
        context.stderr.write(
          `error: no results in ${outDir}: expected infer/predictions.jsonl or evaluate/scores.json there.\n` +
            'Run `mllm-course run infer` first, or pass --out with the folder the stages wrote to.\n',
        );
        context.exitCode = 1;
        return;
      }

      for (const problem of results.skipped.slice(0, MAX_SKIPPED_SHOWN)) {
        context.stderr.write(`warning: skipped ${problem}\n`);
      }
      if (results.skipped.length > MAX_SKIPPED_SHOWN) {
        context.stderr.write(`warning: skipped ${results.skipped.length - MAX_SKIPPED_SHOWN} more invalid lines\n`);
      }

      const lines: string[] = [];
      if (!options.scoresOnly) {
        const shown = results.predictions.slice(0, options.limit);
        shown.forEach((prediction, index) => {
          lines.push(...formatPrediction(prediction, index, results.predictions.length, width), '');
        });
        if (results.predictions.length > shown.length) {
          lines.push(`${results.predictions.length - shown.length} more samples not shown; pass --limit ${results.predictions.length} to print all.`, '');
        }
      }
      lines.push(...formatScoreReport(results, width));

      context.stdout.write(`${lines.join('\n')}\n`);
    });
}
