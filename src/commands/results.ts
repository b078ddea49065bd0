import { InvalidArgumentError, type Command } from 'commander';
import { ProgressStore } from '../progress/store.js';
import { fetchResults } from '../results/fetch.js';
import { formatPrediction, formatScoreReport } from '../results/format.js';
import { DEFAULT_RUN_OUT_DIR, loadResults, localOutDir } from '../results/load.js';
import { LOCAL_TARGET, validateHost } from '../runner/quote.js';
import { createRunner } from '../runner/runner.js';
import { SshConnectionError } from '../runner/ssh-errors.js';
import { workDirFor } from '../runner/targets.js';
import { ContentError } from '../util/content-error.js';
import type { CliContext } from './context.js';

/** Samples printed by default; the infer stage writes 16 unless --samples sets another count. */
const DEFAULT_LIMIT = 50;
const MAX_SKIPPED_SHOWN = 5;
/** ssh config file for the runner's ssh calls; the same variable the run commands read. */
const SSH_CONFIG_ENV = 'MLLM_COURSE_SSH_CONFIG';
const EXIT_CONNECTION = 4;

interface ResultsOptions {
  host?: string;
  workDir?: string;
  out: string;
  scoresOnly?: boolean;
  limit: number;
}

function parseLimit(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 0) {
    throw new InvalidArgumentError(`expected a whole number of samples, 0 or more, got "${value}"`);
  }
  return limit;
}

function parseHost(value: string): string {
  try {
    return validateHost(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

export function registerResultsCommands(program: Command, context: CliContext): void {
  program
    .command('results')
    .description('print the predictions and scores that the infer and evaluate stages wrote')
    .option('--host <host>', 'SSH host the stages ran on; `local` is this machine (default: the last target used, else this machine)', parseHost)
    .option('--work-dir <path>', 'work folder on the target (default: the one remembered for it, else ~/mllm-course)')
    .option('--out <dir>', 'output folder the stages wrote to, relative to the work folder unless absolute', DEFAULT_RUN_OUT_DIR)
    .option('--scores-only', 'print only the score table')
    .option('--limit <count>', 'print at most this many samples', parseLimit, DEFAULT_LIMIT)
    .action(async (options: ResultsOptions) => {
      if (options.out.trim() === '') {
        context.stderr.write('error: --out is empty; pass the output folder the stages wrote to, such as `out`.\n');
        context.exitCode = 2;
        return;
      }

      const store = ProgressStore.open({ cwd: context.env.MLLM_COURSE_CONFIG_DIR });
      const target = options.host ?? store.data.targets.last ?? LOCAL_TARGET;
      const workDir = workDirFor(store, target, options.workDir);

      let outDir: string;
      let shownDir: string;
      if (target === LOCAL_TARGET) {
        outDir = localOutDir(workDir, options.out);
        shownDir = outDir;
      } else {
        try {
          const runner = createRunner(target, { workDir, env: context.env, configFile: context.env[SSH_CONFIG_ENV] });
          const fetched = await fetchResults(runner, options.out, context.env);
          outDir = fetched.localDir;
          shownDir = `${target}:${fetched.remoteOutDir}`;
        } catch (error) {
          const connection = error instanceof SshConnectionError;
          context.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
          context.exitCode = connection ? EXIT_CONNECTION : 1;
          return;
        }
      }

      printResults(context, outDir, shownDir, options);
    });
}

function printResults(context: CliContext, outDir: string, shownDir: string, options: ResultsOptions): void {
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
      `error: no results in ${shownDir}: expected infer/predictions.jsonl or evaluate/scores.json there.\n` +
        'Run `mllm-course run infer` first, or pass --out (and --host) with the folder the stages wrote to.\n',
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

  const lines: string[] = [`Results in ${shownDir}`, ''];
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
}
