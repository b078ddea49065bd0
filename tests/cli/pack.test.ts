import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { packageVersion } from '../../src/program.js';

/**
 * What `npx mllm-course` does: pack the project, install the tarball into an empty folder and run the
 * installed binary. Needs `npm run build` first (`npm test` does it). The install prefers the local npm
 * cache and queries the registry only for packages missing from it.
 */

const ROOT = path.resolve('.');
const INSTALL_TIMEOUT_MS = 180_000;
const ESCAPE = /\u001B/;

let work: string;
let app: string;
let files: string[];

beforeAll(async () => {
  expect(fs.existsSync(path.join(ROOT, 'dist', 'cli.js')), 'dist/cli.js is missing: run `npm run build` first').toBe(true);

  work = fs.mkdtempSync(path.join(os.tmpdir(), 'mllm-course-pack-'));
  app = path.join(work, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'pack-check', version: '1.0.0', private: true }));

  const packed = await execa('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT });
  const [entry] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  files = entry!.files.map((file) => file.path);

  await execa('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', path.join(work, entry!.filename)], {
    cwd: app,
    timeout: INSTALL_TIMEOUT_MS,
  });
}, INSTALL_TIMEOUT_MS + 60_000);

afterAll(() => {
  if (work) {
    fs.rmSync(work, { recursive: true, force: true });
  }
});

function runInstalled(args: string[]): Promise<{ exitCode?: number; stdout: string; stderr: string }> {
  return execa(path.join(app, 'node_modules', '.bin', 'mllm-course'), args, {
    cwd: app,
    env: { MLLM_COURSE_CONFIG_DIR: path.join(work, 'config') },
    reject: false,
  });
}

describe('npm pack', () => {
  test('tarball ships the runtime files', () => {
    expect(files).toContain('dist/cli.js');
    expect(files).toContain('package.json');
    expect(files).toContain('lessons/02-architecture.md');
    expect(files.filter((file) => /^lessons\/0[1-8]-.+\.md$/.test(file))).toHaveLength(8);
    expect(files.some((file) => file.startsWith('lessons/diagrams/'))).toBe(true);
    expect(files.some((file) => file.startsWith('src/'))).toBe(false);
    expect(files.some((file) => file.startsWith('tests/'))).toBe(false);
  });

  test('installed --version', async () => {
    const result = await runInstalled(['--version']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toBe(packageVersion());
  });

  test('installed read 02', async () => {
    const result = await runInstalled(['read', '02']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('Lesson 02 · Model architecture');
    expect(result.stdout).toContain('## References');
    expect(result.stdout).not.toMatch(ESCAPE);
  });
});
