import fs from 'node:fs';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GPU_RUNNER_DIR_ENV } from '../../src/commands/runner.js';
import { FakeGpuBin } from '../runner/fake-gpu.js';
import { FIXTURES, killRunGroups, tempDir, waitFor } from '../runner/helpers.js';

const CLI = path.resolve('dist/cli.js');

let root: string;
let env: NodeJS.ProcessEnv;
let child: ResultPromise | undefined;

beforeEach(() => {
  root = tempDir('interrupt');
  const fakeBin = new FakeGpuBin(path.join(root, 'bin'));
  fakeBin.use('h100-80gb');
  env = {
    PATH: fakeBin.pathWithFirst(),
    HOME: process.env.HOME,
    MLLM_COURSE_CONFIG_DIR: path.join(root, 'config'),
    MLLM_COURSE_PYTHON312: fakeBin.python,
    HF_HUB_OFFLINE: '1',
    [GPU_RUNNER_DIR_ENV]: path.join(FIXTURES, 'gpu-runner'),
  };
});

afterEach(() => {
  child?.kill('SIGKILL');
  killRunGroups(path.join(root, 'work'));
  fs.rmSync(root, { recursive: true, force: true });
});

/** Starts the built CLI with piped output and returns it with a live view of its output. */
function start(args: string[]): { output: () => string; process: ResultPromise } {
  let text = '';
  child = execa('node', [CLI, ...args], { env, extendEnv: false, reject: false, all: true });
  child.all?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { output: () => text, process: child };
}

describe('Ctrl-C on a piped follow', () => {
  it('detaches a run and exits 0', async () => {
    const run = start(['run', 'evaluate', '--no-hub', '--work-dir', path.join(root, 'work')]);
    expect(await waitFor(() => run.output().includes('evaluating 1'))).toBe(true);

    run.process.kill('SIGINT');
    const result = await run.process;
    const id = /Started run (\S+) /.exec(run.output())?.[1];

    expect(result.exitCode).toBe(0);
    expect(run.output()).toContain(`Detached; run ${id} goes on. Re-attach: mllm-course logs ${id} --follow\n`);
  });

  it('detaches logs --follow and exits 0', async () => {
    const work = path.join(root, 'work');
    const started = await execa('node', [CLI, 'run', 'evaluate', '--no-hub', '--detach', '--work-dir', work], { env, extendEnv: false });
    const id = /Started run (\S+) /.exec(started.stdout)?.[1];
    const logs = start(['logs', String(id), '--follow', '--work-dir', work]);
    expect(await waitFor(() => logs.output().includes('evaluating 1'))).toBe(true);

    logs.process.kill('SIGINT');
    const result = await logs.process;

    expect(result.exitCode).toBe(0);
    expect(logs.output()).toContain(`Detached; run ${id} goes on. Re-attach: mllm-course logs ${id} --follow\n`);
  });
});
