import path from 'node:path';
import type { Command } from 'commander';
import { formatPrediction, formatScoreReport } from '../results/format.js';
import { DEFAULT_OUT_DIR, loadResults } from '../results/load.js';
import { ContentError } from '../util/content-error.js';
import type { CliContext } from './context.js';


export function registerResultsCommands(program: Command, context: CliContext): void {
  program
    .command('results')
    .description('print the predictions and scores that the infer and evaluate stages wrote')
    .option('--out <dir>', 'output folder the stages wrote to', DEFAULT_OUT_DIR)
    .option('--scores-only', 'print only the score table')
    .action((options: { out: string; scoresOnly?: boolean }) => {
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

      const lines: string[] = [];
      if (!options.scoresOnly) {
        results.predictions.forEach((prediction, index) => {
          lines.push(...formatPrediction(prediction, index, results.predictions.length, width), '');
        });
      }
      lines.push(...formatScoreReport(results, width));

      context.stdout.write(`${lines.join('\n')}\n`);
    });
}
