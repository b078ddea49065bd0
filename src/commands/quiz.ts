import { InvalidArgumentError, type Command } from 'commander';
import { loadCourse } from '../lessons/load.js';
import type { Lesson } from '../lessons/schema.js';
import { CONFIG_DIR_ENV, ProgressStore } from '../progress/store.js';
import { MAX_SEED } from '../quiz/draw.js';
import { formatHistory, readHistory } from '../quiz/history.js';
import { loadBank } from '../quiz/load.js';
import { runPlainSession } from '../quiz/plain.js';
import { summarizeAttempt, toJsonResult } from '../quiz/result.js';
import { chooseAttempt } from '../quiz/session.js';
import { messageForOutput, wrapMessage } from '../ui/wrap-message.js';
import { ContentError } from '../util/content-error.js';
import { debug } from '../util/debug.js';
import type { CliContext } from './context.js';

/** Exit codes of `mllm-course quiz`, also listed in its --help. */
export const QUIZ_EXIT = {
  passed: 0,
  belowPassMark: 1,
  invalidBank: 1,
  usage: 2,
  unfinished: 3,
} as const;

interface QuizOptions {
  plain?: boolean;
  json?: boolean;
  seed?: number;
  history?: boolean;
  retakeMissed?: boolean;
  restart?: boolean;
}

const HELP_AFTER = `
Grading: single choice and numeric questions earn 1 point or 0; multiple
select earns (correct picks - wrong picks) / number of correct options, never
below 0. Pass mark: 80%.

Plain mode (--plain, and whenever stdin or stdout is not a terminal) reads one
answer per line: a letter (B), letters separated by commas (A,C) or a number
(256). An answer that cannot be read is asked again and never counted. An
unfinished attempt is saved after every answer and resumes on the next run.

Exit codes:
  0  attempt passed, or history shown
  1  attempt finished below the pass mark, or the question bank is invalid
  2  bad usage: unknown option, invalid seed, nothing to retake, or a saved
     attempt that conflicts with --seed or --retake-missed
  3  attempt left before the last question; it is saved and resumes next run
`;

function parseSeed(value: string): number {
  const seed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(seed) || seed > MAX_SEED) {
    throw new InvalidArgumentError(`"${value}" is not a valid seed: use a whole number from 0 to ${MAX_SEED}.`);
  }
  return seed;
}

export function registerQuizCommands(program: Command, context: CliContext): void {
  program
    .command('quiz')
    .description('take the graded quiz (20 questions, pass mark 80%), or show past attempts')
    .option('--plain', 'plain text: questions on stdout, one answer per line on stdin')
    .option('--json', 'print the result as JSON on stdout (implies --plain; questions go to stderr)')
    .option('--seed <n>', `seed for drawing and ordering the questions (0 to ${MAX_SEED})`, parseSeed)
    .option('--retake-missed', 'start an attempt of only the questions the last attempt missed')
    .option('--restart', 'discard a saved unfinished attempt and start a new one')
    .option('--history', 'show finished attempts with per-topic scores (as JSON with --json)')
    .addHelpText('after', HELP_AFTER)
    .action(async (options: QuizOptions) => {
      context.exitCode = await runQuizCommand(context, options);
    });
}

async function runQuizCommand(context: CliContext, options: QuizOptions): Promise<number> {
  const store = ProgressStore.open({ cwd: context.env[CONFIG_DIR_ENV] });
  store.warnings.forEach((warning) => context.stderr.write(messageForOutput(context, `Warning: ${warning}`, context.stderr)));

  if (options.history) {
    if (options.retakeMissed || options.restart || options.seed !== undefined) {
      context.stderr.write('--history only shows past attempts: leave out --seed, --retake-missed and --restart.\n');
      return QUIZ_EXIT.usage;
    }
    const history = readHistory(store);
    context.stdout.write(options.json ? `${JSON.stringify({ v: 1, history }, null, 2)}\n` : formatHistory(history));
    return QUIZ_EXIT.passed;
  }

  let bank;
  try {
    bank = loadBank();
  } catch (error) {
    if (error instanceof ContentError) {
      context.stderr.write(`${error.message}\nFix the question file, or reinstall mllm-course if you did not edit it.\n`);
      return QUIZ_EXIT.invalidBank;
    }
    throw error;
  }

  const choice = chooseAttempt(store, bank, options);
  if (!choice.ok) {
    context.stderr.write(messageForOutput(context, choice.message, context.stderr));
    return QUIZ_EXIT.usage;
  }
  choice.warnings.forEach((warning) => context.stderr.write(messageForOutput(context, `Warning: ${warning}`, context.stderr)));

  const lessons = loadLessonsQuietly();
  const plain = Boolean(options.plain || options.json) || !context.mode.interactive;

  if (plain) {
    const result = await runPlainSession({
      bank,
      store,
      state: choice.state,
      input: context.stdin,
      output: options.json ? context.stderr : context.stdout,
      lessons,
      resumeCommand: options.json ? 'mllm-course quiz --json' : 'mllm-course quiz --plain',
    });
    if (options.json) {
      context.stdout.write(`${JSON.stringify(toJsonResult(result.state, result.summary, bank), null, 2)}\n`);
    }
    if (result.outcome === 'input-ended') {
      return QUIZ_EXIT.unfinished;
    }
    return result.summary.passed ? QUIZ_EXIT.passed : QUIZ_EXIT.belowPassMark;
  }

  // Ink is loaded only here, so that plain runs and --history never pay for React.
  const { runInteractiveQuiz } = await import('../ui/quiz/run.js');
  const exit = await runInteractiveQuiz(context, { bank, store, state: choice.state, lessons });
  if (!exit.finished) {
    context.stdout.write(wrapMessage('The attempt is saved. Run "mllm-course quiz" to continue where you stopped.', context.mode.columns));
    return QUIZ_EXIT.unfinished;
  }
  return summarizeAttempt(exit.state, bank).passed ? QUIZ_EXIT.passed : QUIZ_EXIT.belowPassMark;
}

/** Loads the lessons for section titles; the quiz still runs with bare ids when they cannot be loaded. */
function loadLessonsQuietly(): Lesson[] {
  try {
    return loadCourse().lessons;
  } catch (error) {
    debug('quiz: lessons not loaded, showing section ids only', error);
    return [];
  }
}
