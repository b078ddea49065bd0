import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_ALIAS, SshdHarness, skipSshTests } from '../runner/sshd-harness.js';
import { runCliPiped } from '../helpers/run-cli.js';

/** `results --host` copies the result files from an SSH target (a real sshd on 127.0.0.1) and prints them. */
let harness: SshdHarness | undefined;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mllm-results-remote-'));
const work = path.join(root, 'work');
const cache = path.join(root, 'cache');
const config = path.join(root, 'config');

function env(): NodeJS.ProcessEnv {
  return { MLLM_COURSE_CONFIG_DIR: config, MLLM_COURSE_SSH_CONFIG: harness!.clientConfig, XDG_CACHE_HOME: cache };
}

describe.skipIf(skipSshTests())('results from an ssh target', () => {
  beforeAll(async () => {
    harness = await SshdHarness.start();
    fs.mkdirSync(path.join(work, 'out', 'infer'), { recursive: true });
    fs.mkdirSync(path.join(work, 'out', 'evaluate'), { recursive: true });
    fs.writeFileSync(
      path.join(work, 'out', 'infer', 'predictions.jsonl'),
      `${JSON.stringify({ id: 'remote-1', image: '/srv/1-0.png', question: 'Describe the lungs.', reference: 'Clear lungs.', base: 'Lungs clear.', finetuned: 'Clear lungs.' })}\n`,
    );
    fs.writeFileSync(
      path.join(work, 'out', 'evaluate', 'scores.json'),
      JSON.stringify({ metrics: { crimson: { base: { mean: 0.5, n: 1, parse_failures: 0 }, finetuned: { mean: 1, n: 1, parse_failures: 0 } } }, judges: { crimson: { ran: true } } }),
    );
  });

  afterAll(async () => {
    await harness?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('copies and prints the remote results', async () => {
    const result = await runCliPiped(['results', '--host', HOST_ALIAS, '--work-dir', work], { env: env() });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Results in ${HOST_ALIAS}:${path.join(work, 'out')}`);
    expect(result.stdout).toContain('Sample 1 of 1: remote-1');
    expect(result.stdout).toContain('crimson   finetuned  1.000');
  });

  it('drops a file the target no longer has from the copy', async () => {
    fs.rmSync(path.join(work, 'out', 'evaluate', 'scores.json'));

    const result = await runCliPiped(['results', '--host', HOST_ALIAS, '--work-dir', work], { env: env() });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Sample 1 of 1: remote-1');
    expect(result.stdout).toContain('No scores yet');
  });

  it('says where nothing was found', async () => {
    const result = await runCliPiped(['results', '--host', HOST_ALIAS, '--work-dir', work, '--out', 'missing'], { env: env() });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`no results in ${HOST_ALIAS}:${path.join(work, 'missing')}`);
  });
});
