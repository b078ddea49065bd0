/**
 * Runner facts of each stage: its command line and the preflight requirements. Titles, downloads and
 * lessons are in src/stages/catalog.ts.
 */
import type { StageRequirement } from './preflight.js';

export const STAGE_NAMES = ['prepare', 'finetune', 'infer', 'evaluate'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

const GB = 1_000_000_000;

/**
 * Disk each stage may fill, an estimate from the download sizes the course gives plus room for outputs.
 * prepare: 112 MB of archives and their extracted images. finetune: the 8.6 GB model and checkpoints.
 * infer: predictions only. evaluate: the 13.5 GB GREEN and 7.8 GB CRIMSON judges. The virtual environment
 * (about 8 GB with torch, also an estimate) counts for every stage, because it may not exist yet.
 */
const ENVIRONMENT_BYTES = 8 * GB;
export const STAGE_REQUIREMENTS: Record<StageName, StageRequirement> = {
  prepare: { gpu: false, diskBytes: ENVIRONMENT_BYTES + 2 * GB },
  finetune: { gpu: true, diskBytes: ENVIRONMENT_BYTES + 11 * GB },
  infer: { gpu: true, diskBytes: ENVIRONMENT_BYTES + 9 * GB },
  evaluate: { gpu: true, diskBytes: ENVIRONMENT_BYTES + 23 * GB },
};

/** Any stage with --smoke: no GPU, and disk for the environment plus a few megabytes of outputs. */
export const SMOKE_REQUIREMENT: StageRequirement = { gpu: false, diskBytes: ENVIRONMENT_BYTES + GB / 2 };

export function isStageName(name: string): name is StageName {
  return (STAGE_NAMES as readonly string[]).includes(name);
}

/** Command line of a stage, run with the environment's python from the synced gpu-runner folder. */
export function stageCommand(python: string, stage: StageName, outDir: string, smoke: boolean): string[] {
  return [python, '-m', 'gpu_runner', stage, '--out', outDir, ...(smoke ? ['--smoke'] : [])];
}
