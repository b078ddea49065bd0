import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { packageVersion, runCli } from '../../src/program.js';
import { resolveMode } from '../../src/util/mode.js';
import { displayWidth } from '../../src/util/width.js';
import { runCliPiped } from '../helpers/run-cli.js';

const ESCAPE = /\u001B/;
const CLI = path.resolve('dist/cli.js');

let dir: string;
let env: NodeJS.ProcessEnv;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mllm-course-cli-'));
  env = { MLLM_COURSE_CONFIG_DIR: dir };
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs in-process with a stdout that claims to be a terminal, to check what turns colour off. */
async function runOnTerminal(args: string[], extraEnv: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string }> {
  const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 80, rows: 24 });
  let text = '';
  stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const stdin = Object.assign(Readable.from([]), { isTTY: false });
  const fullEnv = { ...process.env, ...env, ...extraEnv };
  const mode = resolveMode(stdin, stdout, fullEnv);
  const code = await runCli(['node', 'mllm-course', ...args], { stdin, stdout, stderr: new PassThrough(), env: fullEnv, mode });
  return { code, stdout: text };
}

describe('list', () => {
  test('piped outline has no escapes', async () => {
    const result = await runCliPiped(['list'], { env });

    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(ESCAPE);
    expect(result.stdout).toContain('01  · new');
    expect(result.stdout).toContain('08  · new');
    expect(result.stdout).toContain('[hands-on: finetune]');
    expect(result.stdout).toContain('Lessons read: 0/8');
  });

  test('shows read lessons', async () => {
    await runCliPiped(['read', '02'], { env });
    const result = await runCliPiped(['list'], { env });

    expect(result.stdout).toContain('02  ✓ read');
    expect(result.stdout).toContain('Lessons read: 1/8');
    expect(result.stdout).toContain('Continue with lesson 03: mllm-course read data-preparation');
  });
});

describe('read', () => {
  test('piped lesson has no escapes', async () => {
    const result = await runCliPiped(['read', '02'], { env });

    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(ESCAPE);
    expect(result.stdout).toContain('Lesson 02 · Model architecture');
    expect(result.stdout).toContain('## References');
  });

  test('slug and number both work', async () => {
    const bySlug = await runCliPiped(['read', 'fine-tuning'], { env });
    const byNumber = await runCliPiped(['read', '4'], { env });

    expect(bySlug.code).toBe(0);
    expect(bySlug.stdout).toBe(byNumber.stdout);
    expect(bySlug.stdout).toContain('Hands-on: Fine-tune with QLoRA');
    expect(bySlug.stdout).toContain('mllm-course run finetune');
  });

  test('fits 60 columns', async () => {
    for (const lesson of ['01', '02', '03', '04', '05', '06', '07', '08']) {
      const result = await runCliPiped(['read', lesson], { env, columns: 60 });
      const tooWide = result.stdout.split('\n').filter((line) => displayWidth(line) > 60);
      expect(tooWide, `lesson ${lesson}`).toEqual([]);
    }
  });

  test('unknown lesson exits 2', async () => {
    const result = await runCliPiped(['read', 'nope'], { env });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('No lesson matches "nope"');
    expect(result.stderr).toContain('02 architecture');
  });

  test('terminal output is coloured', async () => {
    const result = await runOnTerminal(['read', '02'], { NO_COLOR: '', TERM: 'xterm-256color' });
    expect(result.stdout).toMatch(ESCAPE);
  });

  test('NO_COLOR removes escapes', async () => {
    const result = await runOnTerminal(['read', '02'], { NO_COLOR: '1', TERM: 'xterm-256color' });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(ESCAPE);
  });

  test('TERM=dumb removes escapes', async () => {
    const result = await runOnTerminal(['read', '02'], { NO_COLOR: '', TERM: 'dumb' });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(ESCAPE);
  });
});

describe('help', () => {
  test('read --help text', async () => {
    const result = await runCliPiped(['read', '--help'], { env });

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'Usage: mllm-course read [options] <lesson>',
        '',
        'print a lesson as text and mark it as read',
        '',
        'Arguments:',
        '  lesson      lesson number (1-8 or 01-08) or slug, such as 02 or architecture',
        '',
        'Options:',
        '  -h, --help  show help for a command',
        '',
      ].join('\n'),
    );
  });

  test('reset --help text', async () => {
    const result = await runCliPiped(['reset', '--help'], { env });

    expect(result.stdout).toBe(
      [
        'Usage: mllm-course reset [options] [lesson]',
        '',
        'forget which lessons you read and where you stopped (asks first)',
        '',
        'Arguments:',
        '  lesson      reset only this lesson (number or slug)',
        '',
        'Options:',
        '  -y, --yes   reset without asking',
        '  -h, --help  show help for a command',
        '',
      ].join('\n'),
    );
  });

  test('root help lists lesson commands', async () => {
    const result = await runCliPiped(['--help'], { env });

    expect(result.stdout).toMatch(/^ {2}tutor {2,}open the interactive tutor/m);
    expect(result.stdout).toMatch(/^ {2}list {2,}print the lessons with your progress$/m);
    expect(result.stdout).toMatch(/^ {2}read <lesson> {2,}print a lesson as text and mark it as read$/m);
    expect(result.stdout).toMatch(/^ {2}reset \[options\] \[lesson\] {2,}forget which lessons/m);
  });
});

