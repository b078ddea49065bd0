import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES } from './helpers.js';

export const RECORDED = path.join(FIXTURES, 'nvidia-smi');

/** A temporary bin folder with the fake nvidia-smi and a fake python3.12, to put first on PATH. */
export class FakeGpuBin {
  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(FIXTURES, 'fake-nvidia-smi.sh'), path.join(dir, 'nvidia-smi'));
    fs.chmodSync(path.join(dir, 'nvidia-smi'), 0o755);
    fs.writeFileSync(path.join(dir, 'python3.12'), '#!/bin/sh\necho 3.12.4\n', { mode: 0o755 });
    this.use('h100-80gb');
  }

  get python(): string {
    return path.join(this.dir, 'python3.12');
  }

  /** Selects the recorded outputs `fixtures/nvidia-smi/<name>.*`. */
  use(name: string): void {
    fs.writeFileSync(path.join(this.dir, 'scenario'), path.join(RECORDED, name));
  }

  /** Makes the fake list `pids` as GPU processes for as long as they live. */
  holdGpu(pids: number[]): void {
    fs.writeFileSync(path.join(this.dir, 'gpu-pids'), pids.join('\n'));
  }

  /** Keeps the held pids listed after they end, or lists them only while they live again. */
  stickGpu(stuck: boolean): void {
    const marker = path.join(this.dir, 'gpu-stuck');
    if (stuck) {
      fs.writeFileSync(marker, '');
    } else {
      fs.rmSync(marker, { force: true });
    }
  }

  pathWithFirst(rest = process.env.PATH ?? '/usr/bin:/bin'): string {
    return `${this.dir}:${rest}`;
  }
}
