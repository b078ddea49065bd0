/**
 * The runner: one interface over a transport (this machine or an SSH host) to check, prepare, launch,
 * follow, list and cancel detached stage runs. Local and SSH runners differ only in their transport.
 */
import type { StageEvent } from './events.js';
import { FollowDecoder, type FollowOptions, type FollowSink } from './follow.js';
import { LogPipeline } from './log-pipeline.js';
import { runPreflight, type PreflightReport, type StageRequirement } from './preflight.js';
import { isValidRunId, LOCAL_TARGET, newRunId, quote } from './quote.js';
import {
  cancelScript,
  DEFAULT_CANCEL_TIMEOUTS,
  followScript,
  LAUNCH_EXIT,
  launchScript,
  listRunsScript,
  type CancelTimeouts,
} from './scripts.js';
import { SshConnectionError } from './ssh-errors.js';
import { runStateFromFacts, type RunState } from './state.js';
import { environmentScript, syncRunner, WORK_DIR_EXPANSION, type SyncResult } from './sync.js';
import { LocalTransport, SshTransport, type ScriptStream, type SshOptions, type Transport } from './transport.js';

/** Default work folder on a target; `~` is expanded there, not here. */
export const DEFAULT_WORK_DIR = '~/mllm-course';

/** Characters of an unknown run id repeated in its error message. */
const MAX_SHOWN_RUN_ID = 60;

export class UnknownRunError extends Error {
  constructor(readonly runId: string, target: string) {
    // Run ids are about 30 characters; a longer value is cut so that it cannot fill the screen.
    const shown = runId.length > MAX_SHOWN_RUN_ID ? `${runId.slice(0, MAX_SHOWN_RUN_ID)}…` : runId;
    super(`Run ${JSON.stringify(shown)} was not found on ${target}. List the runs with \`mllm-course runs\`.`);
    this.name = 'UnknownRunError';
  }
}

/** The follower ended without the run's final state, for example because the connection was cut. */
export class FollowInterruptedError extends Error {
  constructor(readonly runId: string, target: string, detail: string) {
    super(`Following run ${runId} on ${target} stopped early (${detail}). Attach again with \`mllm-course logs ${runId} --follow\`.`);
    this.name = 'FollowInterruptedError';
  }
}

export interface ReconnectOptions {
  /** Reconnections tried in a row without new data before giving up. */
  retries?: number;
  /** Milliseconds to wait before reconnection number `attempt` (1-based). */
  delayMs?: (attempt: number) => number;
  /** Called before each reconnection, with the error that ended the previous follower. */
  onReconnect?: (attempt: number, error: Error) => void;
}

export const DEFAULT_FOLLOW_RETRIES = 5;

/** Errors after which a new follower may work: a cut or timed-out connection, not a missing run. */
function isReconnectable(error: unknown): error is Error {
  if (error instanceof FollowInterruptedError) {
    return true;
  }
  return error instanceof SshConnectionError && ['connection-lost', 'timeout', 'connection-refused'].includes(error.kind);
}

export interface LaunchOptions {
  /** Stage name, recorded in the run folder and used in the run id. */
  stage: string;
  command: readonly string[];
  /** Folder the command starts in: absolute, or relative to the work folder. */
  cwd: string;
  env?: Readonly<Record<string, string>>;
  secrets?: { hfToken?: string };
  runId?: string;
}

export interface LaunchedRun {
  id: string;
  target: string;
  runDir: string;
  pgid: number;
  startedAt: string;
}

export interface RunSummary {
  id: string;
  stage: string;
  state: RunState;
  /** ISO 8601 start time from the run's meta.json; missing for a run folder without one. */
  startedAt?: string;
}

