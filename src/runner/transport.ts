import type { Readable } from 'node:stream';
import { execa, type ResultPromise } from 'execa';
import { debug } from '../util/debug.js';
import { LOCAL_TARGET, validateHost } from './quote.js';
import { classifySshFailure } from './ssh-errors.js';

export interface ScriptResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** A script started in the background whose stdout is read as it comes. */
export interface ScriptStream {
  stdout: Readable;
  /** Settles when the script ends; rejects with `SshConnectionError` when the connection failed. */
  done: Promise<ScriptResult>;
  /** Stops the local process (the ssh client, or `sh` for the local target). */
  kill(): void;
  /** Process id of the local process, for tests that cut the connection. */
  pid: number | undefined;
}

/**
 * Channel that runs scripts on a target. Every script is POSIX `sh` sent on stdin to `sh -s`, so the same
 * scripts run locally and over SSH. The one command line with values, the tar upload of `runWithInput`,
 * quotes each of them.
 */
export interface Transport {
  /** `local`, or the SSH host as the user typed it. */
  readonly target: string;
  /** Runs a script and collects its output. Throws `SshConnectionError` when ssh could not connect. */
  run(script: string, options?: { timeoutMs?: number }): Promise<ScriptResult>;
  stream(script: string): ScriptStream;
  /** Runs a fixed command line (every value in it quoted by the caller) with `input` as its stdin. */
  runWithInput(commandLine: string, input: Buffer, options?: { timeoutMs?: number }): Promise<ScriptResult>;
}

export class ScriptTimeoutError extends Error {
  constructor(target: string, timeoutMs: number) {
    super(`A command on ${target} timed out after ${Math.round(timeoutMs / 1000)} s. Check the target with \`mllm-course doctor${target === LOCAL_TARGET ? '' : ` --host ${target}`}\`.`);
    this.name = 'ScriptTimeoutError';
  }
}

type Subprocess = ResultPromise<{ buffer: false; reject: false }>;

async function settle(
  target: string,
  subprocess: Promise<{ exitCode?: number; stdout?: unknown; stderr?: unknown; timedOut?: boolean; signal?: string }>,
  timeoutMs: number | undefined,
  check: (exitCode: number | undefined, stderr: string) => void,
): Promise<ScriptResult> {
  const result = await subprocess;
  const stderr = typeof result.stderr === 'string' ? result.stderr : '';
  if (result.timedOut && timeoutMs !== undefined) {
    throw new ScriptTimeoutError(target, timeoutMs);
  }
  check(result.exitCode, stderr);
  return {
    exitCode: result.exitCode ?? (result.signal ? 128 : 1),
    stdout: typeof result.stdout === 'string' ? result.stdout : '',
    stderr,
  };
}

/** Runs scripts on this machine with `sh`. */
export class LocalTransport implements Transport {
  readonly target = LOCAL_TARGET;

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  run(script: string, options: { timeoutMs?: number } = {}): Promise<ScriptResult> {
    const subprocess = execa('sh', ['-s'], {
      input: script,
      reject: false,
      stripFinalNewline: false,
      env: this.env,
      extendEnv: false,
      ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
    });
    return settle(this.target, subprocess, options.timeoutMs, () => {});
  }

  stream(script: string): ScriptStream {
    const subprocess = execa('sh', ['-s'], {
      input: script,
      reject: false,
      buffer: { stdout: false, stderr: true },
      env: this.env,
      extendEnv: false,
    }) as unknown as Subprocess;
    return toStream(this.target, subprocess, () => {});
  }

  runWithInput(commandLine: string, input: Buffer, options: { timeoutMs?: number } = {}): Promise<ScriptResult> {
    const subprocess = execa('sh', ['-c', commandLine], {
      input,
      reject: false,
      stripFinalNewline: false,
      env: this.env,
      extendEnv: false,
      ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
    });
    return settle(this.target, subprocess, options.timeoutMs, () => {});
  }
}

