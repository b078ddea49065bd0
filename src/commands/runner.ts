import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { execa } from 'execa';
import { checkHubAccess } from '../hub/check.js';
import { hubPreflightSection } from '../hub/doctor.js';
import { formatHubSection } from '../hub/format.js';
import { discoverToken } from '../hub/token.js';
import { ProgressStore } from '../progress/store.js';
import { EventsVersionError, type StageEvent } from '../runner/events.js';
import { RUNNER_EXIT, RUNNER_EXIT_HELP } from '../runner/exit-codes.js';
import { formatCancel, formatEvent, formatPreflight, formatRunsTable, type RunRow } from '../runner/format.js';
import { takeInterrupt } from '../runner/interrupt.js';
import { validateOutDir } from '../runner/out-dir.js';
import { InvalidHostError, LOCAL_TARGET, validateHost } from '../runner/quote.js';
import { compareNewestFirst, createRunner, DEFAULT_FOLLOW_RETRIES, UnknownRunError, type Runner } from '../runner/runner.js';
import { SshConnectionError } from '../runner/ssh-errors.js';
import { isStageName, SMOKE_REQUIREMENT, STAGE_NAMES, STAGE_REQUIREMENTS, stageCommand, type StageName } from '../runner/stages.js';
import { describeRunState, type RunState } from '../runner/state.js';
import { findRun, knownTargets, recordRun, rememberTarget, workDirFor } from '../runner/targets.js';
import { ScriptTimeoutError, SshTransport } from '../runner/transport.js';
import { followInteractive, showPreflight } from '../ui/runner/run-ui.js';
import { messageForOutput } from '../ui/wrap-message.js';
import { debug } from '../util/debug.js';
import { packagePath } from '../util/package-root.js';
import type { CliContext } from './context.js';

/** ssh client config passed with `-F` in place of ~/.ssh/config, for tests and unusual setups. */
export const SSH_CONFIG_ENV = 'MLLM_COURSE_SSH_CONFIG';
/** Folder of the gpu-runner to copy to targets; defaults to the one shipped with the package. */
export const GPU_RUNNER_DIR_ENV = 'MLLM_COURSE_GPU_RUNNER_DIR';

/** Minimum interval between two progress lines in plain output, so that a CI log stays readable. */
const PLAIN_PROGRESS_INTERVAL_MS = 1_000;

interface TargetOptions {
  host?: string;
  workDir?: string;
}

