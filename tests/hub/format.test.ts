import { describe, expect, it } from 'vitest';
import { formatHubReport, hubSection } from '../../src/hub/format.js';
import { checkDiskSpace, formatGigabytes, stageTokenSource } from '../../src/hub/report.js';
import { buildReport, medgemma } from './report-builder.js';

describe('formatHubReport', () => {
  it('prints a healthy report', () => {
    const report = buildReport({ disk: checkDiskSpace(8_640_000_000, 100e9) });

    expect(formatHubReport(report)).toBe(
      [
        'Hugging Face: ok',
        '  ✓ Token hf_…wxyz from HF_TOKEN environment variable',
        '    Account ana, role read',
        "    Stage token: the stage gets this token through the runner's secret channel",
        '  ✓ google/medgemma-1.5-4b-it: access granted, gated (manual), 8.6 GB in 9 files',
        '    MedGemma 1.5 4B, the model fine-tuned and compared; stages: finetune, infer',
        '  · Download: 8.6 GB in total (less if already cached)',
        '  ✓ Disk: needs 8.6 GB, 100.0 GB free: enough space',
        '',
      ].join('\n'),
    );
  });

  it('prints a problem with its fix', () => {
    const report = buildReport({ repos: [medgemma({ access: 'not-accepted' })] });
    const text = formatHubReport(report);

    expect(text).toContain('Hugging Face: error\n');
    expect(text).toContain('  ✗ google/medgemma-1.5-4b-it: terms not accepted, gated (manual)');
    expect(text).toContain('    google/medgemma-1.5-4b-it is gated and account ana has not accepted its terms.');
    expect(text).toContain('    Fix: Open https://huggingface.co/google/medgemma-1.5-4b-it, log in as ana, and accept the terms.');
  });

  it('strips escape sequences from Hub text', () => {
    const base = buildReport();
    const report = { ...base, account: { ...base.account!, name: '\u001b[2J\u001b[31mevil\u001b]0;pwned\u0007' + 'x'.repeat(600) } };
    const text = formatHubReport(report);

    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('Account evil');
    for (const line of text.split('\n')) {
      expect(line.length).toBeLessThanOrEqual(420);
    }
  });

  it('prints a disk shortage', () => {
    const report = buildReport({ disk: checkDiskSpace(8_640_000_000, 5_000_000_000) });
    const text = formatHubReport(report);

    expect(report.ok).toBe(false);
    expect(text).toContain('  ✗ Disk: needs 8.6 GB, 5.0 GB free: not enough space');
    expect(text).toContain('    Fix: Free disk space on the GPU server');
  });

  it('prints the offline state', () => {
    const report = buildReport({
      offline: true,
      offlineReason: 'getaddrinfo ENOTFOUND huggingface.co',
      account: null,
      repos: [medgemma({ access: 'unchecked', gated: null, files: null, downloadBytes: null })],
      downloadBytes: null,
    });
    const text = formatHubReport(report);

    expect(report.ok).toBe(true);
    expect(text).toContain('Hugging Face: warning\n');
    expect(text).toContain('  · Token hf_…wxyz from HF_TOKEN environment variable');
    expect(text).toContain('  ! Hub not reached at https://huggingface.co: getaddrinfo ENOTFOUND huggingface.co');
    expect(text).toContain('  ! google/medgemma-1.5-4b-it: not checked (offline)');
    expect(text).not.toContain('Download:');
  });

  it('explains a rejected token once', () => {
    const report = buildReport({ tokenRejected: true, account: null, repos: [medgemma({ access: 'invalid-token' })] });
    const text = formatHubReport(report);

    expect(text).toContain('  ✗ Token hf_…wxyz from HF_TOKEN environment variable');
    expect(text).toContain('  ✗ google/medgemma-1.5-4b-it: token rejected');
    expect(text.match(/Fix: /g)).toHaveLength(1);
  });

  it('prints skipped token files', () => {
    const report = buildReport({
      token: {
        found: false,
        source: null,
        masked: null,
        skipped: [{ kind: 'file:HF_HOME', path: '/srv/hf/token', reason: 'empty' }],
        huggingfaceHubFile: '/srv/hf/token',
        note: null,
      },
      account: null,
      stageToken: 'unknown',
      repos: [medgemma({ access: 'needs-token' })],
    });
    const text = formatHubReport(report);

    expect(text).toContain('  ! Token file /srv/hf/token skipped (empty)');
    expect(text).toContain('  ✗ No token on this machine; the stage may still use a token configured on the GPU server');
    expect(text).toContain('    Fix: Create a token with read access at https://huggingface.co/settings/tokens');
  });
});

describe('hubSection', () => {
  it('takes the worst status', () => {
    expect(hubSection(buildReport()).status).toBe('ok');
    expect(hubSection(buildReport({ serverToken: 'present', token: { ...buildReport().token, found: false, masked: null, source: null }, account: null, stageToken: 'server' })).status).toBe('warning');
    expect(hubSection(buildReport({ repos: [medgemma({ access: 'fine-grained' })] })).status).toBe('error');
  });
});

describe('checkDiskSpace', () => {
  it('compares in bytes and prints GB', () => {
    expect(checkDiskSpace(30_000_000_000, 29_999_999_999)).toEqual({
      requiredBytes: 30_000_000_000,
      freeBytes: 29_999_999_999,
      enough: false,
      summary: 'needs 30.0 GB, 30.0 GB free',
    });
    expect(checkDiskSpace(30e9, 30e9).enough).toBe(true);
  });
});

describe('formatGigabytes', () => {
  it('uses two decimals below 1 GB', () => {
    expect(formatGigabytes(112_000_000)).toBe('0.11 GB');
    expect(formatGigabytes(13_500_000_000)).toBe('13.5 GB');
  });
});

describe('stageTokenSource', () => {
  it('prefers the local token', () => {
    expect(stageTokenSource(true, 'present')).toBe('local');
    expect(stageTokenSource(false, 'present')).toBe('server');
    expect(stageTokenSource(false, 'absent')).toBe('none');
    expect(stageTokenSource(false, 'unknown')).toBe('unknown');
  });
});
