import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createRunner, UnknownRunError } from '../../src/runner/runner.js';
import { FakeGpuBin } from './fake-gpu.js';
import { fixture, followToEnd, killRunGroups, livePidsOfGroup, tempDir, waitFor } from './helpers.js';

const work = tempDir('local');
const runner = createRunner('local', { workDir: work });

// A test that fails before its own cancel would leave its detached stage running after the folder is gone.
afterEach(() => {
  killRunGroups(work);
});

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

describe('killRunGroups', () => {
  it('kills a detached run left behind', async () => {
    const run = await runner.launch({ stage: 'finetune', command: fixture('ignore-sigint.mjs', 'term'), cwd: work });
    expect(await waitFor(() => livePidsOfGroup(run.pgid).length >= 2)).toBe(true);

    killRunGroups(work);

    expect(await waitFor(() => livePidsOfGroup(run.pgid).length === 0)).toBe(true);
  });
});

describe('local runner', () => {
  it('launches a stage and follows events and logs', async () => {
    const run = await runner.launch({ stage: 'finetune', command: fixture('events-stage.mjs', '4'), cwd: work });
    expect(run.runDir).toBe(path.join(work, 'runs', run.id));

    const collected = await followToEnd(runner, run.id);

    expect(collected.state).toEqual({ kind: 'succeeded', exitCode: 0 });
    expect(collected.lines).toContain('loading model');
    expect(collected.lines).toContain('training #### 4/4');
    expect(collected.lines).toContain('warning: yellow text from stderr');
    expect(collected.lines.at(-1)).toBe('all done');
    expect(collected.events.map((event) => event.kind)).toEqual(['start', 'progress', 'progress', 'progress', 'progress', 'metric', 'artifact', 'done']);
    const nanStep = collected.events.find((event) => event.kind === 'progress' && event.step === 2);
    expect(nanStep).toMatchObject({ loss: null, nonfinite: ['loss'] });
    expect(fs.readFileSync(path.join(run.runDir, 'exit_code'), 'utf8').trim()).toBe('0');
  });

  it('replays every line once on a second attach', async () => {
    const run = await runner.launch({ stage: 'prepare', command: fixture('many-lines.mjs', '100000'), cwd: work });

    const first = await followToEnd(runner, run.id);
    const second = await followToEnd(runner, run.id);

    for (const collected of [first, second]) {
      expect(collected.lines).toHaveLength(100_000);
      expect(collected.lines[0]).toBe('line 1 of 100000');
      expect(collected.lines[99_999]).toBe('line 100000 of 100000');
      expect(new Set(collected.lines).size).toBe(100_000);
    }
  });

  it('reports a non-zero exit as failed', async () => {
    const run = await runner.launch({ stage: 'infer', command: fixture('fail-stage.mjs'), cwd: work });

    const collected = await followToEnd(runner, run.id);

    expect(collected.state).toEqual({ kind: 'failed', exitCode: 3 });
    expect(collected.events.at(-1)).toMatchObject({ kind: 'error', message: 'no GPU with bf16 found', hint: 'use an A100 or H100' });
    const listed = await runner.list();
    expect(listed.find((summary) => summary.id === run.id)?.state).toEqual({ kind: 'failed', exitCode: 3 });
  });

  it('cancels a SIGINT-ignoring stage and its child', async () => {
    const run = await runner.launch({ stage: 'finetune', command: fixture('ignore-sigint.mjs'), cwd: work });
    expect(await waitFor(() => fs.readFileSync(path.join(run.runDir, 'log'), 'utf8').includes('ready'))).toBe(true);
    expect(livePidsOfGroup(run.pgid).length).toBeGreaterThanOrEqual(3);

    const result = await runner.cancel(run.id, { interruptS: 1, terminateS: 5, killS: 5, gpuReleaseS: 1 });

    expect(result.signals).toEqual(['INT', 'TERM']);
    expect(result.gone).toBe(true);
    expect(livePidsOfGroup(run.pgid)).toEqual([]);
    const collected = await followToEnd(runner, run.id);
    expect(collected.state).toMatchObject({ kind: 'cancelled' });
    expect(collected.lines).toContain('parent got SIGINT, ignoring it');
  });

  it('escalates to SIGKILL when TERM is ignored too', async () => {
    const run = await runner.launch({ stage: 'finetune', command: fixture('ignore-sigint.mjs', 'term'), cwd: work });
    expect(await waitFor(() => fs.readFileSync(path.join(run.runDir, 'log'), 'utf8').includes('ready'))).toBe(true);

    const result = await runner.cancel(run.id, { interruptS: 1, terminateS: 1, killS: 5, gpuReleaseS: 1 });

    expect(result.signals).toEqual(['INT', 'TERM', 'KILL']);
    expect(result.gone).toBe(true);
    expect(livePidsOfGroup(run.pgid)).toEqual([]);
    expect(fs.readFileSync(path.join(run.runDir, 'exit_code'), 'utf8').trim()).toBe('137');
    expect((await runner.list()).find((summary) => summary.id === run.id)?.state).toEqual({ kind: 'cancelled', exitCode: 137 });
  });

  it('reports GPU memory still held after the processes end', async () => {
    const fakeBin = new FakeGpuBin(path.join(work, 'fake-bin'));
    const gpuRunner = createRunner('local', { workDir: work, env: { ...process.env, PATH: fakeBin.pathWithFirst() } });
    const run = await gpuRunner.launch({ stage: 'finetune', command: fixture('slow-stage.mjs', '1000', '50'), cwd: work });
    expect(await waitFor(() => livePidsOfGroup(run.pgid).length >= 2)).toBe(true);
    const pids = livePidsOfGroup(run.pgid);
    fakeBin.holdGpu(pids);
    fakeBin.stickGpu(true);

    const result = await gpuRunner.cancel(run.id, { interruptS: 2, terminateS: 2, killS: 2, gpuReleaseS: 0.5 });

    expect(result.gone).toBe(true);
    expect(result.gpu).toBe('busy');
    expect(result.gpuBusy.sort()).toEqual(pids.map((pid) => `${pid}:20480`).sort());
  });

  it('passes the token only through a 0600 file', async () => {
    const token = 'hf_fixtureTokenValue1234567890';
    const run = await runner.launch({ stage: 'prepare', command: fixture('token-stage.mjs'), cwd: work, secrets: { hfToken: token } });

    const collected = await followToEnd(runner, run.id);

    expect(collected.state).toEqual({ kind: 'succeeded', exitCode: 0 });
    expect(collected.lines).toContain(`token file mode 600 length ${token.length} argv false env false`);
    expect(fs.existsSync(path.join(run.runDir, 'hf_token'))).toBe(false);
    expect(fs.readFileSync(path.join(run.runDir, 'log'), 'utf8')).not.toContain(token);
    expect(fs.readFileSync(path.join(run.runDir, 'meta.json'), 'utf8')).not.toContain(token);
  });

  it('rejects an unknown run id', async () => {
    await expect(runner.cancel('finetune-20260101-000000-zzzz')).rejects.toBeInstanceOf(UnknownRunError);
    await expect(followToEnd(runner, 'finetune-20260101-000000-zzzz')).rejects.toThrow(/was not found on local/);
    await expect(followToEnd(runner, "x'; touch /tmp/pwned; '")).rejects.toThrow(/was not found on local/);
  });
});

describe('lost runs', () => {
  it('are listed as lost and lose their token file', async () => {
    const run = await runner.launch({
      stage: 'finetune',
      command: fixture('slow-stage.mjs', '1000', '50'),
      cwd: work,
      secrets: { hfToken: 'hf_lostRunToken0123456789' },
    });
    const tokenFile = path.join(run.runDir, 'hf_token');
    expect(fs.existsSync(tokenFile)).toBe(true);

    // SIGKILL to the whole group, wrapper included, is what a reboot or an OOM kill of everything looks like.
    process.kill(-run.pgid, 'SIGKILL');
    expect(await waitFor(() => livePidsOfGroup(run.pgid).length === 0)).toBe(true);
    const listed = await runner.list();

    expect(listed.find((summary) => summary.id === run.id)?.state).toEqual({ kind: 'lost' });
    expect(fs.existsSync(tokenFile)).toBe(false);
    expect((await followToEnd(runner, run.id)).state).toEqual({ kind: 'lost' });
  });
});