function parseHost(value: string): string {
  try {
    return validateHost(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

function parseOutDir(value: string): string {
  try {
    return validateOutDir(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

function packagedRunnerDir(env: NodeJS.ProcessEnv): string {
  return env[GPU_RUNNER_DIR_ENV] ?? packagePath('gpu-runner');
}

function openRunner(context: CliContext, store: ProgressStore, target: string, explicitWorkDir?: string): Runner {
  let workDir = workDirFor(store, target, explicitWorkDir);
  if (target === LOCAL_TARGET && !workDir.startsWith('~') && !path.isAbsolute(workDir)) {
    workDir = path.resolve(workDir);
  }
  return createRunner(target, { workDir, env: context.env, configFile: context.env[SSH_CONFIG_ENV] });
}

/** Writes a message, wrapped at word boundaries when the output is a terminal. */
function say(context: CliContext, stream: 'stdout' | 'stderr', text: string): void {
  context[stream].write(messageForOutput(context, text, context[stream]));
}

/** Prints an error as one actionable message and sets the matching exit code. */
function fail(context: CliContext, error: unknown): void {
  if (error instanceof SshConnectionError) {
    say(context, 'stderr', `error: ${error.message}\n`);
    context.exitCode = RUNNER_EXIT.connection;
    return;
  }
  if (error instanceof UnknownRunError || error instanceof InvalidHostError) {
    say(context, 'stderr', `error: ${error.message}\n`);
    context.exitCode = RUNNER_EXIT.usage;
    return;
  }
  if (error instanceof ScriptTimeoutError) {
    say(context, 'stderr', `error: ${error.message}\n`);
    context.exitCode = RUNNER_EXIT.connection;
    return;
  }
  debug('runner command failed', error);
  say(context, 'stderr', `error: ${error instanceof Error ? error.message : String(error)}\n`);
  context.exitCode = RUNNER_EXIT.failed;
}

function exitCodeFor(state: RunState | 'detached'): number {
  if (state === 'detached') {
    return RUNNER_EXIT.ok;
  }
  switch (state.kind) {
    case 'succeeded':
    case 'running':
      return RUNNER_EXIT.ok;
    case 'failed':
      return RUNNER_EXIT.failed;
    case 'cancelled':
    case 'lost':
      return RUNNER_EXIT.cancelled;
  }
}

/** Follows a run in plain text: log lines on stdout, one line per event, and progress lines at most once a second (and the last step). */
async function followPlain(context: CliContext, runner: Runner, runId: string, options: { once?: boolean; events?: boolean }): Promise<RunState | 'detached'> {
  let lastProgressAt = 0;
  const showEvents = options.events ?? true;
  const printEvent = (event: StageEvent): void => {
    if (event.kind === 'progress') {
      const now = Date.now();
      if (now - lastProgressAt < PLAIN_PROGRESS_INTERVAL_MS && (event.total === null || event.step < event.total)) {
        return;
      }
      lastProgressAt = now;
    }
    context.stdout.write(`${formatEvent(event)}\n`);
  };

  const sink = {
    onLines: (lines: string[]) => context.stdout.write(`${lines.join('\n')}\n`),
    onEvents: (events: StageEvent[]) => (showEvents ? events.forEach(printEvent) : undefined),
    onWarning: (message: string) => say(context, 'stderr', `warning: ${message}`),
  };
  const handle = options.once
    ? runner.follow(runId, sink, { once: true })
    : runner.followWithReconnect(runId, sink, {
        onReconnect: (attempt, error) =>
          say(context, 'stderr', `warning: ${error.message} Reconnecting (attempt ${attempt} of ${DEFAULT_FOLLOW_RETRIES}); the run goes on.`),
      });

  // Ctrl-C detaches: the run lives in its own session on the target and goes on.
  const releaseInterrupt = takeInterrupt(() => handle.detach());
  try {
    const state = await handle.finished;
    const live = handle.decoder.log.liveLine;
    if (options.once && live !== '') {
      context.stdout.write(`${live}\n`);
    }
    return state;
  } finally {
    releaseInterrupt();
  }
}

function reattachHint(runId: string, target: string): string {
  return `mllm-course logs ${runId} --follow${target === LOCAL_TARGET ? '' : ` --host ${target}`}`;
}

function detachedNote(runId: string, target: string): string {
  return `Detached; run ${runId} goes on. Re-attach: ${reattachHint(runId, target)}\n`;
}

interface RunOptions extends TargetOptions {
  /** False with --no-hub: skip the Hugging Face access check. */
  hub: boolean;
  smoke?: boolean;
  out?: string;
  force?: boolean;
  detach?: boolean;
}

async function runCommand(context: CliContext, stageArgument: string, options: RunOptions): Promise<void> {
  if (stageArgument !== 'all' && !isStageName(stageArgument)) {
    say(context, 'stderr', `error: unknown stage "${stageArgument}"; expected one of ${[...STAGE_NAMES, 'all'].join(', ')}.\n`);
    context.exitCode = RUNNER_EXIT.usage;
    return;
  }
  if (stageArgument === 'all' && options.detach) {
    say(context, 'stderr', 'error: --detach cannot be used with "all", which starts each stage after the previous one ends.\n');
    context.exitCode = RUNNER_EXIT.usage;
    return;
  }
  const stages: StageName[] = stageArgument === 'all' ? [...STAGE_NAMES] : [stageArgument as StageName];
  const store = ProgressStore.open({ cwd: context.env.MLLM_COURSE_CONFIG_DIR });
  const remembered = store.data.targets.last;
  const target = options.host ?? remembered ?? LOCAL_TARGET;
  if (options.host === undefined && remembered !== undefined) {
    say(context, 'stdout', `Target: ${target}, the last one used (pass --host to choose another, --host local for this machine).\n`);
  }
  const runner = openRunner(context, store, target, options.workDir);

  // A smoke run trains a tiny model on the CPU and downloads nothing but the Python environment.
  const requirement = options.smoke
    ? SMOKE_REQUIREMENT
    : {
        gpu: stages.some((stage) => STAGE_REQUIREMENTS[stage].gpu),
        diskBytes: Math.max(...stages.map((stage) => STAGE_REQUIREMENTS[stage].diskBytes)),
      };
  const report = await runner.preflight(requirement);
  if (context.mode.interactive) {
    await showPreflight(report, context);
  } else {
    say(context, 'stdout', formatPreflight(report));
  }

  // Smoke runs use synthetic data and download nothing, so only a full run needs Hub access.
  let hubOk = true;
  if (options.hub && !options.smoke) {
    const hubReport = await checkHubAccess({
      stage: stageArgument as StageName | 'all',
      env: context.env,
      freeDiskBytes: report.freeDiskBytes ?? null,
      serverToken: report.serverToken.state,
      serverTokenSource: report.serverToken.source,
    });
    const section = hubPreflightSection(hubReport);
    say(context, 'stdout', formatHubSection(section));
    hubOk = section.status !== 'error';
  }

  if ((!report.ok || !hubOk) && !options.force) {
    say(context, 'stderr', 'The stage was not started. Fix the failed checks above, or pass --force to start anyway.\n');
    context.exitCode = RUNNER_EXIT.preflight;
    return;
  }
  if (!report.ok || !hubOk) {
    say(context, 'stdout', 'Starting anyway because of --force.\n');
  }

  const workDir = await runner.resolveWorkDir();
  rememberTarget(store, target, runner.workDir);
  const sync = await runner.sync(packagedRunnerDir(context.env));
  say(context, 'stdout', sync.copied ? `Copied gpu-runner (${sync.files} files) to ${workDir}/${sync.folder}.\n` : `gpu-runner is up to date in ${workDir}/${sync.folder}.\n`);

  say(context, 'stdout', 'Preparing the Python environment (built once per requirements version).\n');
  const python = await runner.buildEnvironment(sync.folder, (lines) => say(context, 'stdout', lines.map((line) => `  ${line}`).join('\n')));

  const token = discoverToken(context.env).token;
  const outDir = options.out === undefined ? `${workDir}/out` : path.posix.isAbsolute(options.out) ? options.out : `${workDir}/${options.out}`;

  for (const stage of stages) {
    const run = await runner.launch({
      stage,
      command: stageCommand(python, stage, outDir, Boolean(options.smoke)),
      cwd: `${workDir}/${sync.folder}`,
      ...(token ? { secrets: { hfToken: token.reveal() } } : {}),
    });
    recordRun(store, run, stage, runner.workDir);
    say(context, 'stdout', `Started run ${run.id} (${stage}) on ${target}.\nFull log: ${run.runDir}/log\nRe-attach: ${reattachHint(run.id, target)}\n`);

    if (options.detach) {
      return;
    }

    let state: RunState | 'detached';
    try {
      state = context.mode.interactive
        ? await followInteractive(runner, { ...run, stage }, context)
        : await followPlain(context, runner, run.id, {});
    } catch (error) {
      // The run lives in its own session on the target, so only the view is lost; print how to re-attach.
      say(context, 'stderr', `Following run ${run.id} stopped; the run itself goes on. Re-attach: ${reattachHint(run.id, target)}\n`);
      throw error;
    }
    context.exitCode = exitCodeFor(state);
    if (state === 'detached') {
      say(context, 'stdout', detachedNote(run.id, target));
      return;
    }
    say(context, 'stdout', `Run ${run.id}: ${describeRunState(state)}.\n`);
    if (state.kind !== 'succeeded') {
      return;
    }
  }
}

async function runsCommand(context: CliContext, options: TargetOptions): Promise<void> {
  const store = ProgressStore.open({ cwd: context.env.MLLM_COURSE_CONFIG_DIR });
  const targets = options.host ? [options.host] : knownTargets(store);
  const rows: RunRow[] = [];
  let unreachable = false;

  for (const target of targets) {
    const runner = openRunner(context, store, target, options.workDir);
    try {
      for (const summary of await runner.list()) {
        rows.push({ id: summary.id, target, stage: summary.stage, state: summary.state, ...(summary.startedAt ? { startedAt: summary.startedAt } : {}) });
      }
    } catch (error) {
      unreachable = true;
      rows.push({ id: '-', target, stage: '-', state: { kind: 'unreachable', message: String(error) } });
      say(context, 'stderr', `warning: could not list runs on ${target}: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }

  // Newest first across all targets, so the run just started is at the top.
  context.stdout.write(formatRunsTable(rows.sort(compareNewestFirst)));
  context.exitCode = unreachable ? RUNNER_EXIT.connection : RUNNER_EXIT.ok;
}

/** Finds the target and work folder of a run: from `--host`, else from the runs this machine recorded. */
function runnerForRun(context: CliContext, store: ProgressStore, runId: string, options: TargetOptions): Runner {
  const record = findRun(store, runId);
  const target = options.host ?? record?.target ?? LOCAL_TARGET;
  const workDir = options.workDir ?? (record && record.target === target ? record.workDir : undefined);
  return openRunner(context, store, target, workDir);
}

async function logsCommand(context: CliContext, runId: string, options: TargetOptions & { follow?: boolean; events?: boolean }): Promise<void> {
  const store = ProgressStore.open({ cwd: context.env.MLLM_COURSE_CONFIG_DIR });
  const runner = runnerForRun(context, store, runId, options);
  if (options.follow && context.mode.interactive) {
    const record = findRun(store, runId);
    const runDir = record?.target === runner.target ? record.runDir : `${await runner.resolveWorkDir()}/runs/${runId}`;
    const state = await followInteractive(runner, { id: runId, target: runner.target, runDir, ...(record ? { stage: record.stage } : {}) }, context);
    context.exitCode = exitCodeFor(state);
    if (state === 'detached') {
      say(context, 'stdout', detachedNote(runId, runner.target));
    }
    return;
  }
  const state = await followPlain(context, runner, runId, { once: !options.follow, events: Boolean(options.events) });
  if (state === 'detached') {
    say(context, 'stdout', detachedNote(runId, runner.target));
  } else {
    say(context, 'stderr', `Run ${runId} on ${runner.target}: ${describeRunState(state)}.\n`);
  }
  context.exitCode = options.follow ? exitCodeFor(state) : RUNNER_EXIT.ok;
}

async function cancelCommand(context: CliContext, runId: string, options: TargetOptions): Promise<void> {
  const store = ProgressStore.open({ cwd: context.env.MLLM_COURSE_CONFIG_DIR });
  const runner = runnerForRun(context, store, runId, options);
  const result = await runner.cancel(runId);
  say(context, 'stdout', formatCancel(runId, runner.target, result));
  context.exitCode = result.gone && result.gpu !== 'busy' ? RUNNER_EXIT.ok : RUNNER_EXIT.leftovers;
}

async function testConnectionCommand(context: CliContext, host: string, options: { workDir?: string }): Promise<void> {
  const transport = new SshTransport(host, { configFile: context.env[SSH_CONFIG_ENV], env: context.env });
  say(context, 'stdout', `Connecting to ${host} once interactively: accept the host key or type your passphrase if asked.\n`);
  // stdin and stderr stay on the terminal so that ssh can prompt; stdout is captured to report the result.
  const result = await execa('ssh', transport.interactiveArgs(), { stdin: 'inherit', stderr: 'inherit', reject: false, env: context.env });
  if (result.exitCode !== 0) {
    say(
      context,
      'stderr',
      `error: ssh to ${host} failed (exit ${result.exitCode}). Read ssh's message above; check the name with \`ssh -G ${host}\`.\n`,
    );
    context.exitCode = RUNNER_EXIT.connection;
    return;
  }
  say(context, 'stdout', `${result.stdout.trim()}\nBackground connections to ${host} will now work without prompts.\n`);
  const store = ProgressStore.open({ cwd: context.env.MLLM_COURSE_CONFIG_DIR });
  rememberTarget(store, host, workDirFor(store, host, options.workDir));
  context.exitCode = RUNNER_EXIT.ok;
}

function wrap<T extends unknown[]>(context: CliContext, action: (...args: T) => Promise<void>): (...args: T) => Promise<void> {
  return async (...args: T) => {
    try {
      await action(...args);
    } catch (error) {
      if (error instanceof EventsVersionError) {
        say(context, 'stderr', `error: ${error.message}`);
        context.exitCode = RUNNER_EXIT.failed;
        return;
      }
      fail(context, error);
    }
  };
}

export function registerRunnerCommands(program: Command, context: CliContext): void {
  const hostDescription = 'SSH host, as in ~/.ssh/config or user@hostname; `local` is this machine';
  const workDirOption = ['--work-dir <path>', 'work folder on the target (default: the one remembered for it, else ~/mllm-course)'] as const;

  program
    .command('run')
    .description(`run a hands-on stage (${STAGE_NAMES.join(', ')} or all) after a preflight, and follow it`)
    .argument('<stage>', `${STAGE_NAMES.join(', ')} or all`)
    .option('--host <host>', 'SSH host to run on, as in ~/.ssh/config or user@hostname; `local` is this machine (default: the last target used, else this machine)', parseHost)
    .option(...workDirOption)
    .option('--smoke', 'run the stage on a tiny synthetic input, to check the setup in a minute')
    .option('--out <dir>', 'output folder on the target: relative to the work folder and inside it, or an absolute path to write elsewhere (default: out)', parseOutDir)
    .option('--force', 'start even when a preflight check failed')
    .option('--no-hub', 'skip the Hugging Face access check (token, gated repositories), which contacts the Hub')
    .option('--detach', 'start the run and return at once; follow it later with `logs <id> --follow` (not with `all`, which waits for each stage)')
    .addHelpText('after', RUNNER_EXIT_HELP.run)
    .action(wrap(context, (stage: string, options: RunOptions) => runCommand(context, stage, options)));

  program
    .command('runs')
    .description('list the runs on this machine and every remembered host, newest first, with their state')
    .option('--host <host>', `${hostDescription} (default: this machine and every remembered host)`, parseHost)
    .option(...workDirOption)
    .addHelpText('after', RUNNER_EXIT_HELP.runs)
    .action(wrap(context, (options: TargetOptions) => runsCommand(context, options)));

  program
    .command('logs')
    .description('print the log of a run from its start; with --follow, keep following until it ends')
    .argument('<id>', 'run id, as printed by `run` and `runs`')
    .option('-f, --follow', 'follow the log until the run ends (Ctrl-C detaches; the run goes on)')
    .option('--events', 'print the stage events (progress, metrics) between the log lines')
    .option('--host <host>', `${hostDescription} (default: the host the run was started on from here, else this machine)`, parseHost)
    .option(...workDirOption)
    .addHelpText('after', RUNNER_EXIT_HELP.logs)
    .action(wrap(context, (id: string, options: TargetOptions & { follow?: boolean; events?: boolean }) => logsCommand(context, id, options)));

  program
    .command('cancel')
    .description('stop a run: SIGINT, then SIGTERM, then SIGKILL to its process group; checks that nothing is left')
    .argument('<id>', 'run id, as printed by `run` and `runs`')
    .option('--host <host>', `${hostDescription} (default: the host the run was started on from here, else this machine)`, parseHost)
    .option(...workDirOption)
    .addHelpText('after', RUNNER_EXIT_HELP.cancel)
    .action(wrap(context, (id: string, options: TargetOptions) => cancelCommand(context, id, options)));

  program
    .command('test-connection')
    .description('log in to an SSH host once interactively, to accept its host key or unlock your key')
    .requiredOption('--host <host>', 'SSH host to log in to, as in ~/.ssh/config or user@hostname (required)', parseHost)
    .option('--work-dir <path>', 'work folder to remember for this host (default: the one remembered for it, else ~/mllm-course)')
    .addHelpText('after', RUNNER_EXIT_HELP.testConnection)
    .action(wrap(context, (options: { host: string; workDir?: string }) => testConnectionCommand(context, options.host, options)));
}
