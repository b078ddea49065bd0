import { collectProblems } from '../../src/hub/problems.js';
import type { HubReport, RepoReport } from '../../src/hub/report.js';

/** Builds a report by hand, computing problems and `ok` the way `checkHubAccess` does. */
export function buildReport(overrides: Partial<Omit<HubReport, 'problems' | 'ok'>> = {}): HubReport {
  const partial: Omit<HubReport, 'problems' | 'ok'> = {
    stage: 'finetune',
    endpoint: 'https://huggingface.co',
    checkedAt: '2026-12-04T20:00:00.000Z',
    offline: false,
    offlineReason: null,
    token: {
      found: true,
      source: { kind: 'env:HF_TOKEN', label: 'HF_TOKEN environment variable' },
      masked: 'hf_…wxyz',
      skipped: [],
      huggingfaceHubFile: '/home/ana/.cache/huggingface/token',
      note: null,
    },
    account: { name: 'ana', type: 'user', tokenName: 'course', tokenRole: 'read', canReadGatedRepos: null },
    tokenRejected: false,
    serverToken: 'unknown',
    serverTokenSource: null,
    stageToken: 'local',
    repos: [medgemma()],
    downloadBytes: 8_640_000_000,
    disk: null,
    ...overrides,
  };
  const problems = collectProblems(partial);
  return { ...partial, problems, ok: problems.every((problem) => problem.severity !== 'error') };
}

export function medgemma(overrides: Partial<RepoReport> = {}): RepoReport {
  return {
    id: 'google/medgemma-1.5-4b-it',
    type: 'model',
    url: 'https://huggingface.co/google/medgemma-1.5-4b-it',
    purpose: 'MedGemma 1.5 4B, the model fine-tuned and compared',
    stages: ['finetune', 'infer'],
    access: 'granted',
    gated: 'manual',
    private: false,
    files: 9,
    downloadBytes: 8_640_000_000,
    detail: null,
    ...overrides,
  };
}