/** Orders runs newest first by start time; runs without one go last, by id. */
export function compareNewestFirst(left: { id: string; startedAt?: string }, right: { id: string; startedAt?: string }): number {
  const leftTime = left.startedAt ? Date.parse(left.startedAt) : Number.NaN;
  const rightTime = right.startedAt ? Date.parse(right.startedAt) : Number.NaN;
  if (Number.isNaN(leftTime) || Number.isNaN(rightTime)) {
    return Number.isNaN(leftTime) === Number.isNaN(rightTime) ? left.id.localeCompare(right.id) : Number.isNaN(leftTime) ? 1 : -1;
  }
  return rightTime - leftTime || left.id.localeCompare(right.id);
}

export interface CancelResult {
  /** Process ids of the run when the cancel began. */
  pids: number[];
  signals: string[];
  /** True when no process of the group is left. */
  gone: boolean;
  /** Processes still alive after SIGKILL; non-empty only when `gone` is false. */
  left: number[];
  gpu: 'released' | 'busy' | 'unchecked';
  /** `pid:MiB` pairs still on the GPU when `gpu` is `busy`. */
  gpuBusy: string[];
  /** The run had already ended before the cancel. */
  alreadyEnded: boolean;
}

export interface FollowHandle {
  /** Resolves with the final state, or `detached` when `detach` was called first. */
  finished: Promise<RunState | 'detached'>;
  /** Stops following; the run goes on. */
  detach(): void;
  decoder: FollowDecoder;
  /** The local process that reads the run (ssh or sh), for tests that cut the connection. */
  stream: ScriptStream;
}

function parseIds(text: string | undefined): number[] {
  return (text ?? '').trim().split(/\s+/).filter(Boolean).map(Number).filter(Number.isInteger);
}

export class Runner {
  constructor(readonly transport: Transport, readonly workDir: string = DEFAULT_WORK_DIR) {}

  get target(): string {
    return this.transport.target;
  }

  /** Returns the work folder as an absolute path on the target (`~` expanded there). */
  async resolveWorkDir(): Promise<string> {
    const result = await this.transport.run(`set -- ${quote(this.workDir)}\n${WORK_DIR_EXPANSION}printf '%s\\n' "$work"\n`, { timeoutMs: 60_000 });
    const resolved = result.stdout.trim();
    if (result.exitCode !== 0 || !resolved.startsWith('/')) {
      throw new Error(`Could not resolve the work folder ${this.workDir} on ${this.target}: ${result.stderr.trim() || resolved}`);
    }
    return resolved;
  }

  preflight(requirement: StageRequirement): Promise<PreflightReport> {
    return runPreflight(this.transport, this.workDir, requirement);
  }

  sync(sourceDir: string): Promise<SyncResult> {
    return syncRunner(this.transport, sourceDir, this.workDir);
  }

  /**
   * Builds or reuses the virtual environment of a synced gpu-runner; `onLines` gets its build log.
   * Returns the path of its python.
   */
  async buildEnvironment(folder: string, onLines: (lines: string[]) => void): Promise<string> {
    const stream = this.transport.stream(environmentScript(this.workDir, folder));
    const log = new LogPipeline();
    let python: string | undefined;
    const forward = (lines: string[]): void => {
      const shown = lines.filter((line) => {
        const match = /^@@python (.+)$/.exec(line);
        if (match) {
          python = match[1];
          return false;
        }
        return true;
      });
      if (shown.length > 0) {
        onLines(shown);
      }
    };

    stream.stdout.setEncoding('utf8');
    stream.stdout.on('data', (chunk: string) => forward(log.push(chunk)));
    const result = await stream.done;
    forward(log.end());
    if (result.exitCode !== 0 || python === undefined) {
      throw new Error(
        `Building the Python environment on ${this.target} failed (exit ${result.exitCode}); its log is above. ` +
          'Fix the cause it names, then run the stage again.',
      );
    }
    return python;
  }

