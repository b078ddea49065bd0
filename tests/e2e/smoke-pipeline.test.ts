import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { EventsParser, type StageEvent } from '../../src/runner/events.js';
import { killRunGroups } from '../runner/helpers.js';

/**
 * The whole hands-on pipeline on the CPU: the built CLI starts prepare, finetune, infer and evaluate with
 * --smoke through its local runner, and the real Python stages run on a tiny Gemma 3 model and a generated
 * FLARE-shaped data set. It checks the events protocol from the TypeScript side on what Python wrote.
 * Needs `npm run build`; the Python environment comes from gpu-runner/scripts/venv.sh (cached).
 */

const CLI = path.resolve('dist/cli.js');
const STAGES = ['prepare', 'finetune', 'infer', 'evaluate'];
const PIPELINE_TIMEOUT_MS = 600_000;

let workDir: string;
let configDir: string;
let venvCache: string;
let output: { exitCode: number | undefined; stdout: string; stderr: string };

beforeAll(async () => {
  // The python that npm test prepared, or the same cached build when vitest runs alone.
  const python = process.env.MLLM_COURSE_TEST_PYTHON || execFileSync('bash', ['gpu-runner/scripts/venv.sh'], { encoding: 'utf8' }).trim().split('\n').at(-1)!;
  // <cache>/<requirements hash>/bin/python: the runner reuses that cache instead of building a second venv.
  venvCache = path.dirname(path.dirname(path.dirname(python)));

  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mllm-smoke-work-'));
  configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mllm-smoke-config-'));

  const result = await execa(process.execPath, [CLI, 'run', 'all', '--smoke', '--host', 'local', '--work-dir', workDir, '--out', 'out'], {
    env: { MLLM_COURSE_CONFIG_DIR: configDir, MLLM_COURSE_VENV_CACHE: venvCache, HF_HUB_OFFLINE: '1', NO_COLOR: '1' },
    reject: false,
    timeout: PIPELINE_TIMEOUT_MS,
    stdin: 'ignore',
  });
  output = { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}, PIPELINE_TIMEOUT_MS + 60_000);

afterAll(() => {
  // A pipeline cut short by a failure or the timeout must not leave a stage running.
  killRunGroups(workDir);
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.rmSync(configDir, { recursive: true, force: true });
});

function runFolders(): Map<string, string> {
  const byStage = new Map<string, string>();
  for (const id of fs.readdirSync(path.join(workDir, 'runs'))) {
    const meta = JSON.parse(fs.readFileSync(path.join(workDir, 'runs', id, 'meta.json'), 'utf8')) as { stage: string };
    byStage.set(meta.stage, path.join(workDir, 'runs', id));
  }
  return byStage;
}

function readEvents(runDir: string): StageEvent[] {
  const parser = new EventsParser();
  const events = parser.push(fs.readFileSync(path.join(runDir, 'events.jsonl'), 'utf8'));
  events.push(...parser.end());
  expect(parser.problems.invalidLines, `invalid event lines in ${runDir}`).toBe(0);
  return events;
}

test('smoke pipeline succeeds through the local runner', () => {
  expect(output.exitCode, `stdout:\n${output.stdout}\nstderr:\n${output.stderr}`).toBe(0);
  for (const stage of STAGES) {
    expect(output.stdout).toMatch(new RegExp(`Run ${stage}-\\S+: succeeded`));
  }
});

test('smoke pipeline writes every stage output', () => {
  const out = path.join(workDir, 'out');

  const train = fs.readFileSync(path.join(out, 'data', 'train.jsonl'), 'utf8').trim().split('\n');
  expect(train.length).toBeGreaterThanOrEqual(24);
  expect(fs.existsSync(path.join(out, 'finetune', 'adapter', 'adapter_config.json'))).toBe(true);

  const predictions = fs.readFileSync(path.join(out, 'infer', 'predictions.jsonl'), 'utf8').trim().split('\n');
  expect(predictions).toHaveLength(16);
  const first = JSON.parse(predictions[0]!) as Record<string, unknown>;
  expect(Object.keys(first)).toEqual(expect.arrayContaining(['id', 'image', 'question', 'reference', 'base', 'finetuned']));

  const scores = JSON.parse(fs.readFileSync(path.join(out, 'evaluate', 'scores.json'), 'utf8')) as {
    judges: Record<string, { ran: boolean; reason?: string }>;
    metrics: Record<string, Record<string, { mean: number | null }>>;
  };
  // No judge can run on the CPU: the report must say so and never carry a score.
  for (const metric of ['green', 'crimson']) {
    expect(scores.judges[metric]?.ran).toBe(false);
    expect(scores.judges[metric]?.reason).toBeTruthy();
    expect(scores.metrics[metric]?.base?.mean ?? null).toBeNull();
  }
});

test('smoke pipeline events follow the protocol', () => {
  const folders = runFolders();
  expect([...folders.keys()].sort()).toEqual([...STAGES].sort());

  for (const stage of STAGES) {
    const events = readEvents(folders.get(stage)!);
    const kinds = events.map((event) => event.kind);

    expect(kinds[0], stage).toBe('start');
    expect(kinds.at(-1), stage).toBe('done');
    expect(kinds, stage).not.toContain('error');
    for (const event of events) {
      expect(event.stage).toBe(stage);
    }
    const sequence = events.map((event) => event.seq);
    expect(sequence, stage).toEqual([...sequence].sort((left, right) => left - right));
    expect(new Set(sequence).size, stage).toBe(sequence.length);
  }

  const training = readEvents(folders.get('finetune')!).filter((event) => event.kind === 'progress');
  expect(training.length).toBeGreaterThan(0);
  const last = training.at(-1)!;
  if (last.kind !== 'progress') {
    throw new Error('the filter above keeps progress events only');
  }
  expect(last.step).toBe(last.total);
  expect(training.some((event) => event.kind === 'progress' && typeof event.loss === 'number')).toBe(true);

  const artifacts = readEvents(folders.get('infer')!).filter((event) => event.kind === 'artifact');
  expect(artifacts.some((event) => event.kind === 'artifact' && event.path.endsWith('predictions.jsonl'))).toBe(true);
});

test('smoke results read back through the results command', async () => {
  const result = await execa(process.execPath, [CLI, 'results', '--out', path.join(workDir, 'out'), '--limit', '1'], {
    env: { MLLM_COURSE_CONFIG_DIR: configDir, NO_COLOR: '1' },
    reject: false,
  });

  expect(result.exitCode).toBe(0);
  expect(result.stdout).toContain('Sample 1 of 16');
  expect(result.stdout).toMatch(/green: not run: --smoke/);
  expect(result.stdout).toMatch(/crimson: not run: --smoke/);
  expect(result.stdout).not.toContain('not scored. not run');
});
