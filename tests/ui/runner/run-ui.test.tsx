import fs from 'node:fs';
import path from 'node:path';
import stripAnsi from 'strip-ansi';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { CliContext } from '../../../src/commands/context.js';
import { runCli } from '../../../src/program.js';
import { createRunner } from '../../../src/runner/runner.js';
import { followInteractive } from '../../../src/ui/runner/run-ui.js';
import { fixture, killRunGroups, livePidsOfGroup, tempDir, waitFor } from '../../runner/helpers.js';
import { FakeStdin, FakeStdout } from '../harness.js';

// With CI set, Ink (through is-in-ci, read when Ink is first imported) writes only the last frame, so the
// confirmation prompt would never show on the fake terminal. Hoisted above the imports; restored after.
const savedCi = vi.hoisted(() => {
  const value = process.env.CI;
  process.env.CI = 'false';
  return value;
});

const work = tempDir('run-ui');
const runner = createRunner('local', { workDir: work });

// A test that fails before its own cancel would leave its detached stage running after the folder is gone.
afterEach(() => {
  killRunGroups(work);
});

afterAll(() => {
  if (savedCi === undefined) {
    delete process.env.CI;
  } else {
    process.env.CI = savedCi;
  }
  fs.rmSync(work, { recursive: true, force: true });
});

function terminal(): { context: CliContext; stdout: FakeStdout; stdin: FakeStdin; screen: () => string } {
  const stdout = new FakeStdout(100, 30);
  const stdin = new FakeStdin();
  const context: CliContext = {
    stdout: stdout as unknown as CliContext['stdout'],
    stdin: stdin as unknown as CliContext['stdin'],
    stderr: new FakeStdout(100, 30) as unknown as CliContext['stderr'],
    env: process.env,
    mode: { interactive: true, color: false, columns: 100, rows: 30 },
    exitCode: 0,
  };
  return { context, stdout, stdin, screen: () => stripAnsi(stdout.frames.join('')) };
}

/**
 * Presses `key` until `done` holds. Ink subscribes to stdin in an effect after the first frame, so under load a
 * key written as soon as a line shows can arrive before anything listens. Repeats are harmless for the keys used
 * here: a second `c` has no binding while the confirmation shows, and `d` ends the view.
 */
async function pressUntil(stdin: FakeStdin, key: string, done: () => boolean): Promise<boolean> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    stdin.write(key);
    if (await waitFor(done, 500)) {
      return true;
    }
  }
  return false;
}

describe('interactive follow', () => {
  it('follows a run to its end', async () => {
    const { context, screen } = terminal();
    const run = await runner.launch({ stage: 'finetune', command: fixture('events-stage.mjs', '3'), cwd: work });

    const state = await followInteractive(runner, run, context);

    expect(state).toEqual({ kind: 'succeeded', exitCode: 0 });
    expect(screen()).toContain('loading model');
    expect(screen()).toContain('all done');
    expect(screen()).toContain('[finetune] wrote LoRA adapter: finetune/adapter');
    expect(screen()).toContain('[finetune] done: fixture stage finished');
    expect(screen()).toContain(`✓ finetune on local, run ${run.id}: succeeded`);
    expect(screen()).toContain(`Full log: ${run.runDir}/log`);
  });

  it('re-attaches with logs --follow in the live view', async () => {
    const { context, screen } = terminal();
    context.env = { ...process.env, MLLM_COURSE_CONFIG_DIR: path.join(work, 'config') };
    const run = await runner.launch({ stage: 'infer', command: fixture('slow-stage.mjs', '20', '10'), cwd: work });

    const code = await runCli(['node', 'mllm-course', 'logs', run.id, '--follow', '--work-dir', work], context);

    expect(code).toBe(0);
    expect(screen()).toContain('slow line 1\n');
    expect(screen()).toContain('slow line 20\n');
    expect(screen()).toContain(`✓ infer on local, run ${run.id}: succeeded`);
    expect(screen()).toContain(`Full log: ${run.runDir}/log`);
  });

  it('detaches on d and leaves the run going', async () => {
    const { context, stdin, screen } = terminal();
    const run = await runner.launch({ stage: 'infer', command: fixture('slow-stage.mjs', '400', '25'), cwd: work });

    const following = followInteractive(runner, run, context);
    expect(await waitFor(() => screen().includes('slow line 3'))).toBe(true);
    let ended = false;
    void following.then(() => {
      ended = true;
    });
    expect(await pressUntil(stdin, 'd', () => ended)).toBe(true);
    const state = await following;

    expect(state).toBe('detached');
    expect(livePidsOfGroup(run.pgid).length).toBeGreaterThan(0);
    await runner.cancel(run.id, { interruptS: 2, terminateS: 2, killS: 2, gpuReleaseS: 1 });
  });

  it('cancels after confirmation and ends cancelled', async () => {
    const { context, stdin, screen } = terminal();
    const run = await runner.launch({ stage: 'finetune', command: fixture('ignore-sigint.mjs'), cwd: work });

    const following = followInteractive(runner, run, context);
    expect(await waitFor(() => screen().includes('ready parent'))).toBe(true);
    expect(await pressUntil(stdin, 'c', () => screen().includes(`Cancel run ${run.id}?`))).toBe(true);
    stdin.write('y');
    const state = await following;

    expect(state).toMatchObject({ kind: 'cancelled' });
    expect(livePidsOfGroup(run.pgid)).toEqual([]);
    expect(screen()).toContain('Cancelling: SIGINT, then SIGTERM, then SIGKILL to the process group');
    expect(path.isAbsolute(run.runDir)).toBe(true);
  });
});
