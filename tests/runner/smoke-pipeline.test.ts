import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RUNNER_EXIT } from '../../src/runner/exit-codes.js';
import { runPlain } from './cli-io.js';
import { killRunGroups, livePidsOfGroup, tempDir, waitFor } from './helpers.js';

/**
 * Cancelling a real gpu-runner stage in smoke mode, started through the CLI and the local runner (the whole
 * pipeline runs in tests/e2e/smoke-pipeline.test.ts). It needs the
 * gpu-runner virtual environment, which `npm test` builds and names in MLLM_COURSE_TEST_PYTHON; without it
 * the tests are skipped, except in CI where that is an error.
 */
const python = process.env.MLLM_COURSE_TEST_PYTHON;
const root = tempDir('smoke');
const work = path.join(root, 'work');

function setUpWork(): void {
  if (!python) {
    throw new Error('MLLM_COURSE_TEST_PYTHON is not set; run the tests with `npm test`, which builds the environment.');
  }
  fs.mkdirSync(work, { recursive: true });
  // <cache>/<requirements hash>/bin/python: the runner's venv.sh finds the finished environment through
  // <work>/venvs/<hash> and reuses it instead of installing torch again.
  const cacheRoot = path.dirname(path.dirname(path.dirname(python)));
  if (!fs.existsSync(path.join(work, 'venvs'))) {
    fs.symlinkSync(cacheRoot, path.join(work, 'venvs'));
  }
}

const env: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  MLLM_COURSE_CONFIG_DIR: path.join(root, 'config'),
  HF_HOME: path.join(root, 'hf-home'),
  HF_HUB_OFFLINE: '1',
};

// A test that fails before its own cancel would leave its detached stage running after the folder is gone.
afterEach(() => {
  killRunGroups(root);
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe.skipIf(!python && !process.env.CI)('smoke stage cancel through the local runner', () => {
  it('cancels a real fine-tuning run and leaves no process', async () => {
    setUpWork();
    // A fresh output folder: fine-tuning over complete outputs would end at once without progress.
    const prepared = await runPlain(['run', 'prepare', '--smoke', '--force', '--out', 'cancel-out', '--work-dir', work], env);
    expect(prepared.code).toBe(RUNNER_EXIT.ok);
    const started = await runPlain(['run', 'finetune', '--smoke', '--force', '--detach', '--out', 'cancel-out', '--work-dir', work], env);
    const id = /Started run (\S+) /.exec(started.stdout)?.[1] ?? '';
    const runDir = path.join(work, 'runs', id);
    const kinds = (): string[] =>
      fs.readFileSync(path.join(runDir, 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { kind: string }).kind);
    expect(await waitFor(() => kinds().includes('progress') || fs.existsSync(path.join(runDir, 'exit_code')), 300_000)).toBe(true);
    expect(fs.existsSync(path.join(runDir, 'exit_code'))).toBe(false);
    const pgid = Number(fs.readFileSync(path.join(runDir, 'pgid'), 'utf8'));

    const cancelled = await runPlain(['cancel', id], env);

    expect(cancelled.code).toBe(RUNNER_EXIT.ok);
    expect(cancelled.stdout).toContain('No process of the run is left.');
    expect(livePidsOfGroup(pgid)).toEqual([]);
    const logs = await runPlain(['logs', id], env);
    expect(logs.stderr).toBe(`Run ${id} on local: cancelled.\n`);
  }, 600_000);
});
