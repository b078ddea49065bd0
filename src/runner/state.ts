/** State of a run, decided from the files in its run folder and never from the exit status of ssh. */
export type RunState =
  | { kind: 'running' }
  | { kind: 'succeeded'; exitCode: 0 }
  | { kind: 'failed'; exitCode: number }
  | { kind: 'cancelled'; exitCode: number }
  /** The process group is gone but no exit status was written (the machine rebooted, or the wrapper was killed). */
  | { kind: 'lost' };

export function runStateFromExit(exitCode: number, cancelled: boolean): RunState {
  if (cancelled) {
    return { kind: 'cancelled', exitCode };
  }
  return exitCode === 0 ? { kind: 'succeeded', exitCode: 0 } : { kind: 'failed', exitCode };
}

/** Decides the state from the facts the list script prints: exit status file, cancel marker, live group. */
export function runStateFromFacts(exitCode: number | undefined, cancelled: boolean, alive: boolean): RunState {
  if (exitCode !== undefined) {
    return runStateFromExit(exitCode, cancelled);
  }
  return alive ? { kind: 'running' } : { kind: 'lost' };
}

/** Meaning of the exit statuses fixed by the stage contract. */
const STAGE_EXIT_MEANINGS: Record<number, string> = {
  1: 'the stage failed',
  2: 'bad usage or bad input',
  3: 'an environment problem (no GPU, no bf16, gated repository or missing token)',
};

export function describeRunState(state: RunState): string {
  switch (state.kind) {
    case 'running':
      return 'running';
    case 'succeeded':
      return 'succeeded';
    case 'failed': {
      const meaning = STAGE_EXIT_MEANINGS[state.exitCode] ?? (state.exitCode > 128 ? `killed by signal ${state.exitCode - 128}` : undefined);
      return `failed (exit ${state.exitCode}${meaning ? `: ${meaning}` : ''})`;
    }
    case 'cancelled':
      return 'cancelled';
    case 'lost':
      return 'lost (the process ended without writing an exit status)';
  }
}
