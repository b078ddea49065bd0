import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkHubAccess, InvalidEndpointError, resolveEndpoint } from '../../src/hub/check.js';
import type { HubReport, RepoReport } from '../../src/hub/report.js';
import { startFakeHub, type FakeHub, type FakeRepo } from './fake-hub.js';
import { courseRepos, EXPECTED_BYTES, TOKENS, USERS } from './fixtures.js';

let hub: FakeHub;
let home: string;

beforeEach(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-check-'));
  // A page size of 3 makes every listing span several pages, as large repositories do on the Hub.
  hub = await startFakeHub({ repos: courseRepos(), users: USERS, pageSize: 3 });
});

afterEach(async () => {
  // Whatever the case, no token may reach the Hub in a URL, a body or a header other than Authorization.
  for (const request of hub.requests) {
    for (const token of Object.values(TOKENS)) {
      expect(request.url).not.toContain(token);
      expect(request.body).not.toContain(token);
      expect(JSON.stringify(request.headers)).not.toContain(token);
    }
  }
  await hub.close();
  fs.rmSync(home, { recursive: true, force: true });
});

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { HOME: home, HF_ENDPOINT: hub.url, ...extra };
}

function repo(report: HubReport, id: string): RepoReport {
  const found = report.repos.find((item) => item.id === id);
  if (!found) {
    throw new Error(`repository ${id} missing from the report`);
  }
  return found;
}

/** Asserts that the token travelled only in the Authorization header, never in a URL or a body. */
function expectTokenOnlyInAuthorization(token: string): void {
  expect(hub.requests.length).toBeGreaterThan(0);
  for (const request of hub.requests) {
    expect(request.url).not.toContain(token);
    expect(request.body).not.toContain(token);
    expect(JSON.stringify(request.headers)).not.toContain(token);
    if (request.authorization !== undefined) {
      expect(request.authorization).toBe(`Bearer ${token}`);
    }
  }
}

