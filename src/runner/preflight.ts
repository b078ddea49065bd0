/**
 * Preflight checks before a launch: GPU, GPU memory class, other GPU processes, Python, free disk and
 * the tools the runner needs. One probe script gathers the facts in a single round trip; the evaluation
 * is pure so that it can be tested over recorded nvidia-smi outputs.
 */
import { parseServerTokenProbe, type ServerTokenProbe } from '../hub/server-token.js';
import { LOCAL_TARGET } from './quote.js';
import { probeScript } from './scripts.js';
import type { Transport } from './transport.js';
import {
  GPU_40GB_CLASS_MIN_MIB,
  NvidiaSmiError,
  nominalGB,
  parseComputeApps,
  parseGpuQuery,
  parseMigList,
  type ComputeApp,
  type GpuInfo,
  type MigInstance,
} from './nvidia-smi.js';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface PreflightCheck {
  id: 'nvidia-smi' | 'gpu-memory' | 'gpu-processes' | 'python' | 'disk' | 'tools';
  label: string;
  status: CheckStatus;
  detail: string;
  /** Next step for the user; set for every failed check and most warnings. */
  fix?: string;
}

export interface ProbeSection {
  text: string;
  /** Exit status of the command, or undefined when the probe did not reach it. */
  rc: number | undefined;
}

export type Probe = Record<string, ProbeSection>;

export interface StageRequirement {
  /** The stage needs a 40 GB class GPU; false for `prepare`, which runs on the CPU. */
  gpu: boolean;
  /** Bytes the stage downloads or writes at most, an estimate. */
  diskBytes: number;
}

export interface PreflightReport {
  target: string;
  checks: PreflightCheck[];
  gpus: GpuInfo[];
  apps: ComputeApp[];
  mig: MigInstance[];
  host: string | undefined;
  /** Free bytes in the work folder, or undefined when df could not tell. */
  freeDiskBytes: number | undefined;
  /** Whether a Hugging Face token is configured on the target, and where (never its value). */
  serverToken: ServerTokenProbe;
  /** True when no check failed. */
  ok: boolean;
}

const GB = 1_000_000_000;

/** Splits probe output into its `@@section` parts with the `@@rc` of each. */
export function parseProbe(stdout: string): Probe {
  const probe: Probe = {};
  let current: ProbeSection | undefined;

  for (const line of stdout.split('\n')) {
    const section = /^@@section (\S+)$/.exec(line);
    if (section) {
      current = { text: '', rc: undefined };
      probe[section[1]!] = current;
      continue;
    }
    const rc = /^@@rc (\d+)$/.exec(line);
    if (rc && current) {
      current.rc = Number(rc[1]);
      continue;
    }
    if (current) {
      current.text += `${line}\n`;
    }
  }
  return probe;
}

function formatMiB(value: number | undefined): string {
  return value === undefined ? 'unknown' : `${value.toLocaleString('en-US')} MiB`;
}

function formatGB(bytes: number): string {
  return `${(bytes / GB).toFixed(1)} GB`;
}

function describeGpu(gpu: GpuInfo): string {
  const size = gpu.totalMiB === undefined ? '' : ` (≈${nominalGB(gpu.totalMiB)} GB class)`;
  return `GPU ${gpu.index}: ${gpu.name}, ${formatMiB(gpu.totalMiB)} total${size}, ${formatMiB(gpu.freeMiB)} free`;
}

interface GpuFacts {
  gpus: GpuInfo[];
  apps: ComputeApp[];
  mig: MigInstance[];
}

function checkNvidiaSmi(probe: Probe, target: string, requirement: StageRequirement): { check: PreflightCheck; facts: GpuFacts | undefined } {
  const section = probe['nvidia-smi-gpus'];
  const missing = requirement.gpu ? 'fail' : 'warn';
  const where = target === LOCAL_TARGET ? 'this machine' : target;

  if (!section || section.rc === 127) {
    return {
      check: {
        id: 'nvidia-smi',
        label: 'NVIDIA driver and GPUs',
        status: missing,
        detail: `nvidia-smi was not found on ${where}, so there is no usable NVIDIA GPU.`,
        fix: 'Run the stage on a GPU server with `--host <name>`, or install the NVIDIA driver on this machine.',
      },
      facts: undefined,
    };
  }

  try {
    const gpus = parseGpuQuery(section.text);
    const apps = probe['nvidia-smi-apps']?.rc === 0 ? parseComputeApps(probe['nvidia-smi-apps'].text) : [];
    const mig = parseMigList(probe['nvidia-smi-list']?.text ?? '');
    if (gpus.length === 0) {
      throw new NvidiaSmiError('nvidia-smi listed no GPU', section.text);
    }
    return {
      check: { id: 'nvidia-smi', label: 'NVIDIA driver and GPUs', status: 'pass', detail: gpus.map(describeGpu).join('\n') },
      facts: { gpus, apps, mig },
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      check: {
        id: 'nvidia-smi',
        label: 'NVIDIA driver and GPUs',
        status: missing,
        detail: `nvidia-smi on ${where} failed: ${message}`,
        fix: 'Check that `nvidia-smi` works there: after a driver update the machine usually needs a reboot; on a shared server ask its administrator.',
      },
      facts: undefined,
    };
  }
}

