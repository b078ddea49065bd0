import { Writable } from 'node:stream';
import { runCli } from '../../src/program.js';

/** A stream that keeps what is written to it, for the plain output of in-process CLI runs. */
export class Capture extends Writable {
  text = '';

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process in plain mode (no TTY) with the given environment. */
export async function runPlain(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(['node', 'mllm-course', ...args], {
    stdout,
    stderr,
    env,
    mode: { interactive: false, color: false, columns: 100, rows: 30 },
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