describe('default action', () => {
  test('unknown command exits 2', async () => {
    const result = await runCliPiped(['lesson', '02'], { env });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown command "lesson"');
    expect(result.stderr).toContain('mllm-course --help');
    expect(result.stdout).toBe('');
  });

  test('piped without command prints outline', async () => {
    const result = await runCliPiped([], { env });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('01  · new');
    expect(result.stdout).toContain('This terminal is not interactive');
  });
});

describe('reset', () => {
  test('--yes resets without asking', async () => {
    await runCliPiped(['read', '01'], { env });
    const result = await runCliPiped(['reset', '--yes'], { env });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Reset the progress of all 8 lessons');
    expect((await runCliPiped(['list'], { env })).stdout).toContain('Lessons read: 0/8');
  });

  test('asks and accepts y', async () => {
    await runCliPiped(['read', '01'], { env });
    const result = await runCliPiped(['reset'], { env, input: 'y\n' });

    expect(result.stdout).toContain('[y/N]');
    expect(result.stdout).toContain('Reset the progress');
    expect((await runCliPiped(['list'], { env })).stdout).toContain('Lessons read: 0/8');
  });

  test('declined reset keeps progress', async () => {
    await runCliPiped(['read', '01'], { env });
    const result = await runCliPiped(['reset'], { env, input: 'n\n' });

    expect(result.stdout).toContain('Nothing was reset.');
    expect((await runCliPiped(['list'], { env })).stdout).toContain('Lessons read: 1/8');
  });

  test('no answer resets nothing', async () => {
    await runCliPiped(['read', '01'], { env });
    const result = await runCliPiped(['reset'], { env });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('mllm-course reset --yes');
    expect((await runCliPiped(['list'], { env })).stdout).toContain('Lessons read: 1/8');
  });

  test('one lesson only', async () => {
    await runCliPiped(['read', '01'], { env });
    await runCliPiped(['read', '02'], { env });
    await runCliPiped(['reset', '02', '--yes'], { env });

    const list = (await runCliPiped(['list'], { env })).stdout;
    expect(list).toContain('01  ✓ read');
    expect(list).toContain('02  · new');
  });
});

describe('progress problems', () => {
  test('corrupt store is reported', async () => {
    fs.writeFileSync(path.join(dir, 'progress.json'), 'not json at all');
    const result = await runCliPiped(['list'], { env });

    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Warning: The progress file');
    const backup = fs.readdirSync(dir).find((name) => name.startsWith('progress.corrupt-'));
    expect(backup).toBeDefined();
    expect(result.stderr).toContain(path.join(dir, backup!));
  });

  test('unwritable folder warns', async () => {
    const blocked = path.join(dir, 'file-not-folder');
    fs.writeFileSync(blocked, '');
    const result = await runCliPiped(['read', '02'], { env: { MLLM_COURSE_CONFIG_DIR: path.join(blocked, 'inner') } });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Lesson 02');
    expect(result.stderr).toContain('Warning:');
  });
});

describe('built CLI without a terminal', () => {
  test('no command prints the outline', async () => {
    const result = await execa('node', [CLI], { env: { ...env, CI: '' }, stdin: 'ignore', reject: false });

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('01  · new');
    expect(result.stdout).toContain('mllm-course read 01');
    expect(result.stdout).not.toMatch(ESCAPE);
    expect(result.stderr).not.toContain('Raw mode');
  });

  test('piped stdin does not crash', async () => {
    const result = await execa('node', [CLI], { env, input: 'q\n', reject: false });

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('This terminal is not interactive');
  });

  test('read ignores FORCE_COLOR when piped', async () => {
    const result = await execa('node', [CLI, 'read', '02'], { env: { ...env, FORCE_COLOR: '3' }, reject: false });

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Lesson 02');
    expect(result.stdout).not.toMatch(ESCAPE);
  });

  test('--version prints the version', async () => {
    const result = await execa('node', [CLI, '--version'], { env });
    expect(result.stdout.trim()).toBe(packageVersion());
  });
});