  /** Starts a detached run and returns once its process group exists. */
  async launch(options: LaunchOptions): Promise<LaunchedRun> {
    const id = options.runId ?? newRunId(options.stage);
    const startedAt = new Date().toISOString();
    const script = launchScript({
      workDir: this.workDir,
      runId: id,
      cwd: options.cwd,
      command: options.command,
      env: { PYTHONUNBUFFERED: '1', ...options.env },
      meta: { id, stage: options.stage, startedAt, target: this.target, command: options.command },
      ...(options.secrets?.hfToken ? { hfToken: options.secrets.hfToken } : {}),
    });

    const result = await this.transport.run(script, { timeoutMs: 60_000 });
    if (result.exitCode !== 0) {
      const reason = result.stderr.trim() || `exit ${result.exitCode}`;
      const next = result.exitCode === LAUNCH_EXIT.noSetsid
        ? ' Install util-linux 2.31 or newer there, or ask the administrator.'
        : ' Check the target with `mllm-course doctor`.';
      throw new Error(`Starting ${options.stage} on ${this.target} failed: ${reason}.${next}`);
    }

    const pgid = Number(/^pgid (\d+)$/m.exec(result.stdout)?.[1]);
    const runDir = /^run_dir (.+)$/m.exec(result.stdout)?.[1];
    if (!Number.isInteger(pgid) || !runDir) {
      throw new Error(`Starting ${options.stage} on ${this.target} gave unexpected output: ${result.stdout.trim()}`);
    }
    return { id, target: this.target, runDir, pgid, startedAt };
  }

  /**
   * Replays the run's log and events from the start and follows them until the run ends. Each attach
   * delivers every line once, because the follower reads from offset 0 and then only new bytes. With
   * `once`, it delivers what is there now and resolves with `running` for a run that goes on.
   */
  follow(runId: string, sink: FollowSink, options: FollowOptions & { once?: boolean; decoder?: FollowDecoder } = {}): FollowHandle {
    this.#checkRunId(runId);
    const decoder = options.decoder ?? new FollowDecoder(sink, options);
    decoder.resume();
    const start = { log: decoder.logBytes, events: decoder.eventsBytes };
    const stream = this.transport.stream(followScript(this.workDir, runId, options.once, start));
    let detached = false;
    let streamError: Error | undefined;

    stream.stdout.on('data', (chunk: Buffer) => {
      if (streamError) {
        return;
      }
      try {
        decoder.push(chunk);
      } catch (error) {
        // A malformed frame means the follower's output cannot be trusted; stop reading instead of crashing.
        streamError = error instanceof Error ? error : new Error(String(error));
        stream.kill();
      }
    });
    const finished = stream.done.then((result): RunState | 'detached' => {
      if (detached) {
        return 'detached';
      }
      if (streamError) {
        throw new Error(`Following run ${runId} on ${this.target} failed: ${streamError.message}. Attach again with \`mllm-course logs ${runId} --follow\`.`);
      }
      if (decoder.missing) {
        throw new UnknownRunError(runId, this.target);
      }
      if (!decoder.state) {
        throw new FollowInterruptedError(runId, this.target, `exit ${result.exitCode}: ${result.stderr.trim() || 'no message'}`);
      }
      return decoder.state;
    }, (error: unknown): RunState | 'detached' => {
      if (detached) {
        return 'detached';
      }
      throw error;
    });

    return {
      finished,
      decoder,
      stream,
      detach: () => {
        detached = true;
        stream.kill();
      },
    };
  }

