import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunner } from '../../src/runner/runner.js';
import { SshConnectionError } from '../../src/runner/ssh-errors.js';
import { tempDir } from './helpers.js';
import { HOST_ALIAS, SshdHarness, skipSshTests } from './sshd-harness.js';

let harness: SshdHarness;

describe.skipIf(skipSshTests())('changed host key', () => {
  beforeAll(async () => {
    harness = await SshdHarness.start();
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it('is reported with the fix and never bypassed', async () => {
    const runner = createRunner(HOST_ALIAS, { configFile: harness.clientConfig, workDir: tempDir('hostkey'), connectTimeoutS: 5 });
    await expect(runner.list()).resolves.toEqual([]);

    await harness.regenerateHostKey();
    const error = await runner.list().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SshConnectionError);
    expect((error as SshConnectionError).kind).toBe('host-key-changed');
    expect((error as Error).message).toContain('The host key of mllm-test-gpu has changed');
    expect((error as Error).message).toContain('ssh-keygen -R <hostname>');
    // A second try must fail the same way: accept-new never replaces a changed key.
    await expect(runner.list()).rejects.toMatchObject({ kind: 'host-key-changed' });
  });
});
