/** How the tutor talks to this terminal, decided once at the entry point and passed down. */
export interface OutputMode {
  /** Full-screen Ink app with raw-mode keys; false means plain text on stdout. */
  interactive: boolean;
  /** ANSI colours and styles allowed on stdout. */
  color: boolean;
  columns: number;
  rows: number;
}

interface StreamLike {
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

export const DEFAULT_COLUMNS = 80;
export const DEFAULT_ROWS = 24;

export function resolveMode(stdin: StreamLike, stdout: StreamLike, env: NodeJS.ProcessEnv): OutputMode {
  const dumb = env.TERM === 'dumb';
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  const tty = Boolean(stdout.isTTY);

  return {
    interactive: Boolean(stdin.isTTY) && tty && !dumb,
    color: tty && !dumb && !noColor,
    columns: validSize(stdout.columns, env.COLUMNS, DEFAULT_COLUMNS),
    rows: validSize(stdout.rows, env.LINES, DEFAULT_ROWS),
  };
}

function validSize(fromStream: number | undefined, fromEnv: string | undefined, fallback: number): number {
  if (fromStream && fromStream > 0) {
    return fromStream;
  }
  const parsed = Number.parseInt(fromEnv ?? '', 10);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : fallback;
}
