import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runCliPiped } from '../helpers/run-cli.js';

let outDir: string;

beforeEach(() => {
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mllm-results-cmd-'));
});

afterEach(() => {
  fs.rmSync(outDir, { recursive: true, force: true });
});

it('results without outputs exits 1 with the fix', async () => {
  const result = await runCliPiped(['results', '--out', outDir]);

  expect(result.code).toBe(1);
  expect(result.stderr).toContain(`no results in ${outDir}`);
  expect(result.stderr).toContain('mllm-course run infer');
});

it('results prints samples and scores', async () => {
  fs.mkdirSync(path.join(outDir, 'infer'));
  fs.mkdirSync(path.join(outDir, 'evaluate'));
  fs.writeFileSync(
    path.join(outDir, 'infer', 'predictions.jsonl'),
    `${JSON.stringify({ id: 'iu-1', image: '/d/1-0.png', question: 'Describe the lungs.', reference: 'Lungs are clear.', base: 'No acute disease.', finetuned: 'The lungs are clear.' })}\n`,
  );
  fs.writeFileSync(
    path.join(outDir, 'evaluate', 'scores.json'),
    JSON.stringify({ metrics: { green: { base: { mean: 0.5, n: 1, parse_failures: 0 }, finetuned: { mean: 1, n: 1, parse_failures: 0 } } }, judges: { green: { ran: true } } }),
  );

  const result = await runCliPiped(['results', '--out', outDir], { columns: 60 });

  expect(result.code).toBe(0);
  expect(result.stdout).toContain('Sample 1 of 1: iu-1');
  expect(result.stdout).toContain('Fine-tuned: The lungs are clear.');
  expect(result.stdout).toContain('green     finetuned  1.000');
  expect(result.stdout).not.toMatch(/\u001b\[/);
});

it('results prints at most --limit samples', async () => {
  fs.mkdirSync(path.join(outDir, 'infer'));
  const rows = Array.from({ length: 5 }, (_, index) =>
    JSON.stringify({ id: `iu-${index}`, image: '/d.png', question: 'q', reference: 'r', base: 'b', finetuned: 'f' }),
  );
  fs.writeFileSync(path.join(outDir, 'infer', 'predictions.jsonl'), `${rows.join('\n')}\n{broken\n`);

  const result = await runCliPiped(['results', '--out', outDir, '--limit', '2']);

  expect(result.code).toBe(0);
  expect(result.stdout).toContain('Sample 2 of 5: iu-1');
  expect(result.stdout).not.toContain('iu-2');
  expect(result.stdout).toContain('3 more samples not shown; pass --limit 5 to print all.');
  expect(result.stderr).toMatch(/warning: skipped .*predictions\.jsonl: field "line 6": not valid JSON/);
});

it('results rejects a negative limit', async () => {
  const result = await runCliPiped(['results', '--out', outDir, '--limit', '-1']);

  expect(result.code).toBe(2);
  expect(result.stderr).toContain('expected a whole number of samples');
});

it('results names a corrupt scores file', async () => {
  fs.mkdirSync(path.join(outDir, 'evaluate'));
  fs.writeFileSync(path.join(outDir, 'evaluate', 'scores.json'), '{"metrics": {"green": 3}}');

  const result = await runCliPiped(['results', '--out', outDir]);

  expect(result.code).toBe(1);
  expect(result.stderr).toContain('scores.json');
  expect(result.stderr).toContain('field "metrics.green"');
});
