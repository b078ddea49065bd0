import { PassThrough, Writable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/program.js';
import { ProgressStore } from '../../src/progress/store.js';
import { drawAttempt } from '../../src/quiz/draw.js';
import { loadBank } from '../../src/quiz/load.js';
import { correctAnswerText, makeTempDir, wrongAnswerText } from './helpers.js';

const bank = loadBank();
const SEED = 42;
const items = drawAttempt(bank, SEED);

class Collector extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

let configDir: string;

beforeEach(() => {
  configDir = makeTempDir('plain');
});

/** Runs the CLI in-process with `input` piped to stdin, as a shell pipe would deliver it. */
async function runQuiz(args: string[], input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdin = new PassThrough();
  const stdout = new Collector();
  const stderr = new Collector();
  stdin.end(input);
  const code = await runCli(['node', 'mllm-course', 'quiz', ...args], {
    stdin,
    stdout,
    stderr,
    env: { MLLM_COURSE_CONFIG_DIR: configDir },
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

function question(index: number) {
  const item = items[index];
  const found = item && bank.byId.get(item.questionId);
  if (!item || !found) {
    throw new Error(`no question at ${index}`);
  }
  return { item, question: found };
}

function answers(from: number, to: number, wrong: ReadonlySet<number> = new Set()): string[] {
  const lines: string[] = [];
  for (let index = from; index < to; index += 1) {
    const { item, question: found } = question(index);
    lines.push(wrong.has(index) ? wrongAnswerText(found, item) : correctAnswerText(found, item));
  }
  return lines;
}

function openStore(): ProgressStore {
  return ProgressStore.open({ cwd: configDir });
}

describe('quiz --plain through a pipe', () => {
  it('runs a whole attempt with CRLF answers and re-asks bad ones', async () => {
    const first = question(0);
    const badLines = first.question.type === 'numeric' ? ['', 'twelve'] : ['', 'Z', '7'];
    const lines = [...badLines, ...answers(0, 20, new Set([3]))];
    const result = await runQuiz(['--plain', '--seed', String(SEED)], `${lines.join('\r\n')}\r\n`);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Quiz: 20 questions (seed 42).');
    expect(result.stdout).toContain('Multiple select: partial credit = (correct picks - wrong picks) / number of correct options, never below 0.');
    expect(result.stdout).toContain(`Question 1 of 20`);
    expect(result.stdout).toContain('Not counted. The answer is empty');
    if (first.question.type === 'numeric') {
      expect(result.stdout).toContain('Not counted. "twelve" is not a number');
    } else {
      expect(result.stdout).toContain('Not counted. Letter Z is out of range');
      expect(result.stdout).toContain('Not counted. "7" is not a choice letter');
    }
    expect(result.stdout.match(/^Right \(1 point\)\.$/gm)).toHaveLength(19);
    expect(result.stdout.match(/^Wrong \(0 points\)\.$/gm)).toHaveLength(1);
    expect(result.stdout).toContain(`Read more: lesson ${first.question.ref.lesson} "`);
    expect(result.stdout).toContain('Score: 19/20 (95%). Passed: the pass mark is 80%.');
    expect(result.stdout).toContain(`Missed: ${items[3]?.questionId}`);

    const history = openStore().data.quiz.history;
    expect(history).toHaveLength(1);
    expect(history[0]?.seed).toBe(SEED);
    expect(history[0]?.total).toEqual({ score: 19, max: 20 });
    expect(history[0]?.missed).toEqual([items[3]?.questionId]);
    expect(openStore().data.quiz.current).toBeUndefined();
  });

  it('exits 1 below the pass mark', async () => {
    const wrong = new Set([0, 1, 2, 3, 4]);
    const result = await runQuiz(['--plain', '--seed', String(SEED)], `${answers(0, 20, wrong).join('\n')}\n`);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Score: 15/20 (75%). Not passed: the pass mark is 80%.');
  });

  it('saves at end of input and resumes where it stopped', async () => {
    const firstRun = await runQuiz(['--plain', '--seed', String(SEED)], `${answers(0, 7, new Set([1])).join('\r\n')}\r\n`);
    expect(firstRun.code).toBe(3);
    expect(firstRun.stdout).toContain('Input ended before question 8 of 20 was answered. Your 7 answers are saved.');
    expect(firstRun.stdout).toContain('Run "mllm-course quiz --plain" to continue where you stopped.');
    expect(openStore().data.quiz.history).toHaveLength(0);

    const secondRun = await runQuiz(['--plain'], `${answers(7, 20).join('\n')}\n`);
    expect(secondRun.code).toBe(0);
    expect(secondRun.stdout).toContain('Resuming the saved attempt at question 8 of 20.');
    expect(secondRun.stdout).not.toContain('Question 7 of 20');
    expect(secondRun.stdout).toContain('Question 8 of 20');
    expect(secondRun.stdout).toContain('Score: 19/20 (95%).');

    const history = openStore().data.quiz.history;
    expect(history).toHaveLength(1);
    expect(history[0]?.missed).toEqual([items[1]?.questionId]);
  });

  it('prints a JSON result on stdout with --json', async () => {
    const result = await runQuiz(['--json', '--seed', String(SEED)], `${answers(0, 20, new Set([0, 5])).join('\n')}\n`);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Question 20 of 20');

    const parsed = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(parsed.seed).toBe(SEED);
    expect(parsed.complete).toBe(true);
    expect(parsed.passed).toBe(true);
    expect(parsed.total).toEqual({ score: 18, max: 20 });
    expect(parsed.missed).toEqual([items[0]?.questionId, items[5]?.questionId]);
    expect(parsed.answers).toHaveLength(20);
  });

  it('retakes only the missed questions', async () => {
    await runQuiz(['--plain', '--seed', String(SEED)], `${answers(0, 20, new Set([2, 6])).join('\n')}\n`);
    const missed = [items[2]?.questionId, items[6]?.questionId];

    const retakeItems = drawAttempt(bank, 7, { questionIds: missed as string[] });
    const lines = retakeItems.map((item) => {
      const found = bank.byId.get(item.questionId);
      if (!found) {
        throw new Error(item.questionId);
      }
      return correctAnswerText(found, item);
    });
    const result = await runQuiz(['--plain', '--retake-missed', '--seed', '7'], `${lines.join('\n')}\n`);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Retake of 2 questions missed last time (seed 7).');
    expect(result.stdout).toContain('Question 2 of 2');
    expect(result.stdout).toContain('Score: 2/2 (100%).');
    const history = openStore().data.quiz.history;
    expect(history).toHaveLength(2);
    expect(history[1]?.retake).toBe(true);
    expect([...(history[1]?.questionIds ?? [])].sort()).toEqual([...missed].sort());
  });

  it('shows the history', async () => {
    const empty = await runQuiz(['--history']);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('No finished quiz attempts yet.');

    await runQuiz(['--plain', '--seed', String(SEED)], `${answers(0, 20, new Set([4])).join('\n')}\n`);
    const shown = await runQuiz(['--history']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^Quiz: 1 attempt, last 95% on \d{4}-\d{2}-\d{2} \(passed\), best 95%\./);
    expect(shown.stdout).toContain('#1');
    expect(shown.stdout).toContain('seed 42');
    expect(shown.stdout).toContain('Total  19/20 (95%)  passed');
    expect(shown.stdout).toContain('MedSigLIP and Gemma 3');
    expect(shown.stdout).toContain(`Missed: ${items[4]?.questionId}`);

    const json = await runQuiz(['--history', '--json']);
    const parsed = JSON.parse(json.stdout) as { history: Array<{ total: unknown }> };
    expect(parsed.history).toHaveLength(1);
    expect(parsed.history[0]?.total).toEqual({ score: 19, max: 20 });
  });
});

describe('quiz usage errors', () => {
  it.each([
    ['a seed that is not a number', ['--plain', '--seed', 'abc'], 'is not a valid seed'],
    ['a negative seed', ['--plain', '--seed', '-1'], 'is not a valid seed'],
    ['a seed too large', ['--plain', '--seed', '4294967296'], 'is not a valid seed'],
    ['--history with --seed', ['--history', '--seed', '3'], '--history only shows past attempts'],
    ['--retake-missed before any attempt', ['--plain', '--retake-missed'], 'There is no finished attempt to retake yet.'],
  ])('exits 2 on %s', async (_name, args, message) => {
    const result = await runQuiz(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('keeps a saved attempt when another seed is requested', async () => {
    await runQuiz(['--plain', '--seed', String(SEED)], `${answers(0, 3).join('\n')}\n`);
    const conflict = await runQuiz(['--plain', '--seed', '5']);
    expect(conflict.code).toBe(2);
    expect(conflict.stderr).toContain('An unfinished attempt is saved (3 of 20 answered, seed 42)');
    expect(openStore().data.quiz.current).toBeDefined();

    const restarted = await runQuiz(['--plain', '--seed', '5', '--restart']);
    expect(restarted.code).toBe(3);
    expect(restarted.stdout).toContain('Quiz: 20 questions (seed 5).');
  });
});

describe('quiz --help', () => {
  it('documents grading and exit codes', async () => {
    const result = await runQuiz(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: mllm-course quiz [options]');
    expect(result.stdout).toContain('--seed <n>');
    expect(result.stdout).toContain('select earns (correct picks - wrong picks) / number of correct options, never');
    expect(result.stdout).toContain('  1  attempt finished below the pass mark, or the question bank is invalid');
    expect(result.stdout).toContain('  3  attempt left before the last question; it is saved and resumes next run');
  });
});
