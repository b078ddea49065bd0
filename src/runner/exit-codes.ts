/** Exit codes of the runner commands (`run`, `runs`, `logs`, `cancel`, `test-connection`, `doctor`). */
export const RUNNER_EXIT = {
  /** The run succeeded, the command did what it was asked, or the user detached from a running run. */
  ok: 0,
  /** The stage failed (non-zero exit), or an unexpected error occurred. */
  failed: 1,
  /** Bad usage: unknown stage, invalid host name, unknown run id. */
  usage: 2,
  /** A preflight check failed, so the stage was not started. */
  preflight: 3,
  /** The SSH connection failed (refused, unknown host, changed host key, authentication, timeout). */
  connection: 4,
  /** The run was cancelled, or ended without writing an exit status. */
  cancelled: 5,
  /** Cancel could not confirm that every process ended and the GPU memory was released. */
  leftovers: 6,
} as const;

export const RUNNER_EXIT_HELP = `
Exit codes:
  0  success (for run and logs --follow: the stage succeeded, or you detached)
  1  the stage failed, or an unexpected error
  2  bad usage: unknown stage, invalid host name or unknown run id
  3  a preflight check failed; the stage was not started
  4  the SSH connection failed
  5  the run was cancelled, or ended without an exit status
  6  cancel could not confirm that no process is left and the GPU memory is free
`;
