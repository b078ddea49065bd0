import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvalidHostError } from '../../src/runner/quote.js';
import { createRunner, UnknownRunError, type Runner } from '../../src/runner/runner.js';
import { SshConnectionError } from '../../src/runner/ssh-errors.js';
import { FakeGpuBin } from './fake-gpu.js';
import { fixture, followToEnd, killRunGroups, livePidsOfGroup, tempDir, waitFor } from './helpers.js';
import { HOST_ALIAS, REFUSED_ALIAS, SshdHarness, skipSshTests, UNKNOWN_ALIAS } from './sshd-harness.js';

const CONNECT_TIMEOUT_S = 5;
const work = tempDir('ssh-work');
const fakeBin = new FakeGpuBin(path.join(work, 'fake-bin'));
let harness: SshdHarness;
let runner: Runner;

function sshRunner(host: string): Runner {
  return createRunner(host, { configFile: harness.clientConfig, workDir: work, connectTimeoutS: CONNECT_TIMEOUT_S });
}

// A test that fails before its own cancel would leave its detached stage running after the folder is gone.
afterEach(() => {
  killRunGroups(work);
});

describe.skipIf(skipSshTests())('ssh runner against a local sshd', () => {
  beforeAll(async () => {
    harness = await SshdHarness.start({
      sessionEnv: { PATH: fakeBin.pathWithFirst('/usr/local/bin:/usr/bin:/bin'), MLLM_COURSE_PYTHON312: fakeBin.python },
    });
    runner = sshRunner(HOST_ALIAS);
  });

  afterAll(async () => {
    await harness?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('launches a stage and follows events and logs', async () => {
    const run = await runner.launch({ stage: 'finetune', command: fixture('events-stage.mjs', '3'), cwd: work });

    const collected = await followToEnd(runner, run.id);

    expect(collected.state).toEqual({ kind: 'succeeded', exitCode: 0 });
    expect(collected.lines).toEqual(['loading model', 'training ### 3/3', 'warning: yellow text from stderr', 'all done']);
    expect(collected.events.map((event) => event.kind)).toEqual(['start', 'progress', 'progress', 'progress', 'metric', 'artifact', 'done']);
    expect(collected.warnings).toEqual([]);
  });

  it('keeps the run going when the connection drops, and re-attaches', async () => {
    const run = await runner.launch({ stage: 'infer', command: fixture('slow-stage.mjs', '150', '20'), cwd: work });
    const seen: string[] = [];
    const first = runner.follow(run.id, { onLines: (lines) => seen.push(...lines) });
    expect(await waitFor(() => seen.length >= 10)).toBe(true);

    process.kill(first.stream.pid!, 'SIGKILL');
    await expect(first.finished).rejects.toThrow();
    expect(seen.length).toBeLessThan(150);
    expect(livePidsOfGroup(run.pgid).length).toBeGreaterThan(0);
    expect((await runner.list()).find((summary) => summary.id === run.id)?.state).toEqual({ kind: 'running' });

    const collected = await followToEnd(runner, run.id);

    expect(collected.state).toEqual({ kind: 'succeeded', exitCode: 0 });
    expect(collected.lines).toEqual(Array.from({ length: 150 }, (_, index) => `slow line ${index + 1}`));
    const steps = collected.events.filter((event) => event.kind === 'progress').map((event) => event.seq);
    expect(steps).toEqual(Array.from({ length: 150 }, (_, index) => index + 2));
    expect(collected.events.at(-1)?.kind).toBe('done');
  });

  it('reconnects by itself and shows each line once', async () => {
    const run = await runner.launch({ stage: 'infer', command: fixture('slow-stage.mjs', '150', '20'), cwd: work });
    const seen: string[] = [];
    const reconnects: string[] = [];
    const handle = runner.followWithReconnect(run.id, { onLines: (lines) => seen.push(...lines) }, {
      delayMs: () => 50,
      onReconnect: (attempt, error) => reconnects.push(`${attempt} ${error.name}`),
    });

    expect(await waitFor(() => seen.length >= 10)).toBe(true);
    process.kill(handle.current().stream.pid!, 'SIGKILL');
    expect(await waitFor(() => reconnects.length === 1 && seen.length >= 60)).toBe(true);
    process.kill(handle.current().stream.pid!, 'SIGKILL');
    const state = await handle.finished;

    expect(state).toEqual({ kind: 'succeeded', exitCode: 0 });
    expect(reconnects).toEqual(['1 FollowInterruptedError', '1 FollowInterruptedError']);
    expect(seen).toEqual(Array.from({ length: 150 }, (_, index) => `slow line ${index + 1}`));
  });

  it('gives up reconnecting when the host stays unreachable', async () => {
    const run = await runner.launch({ stage: 'infer', command: fixture('slow-stage.mjs', '100', '20'), cwd: work });
    const refused = sshRunner(REFUSED_ALIAS);
    const attempts: number[] = [];

    const handle = refused.followWithReconnect(run.id, {}, { retries: 2, delayMs: () => 10, onReconnect: (attempt) => attempts.push(attempt) });

    await expect(handle.finished).rejects.toMatchObject({ kind: 'connection-refused' });
    expect(attempts).toEqual([1, 2]);
  });

  it('cancels the whole process group and sees the GPU released', async () => {
    const run = await runner.launch({ stage: 'finetune', command: fixture('ignore-sigint.mjs'), cwd: work });
    expect(await waitFor(() => fs.readFileSync(path.join(run.runDir, 'log'), 'utf8').includes('ready'))).toBe(true);
    const pids = livePidsOfGroup(run.pgid);
    fakeBin.holdGpu(pids);

    const result = await runner.cancel(run.id, { interruptS: 1, terminateS: 5, killS: 5, gpuReleaseS: 5 });

    expect(result.gone).toBe(true);
    expect(result.signals).toEqual(['INT', 'TERM']);
    expect(result.pids.sort()).toEqual(pids.sort());
    expect(result.gpu).toBe('released');
    expect(livePidsOfGroup(run.pgid)).toEqual([]);
    expect((await followToEnd(runner, run.id)).state).toMatchObject({ kind: 'cancelled' });
  });

  it('syncs gpu-runner once per version', async () => {
    const source = path.join(work, 'source');
    fs.mkdirSync(path.join(source, 'gpu_runner'), { recursive: true });
    fs.writeFileSync(path.join(source, 'requirements.txt'), '');
    fs.writeFileSync(path.join(source, 'gpu_runner', '__init__.py'), 'VERSION = 1\n');

    const first = await runner.sync(source);
    const second = await runner.sync(source);
    fs.writeFileSync(path.join(source, 'gpu_runner', '__init__.py'), 'VERSION = 2\n');
    const third = await runner.sync(source);

    expect(first.copied).toBe(true);
    expect(second).toEqual({ ...first, copied: false });
    expect(third.folder).not.toBe(first.folder);
    expect(fs.readFileSync(path.join(work, third.folder, 'gpu_runner', '__init__.py'), 'utf8')).toBe('VERSION = 2\n');
    expect(fs.existsSync(path.join(work, first.folder, '.complete'))).toBe(true);
  });

  it('runs the preflight through ssh with the fake nvidia-smi', async () => {
    fakeBin.use('v100-32gb');

    const report = await runner.preflight({ gpu: true, diskBytes: 1 });

    expect(report.target).toBe(HOST_ALIAS);
    expect(report.gpus.map((gpu) => gpu.name)).toEqual(['Tesla V100-SXM2-32GB']);
    expect(report.checks.find((check) => check.id === 'gpu-memory')?.status).toBe('fail');
    expect(report.checks.find((check) => check.id === 'python')?.detail).toBe(`${fakeBin.python} is Python 3.12.4.`);
    expect(report.ok).toBe(false);
  });

  it('tells a remote exit 255 from a connection failure', async () => {
    const exited = await runner.transport.run('echo remote side; exit 255\n');
    const killed = await runner.transport.run('kill -9 $$\n');

    expect(exited.exitCode).toBe(255);
    expect(exited.stdout).toBe('remote side\n');
    expect(killed.exitCode).toBe(255);
  });

  it('rejects a refused port with a clear error', async () => {
    const error = await sshRunner(REFUSED_ALIAS).list().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SshConnectionError);
    expect((error as SshConnectionError).kind).toBe('connection-refused');
    expect((error as Error).message).toMatch(/^The connection to mllm-test-refused was refused/);
  }, CONNECT_TIMEOUT_S * 1000 + 5_000);

  it('rejects an unknown host with a clear error', async () => {
    const error = await sshRunner(UNKNOWN_ALIAS).list().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SshConnectionError);
    expect((error as SshConnectionError).kind).toBe('unknown-host');
    expect((error as Error).message).toMatch(/^Host mllm-test-unknown was not found/);
  }, CONNECT_TIMEOUT_S * 1000 + 5_000);

  it.each(['gpu;touch /tmp/mllm-pwned', '-oProxyCommand=touch /tmp/mllm-pwned', 'gpu host', '$(touch /tmp/mllm-pwned)', 'gpu`id`', ''])(
    'rejects the host name %j before ssh runs',
    (host) => {
      expect(() => sshRunner(host)).toThrow(InvalidHostError);
      expect(fs.existsSync('/tmp/mllm-pwned')).toBe(false);
    },
  );

  it('rejects an unknown run id', async () => {
    await expect(runner.cancel('infer-20260101-000000-none')).rejects.toBeInstanceOf(UnknownRunError);
    await expect(followToEnd(runner, 'infer-20260101-000000-none')).rejects.toThrow(
      'Run "infer-20260101-000000-none" was not found on mllm-test-gpu. List the runs with `mllm-course runs`.',
    );
  });
});
