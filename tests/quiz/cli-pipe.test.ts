import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { drawAttempt } from '../../src/quiz/draw.js';
import { loadBank } from '../../src/quiz/load.js';
import { correctAnswerText, makeTempDir, wrongAnswerText } from './helpers.js';

const CLI = path.resolve('dist/cli.js');

it('built CLI takes CRLF answers through a pipe', async () => {
  expect(fs.existsSync(CLI), 'dist/cli.js is missing: run `npm run build` first').toBe(true);
  const bank = loadBank();
  const items = drawAttempt(bank, 9);
  const lines = items.map((item, index) => {
    const question = bank.byId.get(item.questionId);
    if (!question) {
      throw new Error(item.questionId);
    }
    return index < 2 ? wrongAnswerText(question, item) : correctAnswerText(question, item);
  });
  const env = { MLLM_COURSE_CONFIG_DIR: makeTempDir('cli'), NO_COLOR: '1' };

  // No --plain: stdin and stdout are pipes, so the CLI must pick plain mode by itself.
  const run = await execa('node', [CLI, 'quiz', '--seed', '9'], { input: `bad\r\n${lines.join('\r\n')}\r\n`, env, reject: false });
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(0);
  expect(run.stdout).toContain('Not counted.');
  expect(run.stdout).toContain('Score: 18/20 (90%). Passed: the pass mark is 80%.');
  expect(run.stdout).not.toMatch(/\u001B\[/);

  const history = await execa('node', [CLI, 'quiz', '--history', '--json'], { env });
  const parsed = JSON.parse(history.stdout) as { history: Array<{ seed: number; missed: string[] }> };
  expect(parsed.history).toHaveLength(1);
  expect(parsed.history[0]?.seed).toBe(9);
  expect(parsed.history[0]?.missed).toEqual([items[0]?.questionId, items[1]?.questionId]);
});
