/**
 * Parsers for `nvidia-smi` query output:
 *   nvidia-smi --query-gpu=index,name,memory.total,memory.used,memory.free --format=csv,noheader,nounits
 *   nvidia-smi --query-compute-apps=pid,process_name,used_memory --format=csv,noheader,nounits
 *   nvidia-smi -L   (only for MIG instances, which the query form does not list)
 * Memory values are MiB. A field that the driver cannot report is printed as `[N/A]` (or `[Not Supported]`)
 * and becomes undefined here.
 */

export const GPU_QUERY_FIELDS = 'index,name,memory.total,memory.used,memory.free';
export const APPS_QUERY_FIELDS = 'pid,process_name,used_memory';

export interface GpuInfo {
  index: number;
  name: string;
  totalMiB: number | undefined;
  usedMiB: number | undefined;
  freeMiB: number | undefined;
}

export interface ComputeApp {
  pid: number;
  name: string;
  usedMiB: number | undefined;
}

export interface MigInstance {
  /** Index of the physical GPU that contains the instance. */
  gpuIndex: number;
  /** Profile name such as `3g.40gb`. */
  profile: string;
  /** Nominal memory of the instance in GB, from the profile name. */
  nominalGB: number;
}

/**
 * Smallest total memory, in MiB, that counts as a 40 GB class GPU. nvidia-smi reports a little less than
 * the label because the driver reserves some memory: an A100 40GB shows 40,960 MiB (SXM4) or 40,536 MiB
 * (PCIe), an H100 80GB 81,559 MiB. The next smaller data-centre cards report 32,510 MiB (V100 32GB) and about
 * 24,000 MiB (24 GB cards), so 39,000 MiB accepts every 40 GB card with room for larger reservations and
 * still rejects 32 GB ones.
 */
export const GPU_40GB_CLASS_MIN_MIB = 39_000;

/**
 * Estimates the size a card is sold as from its reported total: the GiB count, rounded to 8 GB steps above
 * 13 GiB. Right for 16, 24, 32, 40, 48 and 80 GB cards; only an estimate for odd sizes such as 94 or 141 GB.
 */
export function nominalGB(totalMiB: number): number {
  const gib = totalMiB / 1024;
  return gib < 13 ? Math.round(gib) : Math.round(gib / 8) * 8;
}

export class NvidiaSmiError extends Error {
  constructor(message: string, readonly output: string) {
    super(message);
    this.name = 'NvidiaSmiError';
  }
}

const DRIVER_FAILURE = /NVIDIA-SMI has failed|couldn't communicate with the NVIDIA driver|No devices were found|Failed to initialize NVML/i;

function field(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  if (trimmed === undefined || trimmed === '' || /^\[.*\]$/.test(trimmed) || trimmed === 'N/A') {
    return undefined;
  }
  return trimmed;
}

function number(value: string | undefined): number | undefined {
  const text = field(value);
  if (text === undefined) {
    return undefined;
  }
  const parsed = Number(text.replace(/\s*MiB$/i, ''));
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** Throws `NvidiaSmiError` with the driver's own message when nvidia-smi printed a failure instead of data. */
function checkDriver(output: string): void {
  const match = DRIVER_FAILURE.exec(output);
  if (match) {
    const line = output.split('\n').find((candidate) => DRIVER_FAILURE.test(candidate))?.trim() ?? match[0];
    throw new NvidiaSmiError(line, output);
  }
}

/** Parses the GPU query; the GPU name may contain commas only in theory, so extra columns join the name. */
export function parseGpuQuery(output: string): GpuInfo[] {
  checkDriver(output);
  const gpus: GpuInfo[] = [];

  for (const line of output.split('\n')) {
    if (line.trim() === '') {
      continue;
    }
    const columns = line.split(',');
    if (columns.length < 5) {
      throw new NvidiaSmiError(`unexpected nvidia-smi line (expected ${GPU_QUERY_FIELDS}): ${line.trim()}`, output);
    }
    const [indexText, ...rest] = columns;
    const free = rest.pop();
    const used = rest.pop();
    const total = rest.pop();
    const index = number(indexText);
    if (index === undefined) {
      throw new NvidiaSmiError(`unexpected GPU index in nvidia-smi line: ${line.trim()}`, output);
    }
    gpus.push({
      index,
      name: field(rest.join(',')) ?? 'unknown GPU',
      totalMiB: number(total),
      usedMiB: number(used),
      freeMiB: number(free),
    });
  }
  return gpus;
}

export function parseComputeApps(output: string): ComputeApp[] {
  checkDriver(output);
  const apps: ComputeApp[] = [];

  for (const line of output.split('\n')) {
    if (line.trim() === '' || /No running processes found/i.test(line)) {
      continue;
    }
    const columns = line.split(',');
    const pid = number(columns[0]);
    if (pid === undefined || columns.length < 3) {
      continue;
    }
    const used = columns.pop();
    apps.push({ pid, name: field(columns.slice(1).join(',')) ?? 'unknown', usedMiB: number(used) });
  }
  return apps;
}

// "  MIG 3g.40gb     Device  0: (UUID: MIG-...)" under "GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-...)".
const GPU_LINE = /^GPU (\d+):/;
const MIG_LINE = /^\s+MIG\s+(\d+g\.(\d+)gb)\s+Device\s+\d+:/;

export function parseMigList(output: string): MigInstance[] {
  const instances: MigInstance[] = [];
  let gpuIndex = -1;

  for (const line of output.split('\n')) {
    const gpu = GPU_LINE.exec(line);
    if (gpu) {
      gpuIndex = Number(gpu[1]);
      continue;
    }
    const mig = MIG_LINE.exec(line);
    if (mig && gpuIndex >= 0) {
      instances.push({ gpuIndex, profile: mig[1]!, nominalGB: Number(mig[2]) });
    }
  }
  return instances;
}
