import { PassThrough, Readable } from 'node:stream';
import { runCli } from '../../src/program.js';
import { resolveMode } from '../../src/util/mode.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process as if piped: no TTY, no colour, `columns` wide, with `input` on stdin. */
export async function runCliPiped(args: string[], options: { input?: string; columns?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));

  const env = { ...process.env, ...options.env };
  const stdin = Readable.from(options.input === undefined ? [] : [options.input]);
  const mode = { ...resolveMode({ isTTY: false }, { isTTY: false }, env), columns: options.columns ?? 80 };

  const code = await runCli(['node', 'mllm-course', ...args], { stdin, stdout, stderr, env, mode });
  return { code, stdout: out, stderr: err };
}