export interface SshOptions {
  /** Seconds ssh waits for the TCP connection and the handshake (ssh's ConnectTimeout). */
  connectTimeoutS?: number;
  /** An ssh client config file passed with `-F` in place of ~/.ssh/config. */
  configFile?: string;
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_CONNECT_TIMEOUT_S = 10;
/** Seconds between keep-alive probes, and how many may go unanswered before ssh gives up on the link. */
const SERVER_ALIVE_INTERVAL_S = 10;
const SERVER_ALIVE_COUNT_MAX = 3;

/**
 * Runs scripts on an SSH host through the system `ssh`, so that ~/.ssh/config, the agent, ProxyJump and
 * known_hosts all apply. Calls are non-interactive: a passphrase prompt or an unknown-host question
 * fails fast instead of hanging, and `test-connection` is the interactive path.
 */
export class SshTransport implements Transport {
  readonly target: string;
  readonly connectTimeoutS: number;
  readonly #configFile: string | undefined;
  readonly #env: NodeJS.ProcessEnv;

  constructor(host: string, options: SshOptions = {}) {
    this.target = validateHost(host);
    this.connectTimeoutS = options.connectTimeoutS ?? DEFAULT_CONNECT_TIMEOUT_S;
    this.#configFile = options.configFile;
    this.#env = options.env ?? process.env;
  }

  /** Arguments of a background ssh call up to and including the host; the remote command follows. */
  baseArgs(): string[] {
    return [
      '-T',
      ...(this.#configFile ? ['-F', this.#configFile] : []),
      '-o',
      'BatchMode=yes',
      '-o',
      `ConnectTimeout=${this.connectTimeoutS}`,
      '-o',
      `ServerAliveInterval=${SERVER_ALIVE_INTERVAL_S}`,
      '-o',
      `ServerAliveCountMax=${SERVER_ALIVE_COUNT_MAX}`,
      '-o',
      'StrictHostKeyChecking=accept-new',
      '--',
      this.target,
    ];
  }

  /** Arguments of the one interactive login of `test-connection`: a tty, prompts allowed. */
  interactiveArgs(): string[] {
    return [
      ...(this.#configFile ? ['-F', this.#configFile] : []),
      '-o',
      `ConnectTimeout=${this.connectTimeoutS}`,
      '-o',
      'StrictHostKeyChecking=ask',
      '--',
      this.target,
      'echo mllm-course: connected to $(hostname) as $(id -un)',
    ];
  }

  run(script: string, options: { timeoutMs?: number } = {}): Promise<ScriptResult> {
    debug('ssh %s: run script of %d bytes', this.target, script.length);
    const subprocess = execa('ssh', [...this.baseArgs(), 'sh -s'], {
      input: script,
      reject: false,
      stripFinalNewline: false,
      env: this.#env,
      ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
    });
    return settle(this.target, subprocess, options.timeoutMs, (code, stderr) => this.#check(code, stderr));
  }

  stream(script: string): ScriptStream {
    const subprocess = execa('ssh', [...this.baseArgs(), 'sh -s'], {
      input: script,
      reject: false,
      buffer: { stdout: false, stderr: true },
      env: this.#env,
    }) as unknown as Subprocess;
    return toStream(this.target, subprocess, (code, stderr) => this.#check(code, stderr));
  }

  runWithInput(commandLine: string, input: Buffer, options: { timeoutMs?: number } = {}): Promise<ScriptResult> {
    const subprocess = execa('ssh', [...this.baseArgs(), commandLine], {
      input,
      reject: false,
      stripFinalNewline: false,
      env: this.#env,
      ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
    });
    return settle(this.target, subprocess, options.timeoutMs, (code, stderr) => this.#check(code, stderr));
  }

  #check(exitCode: number | undefined, stderr: string): void {
    const failure = classifySshFailure(this.target, exitCode, stderr);
    if (failure) {
      debug('ssh %s failed (%s): %s', this.target, failure.kind, stderr.trim());
      throw failure;
    }
  }
}

function toStream(target: string, subprocess: Subprocess, check: (code: number | undefined, stderr: string) => void): ScriptStream {
  const stdout = subprocess.stdout;
  if (!stdout) {
    throw new Error(`no stdout pipe for the script on ${target}`);
  }
  return {
    stdout,
    pid: subprocess.pid,
    kill: () => {
      subprocess.kill('SIGTERM');
    },
    done: settle(target, subprocess as unknown as Promise<{ exitCode?: number; stderr?: unknown }>, undefined, check),
  };
}