function checkGpuMemory(facts: GpuFacts | undefined, requirement: StageRequirement): PreflightCheck {
  const label = 'GPU with at least 40 GB';
  const short = requirement.gpu ? 'fail' : 'warn';
  if (!facts) {
    return { id: 'gpu-memory', label, status: 'skip', detail: 'Skipped: no GPU information.' };
  }

  const migGpus = new Set(facts.mig.map((instance) => instance.gpuIndex));
  const largeMig = facts.mig.filter((instance) => instance.nominalGB >= 40);
  const largeGpus = facts.gpus.filter(
    (gpu) => !migGpus.has(gpu.index) && gpu.totalMiB !== undefined && gpu.totalMiB >= GPU_40GB_CLASS_MIN_MIB,
  );

  if (largeGpus.length > 0) {
    return {
      id: 'gpu-memory',
      label,
      status: 'pass',
      detail: `${largeGpus.map((gpu) => `GPU ${gpu.index}`).join(', ')} in the 40 GB class or larger (at least ${GPU_40GB_CLASS_MIN_MIB.toLocaleString('en-US')} MiB reported).`,
    };
  }
  if (largeMig.length > 0) {
    return {
      id: 'gpu-memory',
      label,
      status: 'warn',
      detail: `MIG is on: the stage sees one instance, and ${largeMig.map((instance) => `${instance.profile} on GPU ${instance.gpuIndex}`).join(', ')} has at least 40 GB.`,
      fix: 'Set CUDA_VISIBLE_DEVICES to the UUID of a 40 GB instance (listed by `nvidia-smi -L`).',
    };
  }
  if (facts.mig.length > 0) {
    return {
      id: 'gpu-memory',
      label,
      status: short,
      detail: `MIG is on and every instance is smaller than 40 GB (${facts.mig.map((instance) => instance.profile).join(', ')}).`,
      fix: 'Ask the administrator for a 40 GB MIG instance or a whole GPU, or use another server.',
    };
  }

  const unknown = facts.gpus.filter((gpu) => gpu.totalMiB === undefined);
  if (unknown.length === facts.gpus.length) {
    return {
      id: 'gpu-memory',
      label,
      status: 'warn',
      detail: 'nvidia-smi did not report the memory size ([N/A]); the check could not run.',
      fix: 'Check the memory with `nvidia-smi -q -d MEMORY`; the stages need a GPU with at least 40 GB.',
    };
  }

  const largest = Math.max(...facts.gpus.map((gpu) => gpu.totalMiB ?? 0));
  return {
    id: 'gpu-memory',
    label,
    status: short,
    detail: `The largest GPU reports ${formatMiB(largest)} (≈${nominalGB(largest)} GB class); the stages need a 40 GB class GPU (at least ${GPU_40GB_CLASS_MIN_MIB.toLocaleString('en-US')} MiB reported).`,
    fix: 'Use a server with an A100 40/80 GB, H100 or another GPU of 40 GB or more: `mllm-course run <stage> --host <name>`.',
  };
}

function checkGpuProcesses(facts: GpuFacts | undefined, probe: Probe): PreflightCheck {
  const label = 'GPU free of other processes';
  if (!facts) {
    return { id: 'gpu-processes', label, status: 'skip', detail: 'Skipped: no GPU information.' };
  }
  if (probe['nvidia-smi-apps']?.rc !== 0) {
    return { id: 'gpu-processes', label, status: 'skip', detail: 'nvidia-smi could not list the compute processes.' };
  }
  if (facts.apps.length === 0) {
    return { id: 'gpu-processes', label, status: 'pass', detail: 'No other process uses a GPU.' };
  }

  const list = facts.apps.map((app) => `pid ${app.pid} ${app.name} (${formatMiB(app.usedMiB)})`).join(', ');
  const roomy = facts.gpus.some((gpu) => (gpu.freeMiB ?? 0) >= GPU_40GB_CLASS_MIN_MIB);
  return {
    id: 'gpu-processes',
    label,
    status: 'warn',
    detail: `${facts.apps.length} other process${facts.apps.length === 1 ? '' : 'es'} use a GPU: ${list}.${roomy ? '' : ' No GPU has 40 GB free.'}`,
    fix: 'Wait for them to end, stop them if they are yours (`kill <pid>`), or choose an idle GPU with CUDA_VISIBLE_DEVICES.',
  };
}

