import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  GPU_40GB_CLASS_MIN_MIB,
  NvidiaSmiError,
  nominalGB,
  parseComputeApps,
  parseGpuQuery,
  parseMigList,
} from '../../src/runner/nvidia-smi.js';
import { evaluatePreflight, type Probe } from '../../src/runner/preflight.js';
import { RECORDED } from './fake-gpu.js';

function recorded(name: string, part: 'gpus' | 'apps' | 'list'): string {
  const file = path.join(RECORDED, `${name}.${part}.txt`);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
}

function probeFor(name: string): Probe {
  const rcFile = path.join(RECORDED, `${name}.gpus.rc`);
  return {
    'nvidia-smi-gpus': { text: recorded(name, 'gpus'), rc: fs.existsSync(rcFile) ? Number(fs.readFileSync(rcFile, 'utf8')) : 0 },
    'nvidia-smi-apps': { text: recorded(name, 'apps'), rc: 0 },
    'nvidia-smi-list': { text: recorded(name, 'list'), rc: 0 },
    python: { text: 'python3.12 3.12.4\n', rc: 0 },
    disk: { text: '/srv/work\n/dev/nvme0n1p1 1000000000 1000 900000000 1% /srv\n', rc: 0 },
    tools: { text: 'setsid yes\ntar yes\nuv no\nbash yes\nflock yes\nnvidia-smi yes\n', rc: 0 },
  };
}

