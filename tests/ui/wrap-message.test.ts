import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/program.js';
import { messageForOutput, wrapMessage } from '../../src/ui/wrap-message.js';
import { displayWidth } from '../../src/util/width.js';

const MODE = { interactive: false, color: false, columns: 40, rows: 24 };
const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mllm-wrap-'));

afterAll(() => {
  fs.rmSync(configDir, { recursive: true, force: true });
});

describe('wrapMessage', () => {
  it('breaks at word boundaries within the width', () => {
    const text = 'A required check failed; starting anyway because of --force.';

    const lines = wrapMessage(text, 30).split('\n');

    expect(lines).toEqual(['A required check failed;', 'starting anyway because of', '--force.', '']);
  });

  it('keeps each line of a message on its own line', () => {
    expect(wrapMessage('first\nsecond\n', 40)).toBe('first\nsecond\n');
  });

  it('keeps the indentation of continuation lines', () => {
    const lines = wrapMessage('    Fix: accept the licence of the repository on its page', 30).trimEnd().split('\n');

    expect(lines.every((line) => line.startsWith('    '))).toBe(true);
    expect(lines.every((line) => displayWidth(line) <= 29)).toBe(true);
  });
});

describe('messageForOutput', () => {
  it('wraps for a terminal', () => {
    const text = messageForOutput({ mode: MODE, stdout: Object.assign(new PassThrough(), { isTTY: true }) }, 'word '.repeat(20).trim());

    expect(text.split('\n').length).toBeGreaterThan(2);
  });

  it('leaves piped output on one line', () => {
    const text = messageForOutput({ mode: MODE, stdout: new PassThrough() }, 'word '.repeat(20).trim());

    expect(text).toBe(`${'word '.repeat(20).trim()}\n`);
  });
});

/** Runs the CLI in-process with stdout and stderr that claim to be a terminal 40 columns wide. */
async function runOnNarrowTerminal(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = Object.assign(new PassThrough(), { isTTY: true, columns: 40, rows: 24 });
  const err = Object.assign(new PassThrough(), { isTTY: true, columns: 40, rows: 24 });
  out.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  err.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const stdin = Object.assign(Readable.from([]), { isTTY: false });
  const code = await runCli(['node', 'mllm-course', ...args], { stdin, stdout: out, stderr: err, env: { MLLM_COURSE_CONFIG_DIR: configDir, HF_HUB_OFFLINE: '1' }, mode: MODE });
  return { code, stdout, stderr };
}

describe('command messages on a narrow terminal', () => {
  it('wraps the run usage error at words', async () => {
    const result = await runOnNarrowTerminal(['run', 'bogus']);
    const lines = result.stderr.trimEnd().split('\n');

    expect(result.code).toBe(2);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.every((line) => displayWidth(line) <= 39)).toBe(true);
    expect(result.stderr.replaceAll('\n', ' ').trim()).toBe('error: unknown stage "bogus"; expected one of prepare, finetune, infer, evaluate, all.');
  });

  it('cuts and wraps an unknown lesson key', async () => {
    const result = await runOnNarrowTerminal(['read', 'x'.repeat(5000)]);
    const lines = result.stderr.trimEnd().split('\n');

    expect(result.code).toBe(2);
    expect(result.stderr.replaceAll('\n', '')).toContain(`No lesson matches "${'x'.repeat(40)}…".`);
    expect(result.stderr.length).toBeLessThan(400);
    expect(lines.every((line) => displayWidth(line) <= 39)).toBe(true);
  });

  it('cuts an unknown run id', async () => {
    const result = await runOnNarrowTerminal(['logs', 'y'.repeat(5000), '--host', 'local', '--work-dir', configDir]);

    expect(result.code).toBe(2);
    expect(result.stderr.replaceAll('\n', '')).toContain(`"${'y'.repeat(60)}…"`);
    expect(result.stderr.length).toBeLessThan(300);
  });

  it('wraps the hub check endpoint error at words', async () => {
    const result = await runOnNarrowTerminal(['hub', 'check', '--stage', 'prepare', '--endpoint', 'notaurl']);
    const lines = result.stderr.trimEnd().split('\n');

    expect(result.code).toBe(2);
    expect(lines.every((line) => displayWidth(line) <= 39)).toBe(true);
    expect(result.stderr).toContain("Pass --endpoint or set HF_ENDPOINT to\nthe Hub's URL.");
  });
});