describe('checkHubAccess', () => {
  it('grants access and sums download sizes', async () => {
    const report = await checkHubAccess({ env: env({ HF_TOKEN: TOKENS.accepted }) });

    expect(report.ok).toBe(true);
    expect(report.offline).toBe(false);
    expect(report.problems).toEqual([]);
    expect(report.account?.name).toBe('ana');
    expect(report.account?.tokenRole).toBe('read');
    expect(report.token.masked).toBe('hf_…wxyz');
    expect(report.stageToken).toBe('local');
    expect(report.repos.map((item) => item.access)).toEqual(['granted', 'granted', 'granted', 'granted']);

    expect(repo(report, 'FLARE-MedFM/FLARE-MLLM-2D').downloadBytes).toBe(EXPECTED_BYTES.dataset);
    expect(repo(report, 'FLARE-MedFM/FLARE-MLLM-2D').files).toBe(4);
    expect(repo(report, 'google/medgemma-1.5-4b-it').downloadBytes).toBe(EXPECTED_BYTES.medgemma);
    expect(repo(report, 'google/medgemma-1.5-4b-it').gated).toBe('manual');
    expect(repo(report, 'StanfordAIMI/GREEN-radllama2-7b').downloadBytes).toBe(EXPECTED_BYTES.green);
    expect(repo(report, 'StanfordAIMI/GREEN-radllama2-7b').gated).toBe(false);
    expect(repo(report, 'rajpurkarlab/medgemma-4b-it-crimson').downloadBytes).toBe(EXPECTED_BYTES.crimson);
    expect(report.downloadBytes).toBe(
      EXPECTED_BYTES.dataset + EXPECTED_BYTES.medgemma + EXPECTED_BYTES.green + EXPECTED_BYTES.crimson,
    );
    expectTokenOnlyInAuthorization(TOKENS.accepted);
  });

  it('probes the smallest regular file', async () => {
    await checkHubAccess({ env: env({ HF_TOKEN: TOKENS.accepted }) });

    const probes = hub.requests.filter((request) => request.url.includes('/resolve/')).map((request) => request.url);
    expect(probes.sort()).toEqual([
      '/StanfordAIMI/GREEN-radllama2-7b/resolve/main/special_tokens_map.json',
      // Every file of the data set is in LFS, so the smallest LFS file is probed.
      '/datasets/FLARE-MedFM/FLARE-MLLM-2D/resolve/main/validation-public/Xray/IU_XRay/IU_XRay_questions_val.json',
      '/google/medgemma-1.5-4b-it/resolve/main/preprocessor_config.json',
      '/rajpurkarlab/medgemma-4b-it-crimson/resolve/main/config.json',
    ]);
  });

  it('accepts a download it cannot parse', async () => {
    await hub.close();
    hub = await startFakeHub({ repos: courseRepos(), users: USERS, omitEtag: true });

    const report = await checkHubAccess({ stage: 'finetune', env: env({ HF_TOKEN: TOKENS.accepted }) });

    expect(repo(report, 'google/medgemma-1.5-4b-it').access).toBe('granted');
  });

  it('follows tree pagination links', async () => {
    await checkHubAccess({ stage: 'finetune', env: env({ HF_TOKEN: TOKENS.accepted }) });

    const treePages = hub.requests.filter((request) => request.url.includes('/tree/'));
    expect(treePages.length).toBeGreaterThan(1);
    expect(treePages.some((request) => request.url.includes('cursor='))).toBe(true);
  });

  it('checks only the stage repositories', async () => {
    const report = await checkHubAccess({ stage: 'prepare', env: env({ HF_TOKEN: TOKENS.accepted }) });

    expect(report.repos.map((item) => item.id)).toEqual(['FLARE-MedFM/FLARE-MLLM-2D']);
    expect(report.stage).toBe('prepare');
    // The data set is listed folder by folder, never as a whole.
    const listings = hub.requests.filter((request) => request.url.includes('/tree/'));
    expect(listings.every((request) => request.url.includes('/Xray/IU_XRay'))).toBe(true);
  });

  it('reports gated terms not accepted', async () => {
    const report = await checkHubAccess({ env: env({ HF_TOKEN: TOKENS.notAccepted }) });
    const medgemma = repo(report, 'google/medgemma-1.5-4b-it');

    expect(report.ok).toBe(false);
    expect(medgemma.access).toBe('not-accepted');
    expect(repo(report, 'FLARE-MedFM/FLARE-MLLM-2D').access).toBe('granted');
    const problem = report.problems.find((item) => item.repo === 'google/medgemma-1.5-4b-it');
    expect(problem?.code).toBe('not-accepted');
    expect(problem?.severity).toBe('error');
    expect(problem?.url).toBe(`${hub.url}/google/medgemma-1.5-4b-it`);
    expect(problem?.fix).toBe(`Open ${hub.url}/google/medgemma-1.5-4b-it, log in as ben, and accept the terms.`);
    expectTokenOnlyInAuthorization(TOKENS.notAccepted);
  });

  it('reports a pending access request', async () => {
    const report = await checkHubAccess({ stage: 'finetune', env: env({ HF_TOKEN: TOKENS.pending }) });

    expect(repo(report, 'google/medgemma-1.5-4b-it').access).toBe('pending');
    expect(report.problems[0]?.code).toBe('pending');
  });

  it('recognises a fine-grained token without gated read', async () => {
    const report = await checkHubAccess({ env: env({ HF_TOKEN: TOKENS.fineGrained }) });

    expect(report.account?.tokenRole).toBe('fineGrained');
    expect(report.account?.canReadGatedRepos).toBe(false);
    expect(repo(report, 'google/medgemma-1.5-4b-it').access).toBe('fine-grained');
    expect(repo(report, 'FLARE-MedFM/FLARE-MLLM-2D').access).toBe('fine-grained');
    expect(repo(report, 'StanfordAIMI/GREEN-radllama2-7b').access).toBe('granted');
    const problem = report.problems.find((item) => item.repo === 'FLARE-MedFM/FLARE-MLLM-2D');
    expect(problem?.url).toBe(`${hub.url}/datasets/FLARE-MedFM/FLARE-MLLM-2D`);
    expect(problem?.fix).toContain("enable 'Read access to contents of all public gated repos you can access'");
    expect(problem?.fix).toContain('https://huggingface.co/settings/tokens');
  });

  it('recognises the fine-grained 403 message alone', async () => {
    // Without whoami's canReadGatedRepos field, the classification rests on the 403 message.
    const users = USERS.map((user) => (user.token === TOKENS.fineGrained ? { ...user, omitFineGrainedDetails: true } : user));
    await hub.close();
    hub = await startFakeHub({ repos: courseRepos(), users });

    const report = await checkHubAccess({ stage: 'finetune', env: env({ HF_TOKEN: TOKENS.fineGrained }) });

    expect(report.account?.canReadGatedRepos).toBeNull();
    expect(repo(report, 'google/medgemma-1.5-4b-it').access).toBe('fine-grained');
  });

  it('reports a token the Hub rejects', async () => {
    const report = await checkHubAccess({ env: env({ HF_TOKEN: TOKENS.unknown }) });

    expect(report.tokenRejected).toBe(true);
    expect(report.account).toBeNull();
    expect(report.ok).toBe(false);
    expect(report.problems.some((item) => item.code === 'invalid-token' && item.repo === null)).toBe(true);
    expect(repo(report, 'google/medgemma-1.5-4b-it').access).toBe('invalid-token');
    expect(repo(report, 'StanfordAIMI/GREEN-radllama2-7b').access).toBe('granted');
    // After whoami's 401 the rejected token is not sent again.
    const withToken = hub.requests.filter((request) => request.authorization !== undefined);
    expect(withToken.map((request) => request.url)).toEqual(['/api/whoami-v2']);
  });

  it('rejects a token without the hf_ prefix', async () => {
    const report = await checkHubAccess({ env: env({ HF_TOKEN: 'not-a-hub-token-1234' }) });

    expect(report.tokenRejected).toBe(true);
    expect(hub.requests.every((request) => request.authorization === undefined)).toBe(true);
    expect(report.problems.some((item) => item.code === 'invalid-token')).toBe(true);
  });

  it('reports gated repositories without a token', async () => {
    const report = await checkHubAccess({ env: env() });

    expect(report.token.found).toBe(false);
    expect(report.stageToken).toBe('unknown');
    expect(report.ok).toBe(false);
    expect(repo(report, 'google/medgemma-1.5-4b-it').access).toBe('needs-token');
    expect(repo(report, 'StanfordAIMI/GREEN-radllama2-7b').access).toBe('granted');
    const noToken = report.problems.find((item) => item.code === 'no-token');
    expect(noToken?.severity).toBe('error');
    expect(noToken?.message).toContain('may still use a token configured on the GPU server');
    expect(noToken?.fix).toContain('https://huggingface.co/settings/tokens');
    expect(hub.requests.every((request) => request.authorization === undefined)).toBe(true);
  });

  it('relies on a server token when present', async () => {
    const report = await checkHubAccess({ env: env(), serverToken: 'present' });

    expect(report.stageToken).toBe('server');
    expect(report.ok).toBe(true);
    expect(report.problems.length).toBeGreaterThan(0);
    expect(report.problems.every((item) => item.severity === 'warning')).toBe(true);
  });

  it('reports no token anywhere as an error', async () => {
    const report = await checkHubAccess({ env: env(), serverToken: 'absent' });

    expect(report.stageToken).toBe('none');
    expect(report.problems.find((item) => item.code === 'no-token')?.severity).toBe('error');
  });

  it('reports a missing repository', async () => {
    const repos = courseRepos().filter((item) => item.id !== 'rajpurkarlab/medgemma-4b-it-crimson');
    await hub.close();
    hub = await startFakeHub({ repos, users: USERS });

    const report = await checkHubAccess({ stage: 'evaluate', env: env({ HF_TOKEN: TOKENS.accepted }) });
    const crimson = repo(report, 'rajpurkarlab/medgemma-4b-it-crimson');

    expect(crimson.access).toBe('not-found');
    expect(crimson.detail).toContain('404');
    const problem = report.problems.find((item) => item.code === 'not-found');
    expect(problem?.url).toBe(`${hub.url}/rajpurkarlab/medgemma-4b-it-crimson`);
    expect(report.downloadBytes).toBeNull();
  });

  it('reports a missing data set folder', async () => {
    const repos: FakeRepo[] = courseRepos().map((item) =>
      item.type === 'dataset'
        ? { ...item, files: item.files.filter((file) => !file.path.startsWith('validation-public/Xray/IU_XRay')) }
        : item,
    );
    await hub.close();
    hub = await startFakeHub({ repos, users: USERS });

    const report = await checkHubAccess({ stage: 'prepare', env: env({ HF_TOKEN: TOKENS.accepted }) });

    expect(repo(report, 'FLARE-MedFM/FLARE-MLLM-2D').access).toBe('path-missing');
    expect(report.problems[0]?.code).toBe('path-missing');
  });

  it('reports a missing folder without error code', async () => {
    const repos: FakeRepo[] = courseRepos().map((item) =>
      item.type === 'dataset' ? { ...item, files: item.files.filter((file) => !file.path.startsWith('training/Xray')) } : item,
    );
    await hub.close();
    hub = await startFakeHub({ repos, users: USERS, omitEntryErrorCode: true });

    const report = await checkHubAccess({ stage: 'prepare', env: env({ HF_TOKEN: TOKENS.accepted }) });

    expect(repo(report, 'FLARE-MedFM/FLARE-MLLM-2D').access).toBe('path-missing');
    expect(repo(report, 'FLARE-MedFM/FLARE-MLLM-2D').detail).toContain('Entry not found: training/Xray/IU_XRay');
  });

  it('sets download size against free disk', async () => {
    const tight = await checkHubAccess({ stage: 'prepare', env: env({ HF_TOKEN: TOKENS.accepted }), freeDiskBytes: 50_000_000 });

    expect(tight.disk?.enough).toBe(false);
    expect(tight.disk?.summary).toBe('needs 0.11 GB, 0.05 GB free');
    expect(tight.ok).toBe(false);
    expect(tight.problems.map((item) => item.code)).toEqual(['disk-space']);

    const roomy = await checkHubAccess({ stage: 'prepare', env: env({ HF_TOKEN: TOKENS.accepted }), freeDiskBytes: 200e9 });
    expect(roomy.disk?.enough).toBe(true);
    expect(roomy.ok).toBe(true);
  });

  it('returns an offline report when the Hub is down', async () => {
    await hub.close();

    const report = await checkHubAccess({ env: env({ HF_TOKEN: TOKENS.accepted }) });

    expect(report.offline).toBe(true);
    expect(report.offlineReason).toContain('ECONNREFUSED');
    expect(report.token.found).toBe(true);
    expect(report.token.masked).toBe('hf_…wxyz');
    expect(report.repos.every((item) => item.access === 'unchecked')).toBe(true);
    expect(report.problems.find((item) => item.code === 'offline')?.severity).toBe('warning');
    expect(report.ok).toBe(true);
  });

  it('returns an offline report without a token', async () => {
    await hub.close();

    const report = await checkHubAccess({ env: env() });

    expect(report.offline).toBe(true);
    expect(report.repos.every((item) => item.access === 'unchecked')).toBe(true);
  });

  it('stays offline under HF_HUB_OFFLINE', async () => {
    const report = await checkHubAccess({ env: env({ HF_TOKEN: TOKENS.accepted, HF_HUB_OFFLINE: 'true' }) });

    expect(report.offline).toBe(true);
    expect(report.offlineReason).toBe('HF_HUB_OFFLINE is set, so the Hub was not contacted');
    expect(hub.requests).toEqual([]);
    expect(report.token.masked).toBe('hf_…wxyz');
  });

  it('treats a Hub that never answers as offline', async () => {
    const silent = http.createServer(() => {
      // Never responds, like a firewall that drops packets.
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;

    try {
      const report = await checkHubAccess({ env: env({ HF_TOKEN: TOKENS.accepted }), endpoint: url, timeoutMs: 300 });
      expect(report.offline).toBe(true);
      expect(report.offlineReason).toContain('timed out');
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('resolveEndpoint', () => {
  it('prefers the explicit endpoint', () => {
    expect(resolveEndpoint('http://127.0.0.1:9/', { HF_ENDPOINT: 'https://mirror.example' })).toBe('http://127.0.0.1:9');
  });

  it('falls back to HF_ENDPOINT, then the Hub', () => {
    expect(resolveEndpoint(undefined, { HF_ENDPOINT: 'https://mirror.example/' })).toBe('https://mirror.example');
    expect(resolveEndpoint(undefined, {})).toBe('https://huggingface.co');
  });

  it('rejects a non-http endpoint', () => {
    expect(() => resolveEndpoint('ftp://example.org', {})).toThrow(InvalidEndpointError);
    expect(() => resolveEndpoint('not a url', {})).toThrow(/Invalid Hub endpoint "not a url"/);
  });
});
