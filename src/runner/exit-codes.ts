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

/** Formats an exit-code table for a command's `--help`. */
function exitHelp(rows: readonly (readonly [number, string])[]): string {
  return `\nExit codes:\n${rows.map(([code, meaning]) => `  ${code}  ${meaning}`).join('\n')}\n`;
}

/** Exit-code tables for the `--help` of each runner command, listing only the codes that command returns. */
export const RUNNER_EXIT_HELP = {
  run: exitHelp([
    [RUNNER_EXIT.ok, 'the stage succeeded, or you detached (d, Ctrl-C or --detach) and the run goes on'],
    [RUNNER_EXIT.failed, 'the stage failed, or an unexpected error'],
    [RUNNER_EXIT.usage, 'bad usage: unknown stage, invalid host name or --out'],
    [RUNNER_EXIT.preflight, 'a preflight check failed; the stage was not started'],
    [RUNNER_EXIT.connection, 'the SSH connection failed'],
    [RUNNER_EXIT.cancelled, 'the run was cancelled, or ended without an exit status'],
  ]),
  runs: exitHelp([
    [RUNNER_EXIT.ok, 'the runs were listed'],
    [RUNNER_EXIT.failed, 'an unexpected error'],
    [RUNNER_EXIT.usage, 'bad usage: invalid host name'],
    [RUNNER_EXIT.connection, 'a target could not be reached (the runs of the others are still listed)'],
  ]),
  logs: exitHelp([
    [RUNNER_EXIT.ok, 'the log was printed; with --follow: the stage succeeded, or you detached'],
    [RUNNER_EXIT.failed, 'with --follow: the stage failed; or an unexpected error'],
    [RUNNER_EXIT.usage, 'bad usage: invalid host name or unknown run id'],
    [RUNNER_EXIT.connection, 'the SSH connection failed'],
    [RUNNER_EXIT.cancelled, 'with --follow: the run was cancelled, or ended without an exit status'],
  ]),
  cancel: exitHelp([
    [RUNNER_EXIT.ok, 'no process of the run is left and its GPU memory is free (or it had already ended)'],
    [RUNNER_EXIT.failed, 'an unexpected error'],
    [RUNNER_EXIT.usage, 'bad usage: invalid host name or unknown run id'],
    [RUNNER_EXIT.connection, 'the SSH connection failed'],
    [RUNNER_EXIT.leftovers, 'cancel could not confirm that no process is left and the GPU memory is free'],
  ]),
  testConnection: exitHelp([
    [RUNNER_EXIT.ok, 'the login worked and the host is remembered'],
    [RUNNER_EXIT.failed, 'an unexpected error'],
    [RUNNER_EXIT.usage, 'bad usage: --host missing or invalid'],
    [RUNNER_EXIT.connection, 'the SSH connection failed'],
  ]),
} as const;
