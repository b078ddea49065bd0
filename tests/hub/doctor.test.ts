import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hubDoctorSection } from '../../src/hub/doctor.js';
import { startFakeHub, type FakeHub } from './fake-hub.js';
import { courseRepos, TOKENS, USERS } from './fixtures.js';

let hub: FakeHub;
let home: string;

beforeEach(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-doctor-'));
  hub = await startFakeHub({ repos: courseRepos(), users: USERS });
});

afterEach(async () => {
  await hub.close();
  fs.rmSync(home, { recursive: true, force: true });
});

describe('hubDoctorSection', () => {
  it('returns an ok section', async () => {
    const section = await hubDoctorSection({ env: { HOME: home, HF_TOKEN: TOKENS.accepted }, endpoint: hub.url });

    expect(section.title).toBe('Hugging Face');
    expect(section.status).toBe('ok');
    expect(section.report.repos).toHaveLength(4);
    expect(section.lines[0]).toEqual({ tone: 'ok', depth: 0, text: 'Token hf_…wxyz from HF_TOKEN environment variable' });
  });

  it('warns when the Hub is unreachable', async () => {
    await hub.close();

    const section = await hubDoctorSection({ env: { HOME: home, HF_TOKEN: TOKENS.accepted }, endpoint: hub.url });

    expect(section.status).toBe('warning');
    expect(section.report.offline).toBe(true);
    expect(JSON.stringify(section)).not.toContain(TOKENS.accepted);
  });

  it('sets sizes against the runner free disk', async () => {
    const section = await hubDoctorSection({
      stage: 'evaluate',
      env: { HOME: home, HF_TOKEN: TOKENS.accepted },
      endpoint: hub.url,
      freeDiskBytes: 10e9,
    });

    expect(section.status).toBe('error');
    expect(section.lines.some((line) => line.text === 'Disk: needs 21.2 GB, 10.0 GB free: not enough space')).toBe(true);
  });
});