  /**
   * Follows like `follow`, and when the connection drops it starts a new follower from the bytes already
   * received, so no line is shown twice or lost. It gives up after `retries` failures in a row without new
   * data, and never retries a missing run.
   */
  followWithReconnect(runId: string, sink: FollowSink, options: FollowOptions & ReconnectOptions = {}): FollowHandle & { current: () => FollowHandle } {
    const retries = options.retries ?? DEFAULT_FOLLOW_RETRIES;
    const delayMs = options.delayMs ?? ((attempt: number) => Math.min(8_000, 500 * 2 ** (attempt - 1)));
    let current = this.follow(runId, sink, options);
    let detached = false;
    let wake: (() => void) | undefined;

    const finished = (async (): Promise<RunState | 'detached'> => {
      let attempt = 0;
      let bytesAtFailure = -1;
      for (;;) {
        try {
          return await current.finished;
        } catch (error) {
          if (detached) {
            return 'detached';
          }
          const received = current.decoder.logBytes + current.decoder.eventsBytes;
          attempt = received > bytesAtFailure ? 1 : attempt + 1;
          bytesAtFailure = received;
          if (!isReconnectable(error) || attempt > retries) {
            throw error;
          }
          options.onReconnect?.(attempt, error);
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, delayMs(attempt));
          });
          if (detached) {
            return 'detached';
          }
          current = this.follow(runId, sink, { ...options, decoder: current.decoder });
        }
      }
    })();

    return {
      finished,
      get decoder() {
        return current.decoder;
      },
      get stream() {
        return current.stream;
      },
      current: () => current,
      detach: () => {
        detached = true;
        current.detach();
        wake?.();
      },
    };
  }

  async cancel(runId: string, timeouts: CancelTimeouts = DEFAULT_CANCEL_TIMEOUTS): Promise<CancelResult> {
    this.#checkRunId(runId);
    const budgetS = timeouts.interruptS + timeouts.terminateS + timeouts.killS + timeouts.gpuReleaseS + 30;
    const result = await this.transport.run(cancelScript(this.workDir, runId, timeouts), { timeoutMs: budgetS * 1000 });
    const lines = result.stdout.split('\n');
    const value = (tag: string): string | undefined => lines.find((line) => line === tag || line.startsWith(`${tag} `))?.slice(tag.length + 1);

    if (lines.includes('missing')) {
      throw new UnknownRunError(runId, this.target);
    }
    if (result.exitCode !== 0) {
      throw new Error(`Cancelling run ${runId} on ${this.target} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
    }
    if (lines.includes('nopgid')) {
      throw new Error(`Run ${runId} on ${this.target} has no process group id recorded, so it cannot be signalled; it may not have started.`);
    }

    const ended = value('ended');
    const gpuLine = value('gpu') ?? 'unchecked';
    const [gpuWord, ...busy] = gpuLine.split(' ').filter(Boolean);
    let gpu: CancelResult['gpu'] = 'unchecked';
    if (ended === undefined && (gpuWord === 'released' || gpuWord === 'busy')) {
      gpu = gpuWord;
    }
    return {
      pids: parseIds(value('pids')),
      signals: lines.filter((line) => line.startsWith('signal ')).map((line) => line.slice(7)),
      gone: ended !== undefined || lines.includes('gone'),
      left: parseIds(value('left')),
      gpu,
      gpuBusy: busy,
      alreadyEnded: ended !== undefined,
    };
  }

  /** Lists every run folder of the work folder with its state. */
  async list(): Promise<RunSummary[]> {
    const result = await this.transport.run(listRunsScript(this.workDir), { timeoutMs: 60_000 });
    if (result.exitCode !== 0) {
      throw new Error(`Listing runs on ${this.target} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
    }
    const runs: RunSummary[] = [];
    for (const line of result.stdout.split('\n')) {
      const match = /^run (\S+) (-|\d+) ([01]) ([01]) (\S+)(?: (\S+))?$/.exec(line);
      if (!match) {
        continue;
      }
      const exitCode = match[2] === '-' ? undefined : Number(match[2]);
      const startedAt = match[6] === undefined || match[6] === '-' ? {} : { startedAt: match[6] };
      runs.push({ id: match[1]!, stage: match[5]!, state: runStateFromFacts(exitCode, match[3] === '1', match[4] === '1'), ...startedAt });
    }
    return runs.sort(compareNewestFirst);
  }

  #checkRunId(runId: string): void {
    if (!isValidRunId(runId)) {
      throw new UnknownRunError(runId, this.target);
    }
  }
}

/** Makes the runner for a target: `local` (or undefined) for this machine, anything else an SSH host. */
export function createRunner(target: string | undefined, options: SshOptions & { workDir?: string } = {}): Runner {
  const transport = target === undefined || target === LOCAL_TARGET ? new LocalTransport(options.env) : new SshTransport(target, options);
  return new Runner(transport, options.workDir ?? DEFAULT_WORK_DIR);
}

export type { StageEvent };
