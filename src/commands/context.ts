import type { Readable, Writable } from 'node:stream';
import type { OutputMode } from '../util/mode.js';

/** What a command needs from the process, passed in so that tests can run commands in-process. */
export interface CliContext {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  mode: OutputMode;
  /** Exit code the command wants; the entry point passes it to process.exitCode. */
  exitCode: number;
}