describe('parseGpuQuery', () => {
  it.each([
    ['a100-sxm4-40gb', [{ index: 0, name: 'NVIDIA A100-SXM4-40GB', totalMiB: 40960, usedMiB: 4, freeMiB: 40337 }]],
    ['a100-pcie-40gb', [{ index: 0, name: 'NVIDIA A100-PCIE-40GB', totalMiB: 40536, usedMiB: 0, freeMiB: 40109 }]],
    ['h100-80gb', [{ index: 0, name: 'NVIDIA H100 80GB HBM3', totalMiB: 81559, usedMiB: 0, freeMiB: 81008 }]],
    ['v100-32gb', [{ index: 0, name: 'Tesla V100-SXM2-32GB', totalMiB: 32510, usedMiB: 0, freeMiB: 32183 }]],
    ['a10-24gb', [{ index: 0, name: 'NVIDIA A10', totalMiB: 23028, usedMiB: 0, freeMiB: 22731 }]],
    ['not-available', [{ index: 0, name: 'NVIDIA A100-SXM4-40GB', totalMiB: undefined, usedMiB: undefined, freeMiB: undefined }]],
  ])('parses %s', (name, expected) => {
    expect(parseGpuQuery(recorded(name, 'gpus'))).toEqual(expected);
  });

  it('parses several GPUs in order', () => {
    const gpus = parseGpuQuery(recorded('three-gpus', 'gpus'));

    expect(gpus.map((gpu) => gpu.index)).toEqual([0, 1, 2]);
    expect(gpus.map((gpu) => gpu.name)).toEqual(['Tesla T4', 'NVIDIA A100 80GB PCIe', 'NVIDIA A100 80GB PCIe']);
    expect(gpus[1]?.freeMiB).toBe(50121);
  });

  it('raises the driver message when nvidia-smi cannot reach the driver', () => {
    const output = recorded('no-driver', 'gpus');

    expect(() => parseGpuQuery(output)).toThrow(NvidiaSmiError);
    expect(() => parseGpuQuery(output)).toThrow(/couldn't communicate with the NVIDIA driver/);
  });

  it('rejects a line with too few columns', () => {
    expect(() => parseGpuQuery('0, NVIDIA A100\n')).toThrow(/unexpected nvidia-smi line/);
  });
});

describe('parseComputeApps and parseMigList', () => {
  it('parses compute processes', () => {
    expect(parseComputeApps(recorded('busy', 'apps'))).toEqual([
      { pid: 4242, name: '/usr/bin/python3', usedMiB: 30980 },
      { pid: 5151, name: '/opt/app/server', usedMiB: 1200 },
    ]);
    expect(parseComputeApps('')).toEqual([]);
  });

  it('parses MIG instances with their GPU', () => {
    const instances = parseMigList(recorded('h100-mig-3g40gb', 'list'));

    expect(instances).toEqual([
      { gpuIndex: 0, profile: '3g.40gb', nominalGB: 40 },
      { gpuIndex: 0, profile: '3g.40gb', nominalGB: 40 },
    ]);
    expect(parseMigList(recorded('a100-mig-1g10gb', 'list'))).toHaveLength(7);
    expect(parseMigList('GPU 0: NVIDIA A10 (UUID: GPU-1)\n')).toEqual([]);
  });
});

describe('40 GB class', () => {
  it.each([
    [40960, 40, true],
    [40536, 40, true],
    [81559, 80, true],
    [32510, 32, false],
    [23028, 24, false],
    [15360, 16, false],
  ])('%d MiB is the %d GB class', (totalMiB, gb, large) => {
    expect(nominalGB(totalMiB)).toBe(gb);
    expect(totalMiB >= GPU_40GB_CLASS_MIN_MIB).toBe(large);
  });
});

describe('evaluatePreflight over recorded outputs', () => {
  const GPU_STAGE = { gpu: true, diskBytes: 10_000_000_000 };

  it.each([
    ['a100-sxm4-40gb', 'pass', 'pass', 'pass', true],
    ['a100-pcie-40gb', 'pass', 'pass', 'pass', true],
    ['h100-80gb', 'pass', 'pass', 'pass', true],
    ['three-gpus', 'pass', 'pass', 'pass', true],
    ['v100-32gb', 'pass', 'fail', 'pass', false],
    ['a10-24gb', 'pass', 'fail', 'pass', false],
    ['not-available', 'pass', 'warn', 'pass', true],
    ['h100-mig-3g40gb', 'pass', 'warn', 'pass', true],
    ['a100-mig-1g10gb', 'pass', 'fail', 'pass', false],
    ['busy', 'pass', 'pass', 'warn', true],
    ['no-driver', 'fail', 'skip', 'skip', false],
  ] as const)('%s: driver %s, memory %s, processes %s', (name, driver, memory, processes, ok) => {
    const report = evaluatePreflight('gpu-server', probeFor(name), GPU_STAGE);
    const status = (id: string): string | undefined => report.checks.find((check) => check.id === id)?.status;

    expect(status('nvidia-smi')).toBe(driver);
    expect(status('gpu-memory')).toBe(memory);
    expect(status('gpu-processes')).toBe(processes);
    expect(report.ok).toBe(ok);
    for (const check of report.checks.filter((candidate) => candidate.status === 'fail')) {
      expect(check.fix, `${check.id} has a fix`).toBeTruthy();
    }
  });

  it('names the size of a too-small GPU and the threshold', () => {
    const report = evaluatePreflight('gpu-server', probeFor('v100-32gb'), GPU_STAGE);
    const memory = report.checks.find((check) => check.id === 'gpu-memory');

    expect(memory?.detail).toBe(
      'The largest GPU reports 32,510 MiB (≈32 GB class); the stages need a 40 GB class GPU (at least 39,000 MiB reported).',
    );
  });

  it('shows the driver message when nvidia-smi failed', () => {
    const report = evaluatePreflight('gpu-server', probeFor('no-driver'), GPU_STAGE);

    expect(report.checks[0]?.detail).toMatch(/^nvidia-smi on gpu-server failed: NVIDIA-SMI has failed because/);
  });

  it('only warns about the GPU for a CPU stage', () => {
    const probe = probeFor('a10-24gb');
    delete probe['nvidia-smi-gpus'];

    const report = evaluatePreflight('local', probe, { gpu: false, diskBytes: 1 });

    expect(report.checks[0]?.status).toBe('warn');
    expect(report.checks[0]?.detail).toBe('nvidia-smi was not found on this machine, so there is no usable NVIDIA GPU.');
    expect(report.ok).toBe(true);
  });

  it('fails on too little disk and on an old Python', () => {
    const probe = probeFor('h100-80gb');
    probe.python = { text: 'python3 3.10.12\n', rc: 0 };
    probe.disk = { text: '/home/student\n/dev/sda1 100000 90000 10000 90% /\n', rc: 0 };

    const report = evaluatePreflight('gpu-server', probe, GPU_STAGE);
    const byId = new Map(report.checks.map((check) => [check.id, check]));

    expect(byId.get('python')?.status).toBe('fail');
    expect(byId.get('python')?.detail).toBe('Only older Pythons were found: python3 3.10.12.');
    expect(byId.get('disk')?.status).toBe('fail');
    expect(byId.get('disk')?.detail).toBe('0.0 GB free in /home/student; the stage needs about 10.0 GB (an estimate).');
    expect(report.ok).toBe(false);
  });

  it('reports where the target keeps a token and its free disk', () => {
    const probe = probeFor('h100-80gb');
    probe['hf-token'] = { text: 'hf-token: file:/home/ana/.cache/huggingface/token\n', rc: 0 };

    const report = evaluatePreflight('gpu-server', probe, GPU_STAGE);

    expect(report.serverToken).toEqual({ state: 'present', source: 'file:/home/ana/.cache/huggingface/token' });
    expect(report.freeDiskBytes).toBe(900_000_000 * 1024);
    expect(evaluatePreflight('gpu-server', probeFor('h100-80gb'), GPU_STAGE).serverToken.state).toBe('unknown');
  });

  it('warns when only a newer Python than 3.12 exists', () => {
    const probe = probeFor('h100-80gb');
    probe.python = { text: 'python3 3.13.1\n', rc: 0 };

    const report = evaluatePreflight('gpu-server', probe, GPU_STAGE);

    expect(report.checks.find((check) => check.id === 'python')?.status).toBe('warn');
  });
});
