import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/program.js';
import type { HubReport } from '../../src/hub/report.js';
import { DEBUG_ENV } from '../../src/util/debug.js';
import { startFakeHub, type FakeHub } from './fake-hub.js';
import { courseRepos, TOKENS, USERS } from './fixtures.js';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

let hub: FakeHub;
let home: string;
let debugLog: string;
let savedDebug: string | undefined;

beforeEach(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-command-'));
  debugLog = path.join(home, 'debug.log');
  // The debug logger reads the process environment, not the CLI context.
  savedDebug = process.env[DEBUG_ENV];
  process.env[DEBUG_ENV] = debugLog;
  hub = await startFakeHub({ repos: courseRepos(), users: USERS });
});

afterEach(async () => {
  if (savedDebug === undefined) {
    delete process.env[DEBUG_ENV];
  } else {
    process.env[DEBUG_ENV] = savedDebug;
  }
  await hub.close();
  fs.rmSync(home, { recursive: true, force: true });
});

/** Runs the CLI in-process with exactly `env` (no inherited HF_TOKEN), as if piped. */
async function run(args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const mode = { interactive: false, color: false, columns: 80, rows: 24 };

  const code = await runCli(['node', 'mllm-course', ...args], { stdin: Readable.from([]), stdout, stderr, env, mode });
  return { code, stdout: out, stderr: err };
}

function baseEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { HOME: home, HF_ENDPOINT: hub.url, ...extra };
}

function expectNoToken(result: Result, token: string): void {
  expect(result.stdout).not.toContain(token);
  expect(result.stderr).not.toContain(token);
  const log = fs.readFileSync(debugLog, 'utf8');
  expect(log).toContain('hub:');
  expect(log).not.toContain(token);
}

describe('hub check', () => {
  it('exits 0 when everything is accessible', async () => {
    const result = await run(['hub', 'check'], baseEnv({ HF_TOKEN: TOKENS.accepted }));

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Hugging Face: ok');
    expect(result.stdout).toContain('✓ Token hf_…wxyz from HF_TOKEN environment variable');
    expect(result.stdout).toContain('✓ google/medgemma-1.5-4b-it: access granted, gated (manual), 8.6 GB in 9 files');
    expectNoToken(result, TOKENS.accepted);
  });

  it('exits 1 for terms not accepted', async () => {
    const result = await run(['hub', 'check', '--stage', 'finetune'], baseEnv({ HF_TOKEN: TOKENS.notAccepted }));

    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✗ google/medgemma-1.5-4b-it: terms not accepted');
    expect(result.stdout).toContain(`Fix: Open ${hub.url}/google/medgemma-1.5-4b-it, log in as ben, and accept the terms.`);
    expectNoToken(result, TOKENS.notAccepted);
  });

  it('explains a fine-grained token', async () => {
    const tokenFile = path.join(home, 'token-file');
    fs.writeFileSync(tokenFile, `${TOKENS.fineGrained}\n`);

    const result = await run(['hub', 'check', '--stage', 'prepare'], baseEnv({ HF_TOKEN_PATH: tokenFile }));

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`Token hf_…efgh from ${tokenFile} (HF_TOKEN_PATH)`);
    expect(result.stdout).toContain('may NOT read gated repos');
    expect(result.stdout).toContain("enable 'Read access to contents of all public gated repos you can access'");
    expectNoToken(result, TOKENS.fineGrained);
  });

  it('exits 1 for a rejected token', async () => {
    const result = await run(['hub', 'check'], baseEnv({ HF_TOKEN: TOKENS.unknown }));

    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✗ Token hf_…mnop');
    expect(result.stdout).toContain('https://huggingface.co/settings/tokens');
    expectNoToken(result, TOKENS.unknown);
  });

  it('exits 1 without a token', async () => {
    const result = await run(['hub', 'check'], baseEnv());

    expect(result.code).toBe(1);
    expect(result.stdout).toContain('No token on this machine; the stage may still use a token configured on the GPU server');
  });

  it('prints a JSON report', async () => {
    const result = await run(['hub', 'check', '--json', '--stage', 'evaluate'], baseEnv({ HF_TOKEN: TOKENS.accepted }));
    const report = JSON.parse(result.stdout) as HubReport;

    expect(result.code).toBe(0);
    expect(report.stage).toBe('evaluate');
    expect(report.repos.map((repo) => repo.id)).toEqual(['StanfordAIMI/GREEN-radllama2-7b', 'rajpurkarlab/medgemma-4b-it-crimson']);
    expect(report.token.masked).toBe('hf_…wxyz');
    expectNoToken(result, TOKENS.accepted);
  });

  it('uses --endpoint over HF_ENDPOINT', async () => {
    const result = await run(
      ['hub', 'check', '--stage', 'prepare', '--endpoint', hub.url],
      baseEnv({ HF_TOKEN: TOKENS.accepted, HF_ENDPOINT: 'http://127.0.0.1:9' }),
    );

    expect(result.code).toBe(0);
    expect(hub.requests.length).toBeGreaterThan(0);
  });

  it('exits 3 when the Hub is unreachable', async () => {
    await hub.close();

    const result = await run(['hub', 'check'], baseEnv({ HF_TOKEN: TOKENS.accepted }));

    expect(result.code).toBe(3);
    expect(result.stdout).toContain(`! Hub not reached at ${hub.url}`);
    expect(result.stdout).toContain('Token hf_…wxyz from HF_TOKEN environment variable');
    expect(result.stdout).toContain('the GPU server may already have the files cached');
    expectNoToken(result, TOKENS.accepted);
  });

  it('exits 2 for an unknown stage', async () => {
    const result = await run(['hub', 'check', '--stage', 'train'], baseEnv());

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('expected one of prepare, finetune, infer, evaluate, all');
  });

  it('exits 2 for an invalid endpoint', async () => {
    const result = await run(['hub', 'check', '--endpoint', 'ftp://example.org'], baseEnv());

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Invalid Hub endpoint "ftp://example.org"');
  });

  it('exits 2 for an empty endpoint', async () => {
    const result = await run(['hub', 'check', '--endpoint', ''], baseEnv());

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Invalid Hub endpoint ""');
  });

  it('exits 2 for an endpoint with a password', async () => {
    const result = await run(['hub', 'check', '--endpoint', 'http://user:secret-pass@127.0.0.1:9'], baseEnv());

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('must not contain a user name or password');
    expect(result.stderr + result.stdout).not.toContain('secret-pass');
  });

  it('documents the exit codes', async () => {
    const result = await run(['hub', 'check', '--help'], baseEnv());

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Exit codes:');
    expect(result.stdout).toContain('3  the Hub was not reached (network error, timeout or HF_HUB_OFFLINE)');
  });
});
