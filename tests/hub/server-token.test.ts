import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseServerTokenProbe, SERVER_TOKEN_PROBE } from '../../src/hub/server-token.js';
import { stageTokenSource } from '../../src/hub/report.js';
import { formatHubReport } from '../../src/hub/format.js';
import { buildReport } from './report-builder.js';

const SERVER_TOKEN = 'hf_ServerSideTokenNeverPrinted0123zzzz';

let home: string;

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-server-token-'));
});

afterEach(() => {
  fs.rmSync(home, { recursive: true, force: true });
});

/** Runs the probe with `sh` and exactly `env` (plus PATH), as the runner's probe would on the server. */
function probe(env: NodeJS.ProcessEnv): string {
  const output = execFileSync('sh', ['-c', SERVER_TOKEN_PROBE], {
    env: { PATH: process.env.PATH, HOME: home, ...env },
    encoding: 'utf8',
  });
  expect(output).not.toContain(SERVER_TOKEN);
  return output;
}

function write(file: string, content: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

describe('SERVER_TOKEN_PROBE', () => {
  it('finds HF_TOKEN', () => {
    expect(probe({ HF_TOKEN: SERVER_TOKEN })).toBe('hf-token: env:HF_TOKEN\n');
  });

  it('ignores a blank HF_TOKEN', () => {
    expect(probe({ HF_TOKEN: ' \n', HUGGING_FACE_HUB_TOKEN: SERVER_TOKEN })).toBe('hf-token: env:HUGGING_FACE_HUB_TOKEN\n');
  });

  it('finds the HF_TOKEN_PATH file', () => {
    write(path.join(home, 'secret'), `${SERVER_TOKEN}\n`);
    expect(probe({ HF_TOKEN_PATH: '~/secret' })).toBe(`hf-token: file:${path.join(home, 'secret')}\n`);
  });

  it('finds HF_HOME/token', () => {
    const file = write(path.join(home, 'hf', 'token'), SERVER_TOKEN);
    expect(probe({ HF_HOME: path.join(home, 'hf') })).toBe(`hf-token: file:${file}\n`);
  });

  it('finds the XDG cache token', () => {
    const file = write(path.join(home, 'xdg', 'huggingface', 'token'), SERVER_TOKEN);
    expect(probe({ XDG_CACHE_HOME: path.join(home, 'xdg') })).toBe(`hf-token: file:${file}\n`);
  });

  it('finds the default token file', () => {
    const file = write(path.join(home, '.cache', 'huggingface', 'token'), SERVER_TOKEN);
    expect(probe({})).toBe(`hf-token: file:${file}\n`);
  });

  it('reports none for empty or directory files', () => {
    write(path.join(home, '.cache', 'huggingface', 'token'), '\n  \n');
    expect(probe({})).toBe('hf-token: none\n');

    fs.mkdirSync(path.join(home, 'hf', 'token'), { recursive: true });
    expect(probe({ HF_HOME: path.join(home, 'hf') })).toBe('hf-token: none\n');
  });
});

describe('parseServerTokenProbe', () => {
  it('parses each answer', () => {
    expect(parseServerTokenProbe('x\nhf-token: env:HF_TOKEN\n')).toEqual({ state: 'present', source: 'env:HF_TOKEN' });
    expect(parseServerTokenProbe('hf-token: none\n')).toEqual({ state: 'absent', source: null });
    expect(parseServerTokenProbe('sh: 1: tr: not found\n')).toEqual({ state: 'unknown', source: null });
  });
});

describe('server token precedence', () => {
  it('lets a server HF_TOKEN win', () => {
    expect(stageTokenSource(true, 'present', 'env:HF_TOKEN')).toBe('server');
    expect(stageTokenSource(true, 'present', 'file:/root/.cache/huggingface/token')).toBe('local');
  });

  it('warns that the server token overrides', () => {
    const report = buildReport({ serverToken: 'present', serverTokenSource: 'env:HF_TOKEN', stageToken: 'server' });
    const text = formatHubReport(report);

    expect(report.problems.map((problem) => problem.code)).toEqual(['server-token-overrides']);
    expect(report.ok).toBe(true);
    expect(text).toContain('Stage token: the stage uses the token configured on the GPU server (env:HF_TOKEN)');
    expect(text).toContain("Fix: Remove HF_TOKEN from the server's shell startup files");
  });
});