function checkPython(probe: Probe): PreflightCheck {
  const label = 'Python 3.12 or newer';
  const found = (probe.python?.text ?? '')
    .split('\n')
    .map((line) => /^(\S+) (\d+)\.(\d+)\.(\d+)$/.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ command: match[1]!, major: Number(match[2]), minor: Number(match[3]), version: `${match[2]}.${match[3]}.${match[4]}` }));

  const exact = found.find((python) => python.major === 3 && python.minor === 12);
  if (exact) {
    return { id: 'python', label, status: 'pass', detail: `${exact.command} is Python ${exact.version}.` };
  }
  const newer = found.find((python) => python.major === 3 && python.minor > 12);
  if (newer) {
    return {
      id: 'python',
      label,
      status: 'warn',
      detail: `${newer.command} is Python ${newer.version}; the pinned requirements are resolved for 3.12, and no python3.12 was found.`,
      fix: 'Install Python 3.12 (for example `pyenv install 3.12` or `uv python install 3.12`), or set MLLM_COURSE_PYTHON312 to its interpreter.',
    };
  }
  const versions = found.map((python) => `${python.command} ${python.version}`).join(', ');
  return {
    id: 'python',
    label,
    status: 'fail',
    detail: found.length === 0 ? 'No python3.12 or python3 was found on PATH.' : `Only older Pythons were found: ${versions}.`,
    fix: 'Install Python 3.12 (for example `pyenv install 3.12` or `uv python install 3.12`), or set MLLM_COURSE_PYTHON312 to its interpreter.',
  };
}

/** Reads the available bytes from the `df -Pk` line of the probe. */
function parseFreeDisk(probe: Probe): number | undefined {
  const lines = (probe.disk?.text ?? '').trim().split('\n');
  // df -P: filesystem, 1024-blocks, used, available, capacity, mount point.
  const availableKiB = Number((lines[1] ?? '').trim().split(/\s+/)[3]);
  return probe.disk?.rc === 0 && Number.isFinite(availableKiB) ? availableKiB * 1024 : undefined;
}

function checkDisk(probe: Probe, requirement: StageRequirement): PreflightCheck {
  const label = 'Free disk for downloads';
  const folder = (probe.disk?.text ?? '').trim().split('\n')[0] ?? '';
  const available = parseFreeDisk(probe);
  if (available === undefined) {
    return { id: 'disk', label, status: 'warn', detail: `Could not read the free space of ${folder || 'the work folder'} with df.`, fix: 'Check it with `df -h` before a long run.' };
  }

  const detail = `${formatGB(available)} free in ${folder}; the stage needs about ${formatGB(requirement.diskBytes)} (an estimate).`;
  if (available < requirement.diskBytes) {
    return {
      id: 'disk',
      label,
      status: 'fail',
      detail,
      fix: 'Free some space, or choose a work folder on a larger disk with `--work-dir <path>`.',
    };
  }
  return { id: 'disk', label, status: 'pass', detail };
}

function checkTools(probe: Probe): PreflightCheck {
  const label = 'Tools on the target';
  const tools = new Map(
    (probe.tools?.text ?? '')
      .trim()
      .split('\n')
      .map((line) => line.split(' ') as [string, string]),
  );
  const missing = ['setsid', 'tar', 'bash', 'flock'].filter((tool) => tools.get(tool) !== 'yes');
  const installer = tools.get('uv') === 'yes' ? 'uv' : 'python -m venv and pip (uv not found)';
  if (missing.length > 0) {
    return {
      id: 'tools',
      label,
      status: 'fail',
      detail: `Missing: ${missing.join(', ')}.`,
      fix: 'Install them: util-linux 2.31 or newer provides setsid with --fork and flock (on Debian and Ubuntu: `sudo apt-get install util-linux tar bash`).',
    };
  }
  return { id: 'tools', label, status: 'pass', detail: `setsid, tar, bash and flock found; environments are built with ${installer}.` };
}

/** Evaluates a probe. Pure: the same probe always gives the same report. */
export function evaluatePreflight(target: string, probe: Probe, requirement: StageRequirement): PreflightReport {
  const smi = checkNvidiaSmi(probe, target, requirement);
  const checks = [
    smi.check,
    checkGpuMemory(smi.facts, requirement),
    checkGpuProcesses(smi.facts, probe),
    checkPython(probe),
    checkDisk(probe, requirement),
    checkTools(probe),
  ];

  return {
    target,
    checks,
    gpus: smi.facts?.gpus ?? [],
    apps: smi.facts?.apps ?? [],
    mig: smi.facts?.mig ?? [],
    host: probe.host?.text.trim() || undefined,
    freeDiskBytes: parseFreeDisk(probe),
    serverToken: parseServerTokenProbe(probe['hf-token']?.text ?? ''),
    ok: checks.every((check) => check.status !== 'fail'),
  };
}

/** Runs the probe on the target and evaluates it. Connection failures propagate as `SshConnectionError`. */
export async function runPreflight(transport: Transport, workDir: string, requirement: StageRequirement): Promise<PreflightReport> {
  const result = await transport.run(probeScript(workDir), { timeoutMs: 60_000 });
  return evaluatePreflight(transport.target, parseProbe(result.stdout), requirement);
}
