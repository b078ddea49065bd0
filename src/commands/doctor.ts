import os from 'node:os';
import type { Command } from 'commander';
import { execa } from 'execa';
import { InvalidArgumentError } from 'commander';
import { hubDoctorSection } from '../hub/doctor.js';
import { formatHubSection } from '../hub/format.js';
import { RUNNER_EXIT } from '../runner/exit-codes.js';
import { formatPreflight } from '../runner/format.js';
import { LOCAL_TARGET, validateHost } from '../runner/quote.js';
import { createRunner } from '../runner/runner.js';
import { SshConnectionError } from '../runner/ssh-errors.js';
import { STAGE_REQUIREMENTS } from '../runner/stages.js';
import { workDirFor } from '../runner/targets.js';
import { ProgressStore } from '../progress/store.js';
import { packageVersion } from '../program.js';
import { SSH_CONFIG_ENV } from './runner.js';
import type { CliContext } from './context.js';

const DOCTOR_HELP = `
Prints facts for a bug report: versions, terminal, the same preflight checks
that run before every stage (GPU, 40 GB class, other GPU processes, Python
3.12, free disk, tools) and the Hugging Face access check (token source,
gated repositories), which needs the network unless --no-hub is given. The
token is shown masked, never in full.

Exit codes:
  0  every required check passed
  3  a required check failed
  4  the SSH connection failed
`;

function yesNo(value: boolean | undefined): string {
  return value ? 'yes' : 'no';
}

async function sshVersion(env: NodeJS.ProcessEnv): Promise<string> {
  try {
    // OpenSSH prints its version on stderr.
    const result = await execa('ssh', ['-V'], { reject: false, env, timeout: 5_000 });
    return (result.stderr || result.stdout).trim() || 'unknown';
  } catch {
    return 'not found';
  }
}

/**
 * Describes the size the output is laid out for. When stdout is not a terminal (`doctor | head`), that size
 * comes from COLUMNS and LINES or the defaults, so the line says so and adds the terminal's own size when
 * stderr is still one.
 */
function sizeLine(context: CliContext): string {
  const layout = `${context.mode.columns} columns x ${context.mode.rows} rows`;
  if (context.stdout.isTTY) {
    return `Size: ${layout}`;
  }
  const stderr = context.stderr as CliContext['stderr'] & { isTTY?: boolean; columns?: number; rows?: number };
  const terminal = stderr.isTTY && stderr.columns && stderr.rows ? `; the terminal on stderr is ${stderr.columns} columns x ${stderr.rows} rows` : '';
  return `Size: ${layout} (stdout is not a terminal, so COLUMNS and LINES or the defaults apply${terminal})`;
}

/** Collects Node, system and terminal facts; the terminal ones decide how the tutor draws. */
export async function environmentFacts(context: CliContext): Promise<string[]> {
  const env = context.env;
  return [
    `mllm-course ${packageVersion()}`,
    `Node ${process.version} on ${os.platform()} ${os.arch()} (${os.release()})`,
    `Terminal: TERM=${env.TERM ?? '(unset)'} COLORTERM=${env.COLORTERM ?? '(unset)'} NO_COLOR=${env.NO_COLOR === undefined ? '(unset)' : 'set'}`,
    sizeLine(context),
    `TTY: stdin ${yesNo(context.stdin.isTTY)}, stdout ${yesNo(context.stdout.isTTY)}`,
    `Mode: ${context.mode.interactive ? 'interactive' : 'plain'}, colour ${yesNo(context.mode.color)}`,
    `ssh: ${await sshVersion(env)}`,
  ];
}

export function registerDoctorCommands(program: Command, context: CliContext): void {
  program
    .command('doctor')
    .description('print the preflight report and the Node, terminal and TTY facts for a bug report')
    .option('--host <host>', 'check this SSH host instead of this machine', (value: string) => {
      try {
        return validateHost(value);
      } catch (error) {
        throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
      }
    })
    .option('--work-dir <path>', 'work folder to check for free disk (default: the one remembered for the target)')
    .option('--no-hub', 'skip the Hugging Face access check, which contacts the Hub')
    .addHelpText('after', DOCTOR_HELP)
    .action(async (options: { host?: string; workDir?: string; hub: boolean }) => {
      context.stdout.write(`${(await environmentFacts(context)).join('\n')}\n\n`);

      const target = options.host ?? LOCAL_TARGET;
      const store = ProgressStore.open({ cwd: context.env.MLLM_COURSE_CONFIG_DIR });
      const runner = createRunner(target, { workDir: workDirFor(store, target, options.workDir), env: context.env, configFile: context.env[SSH_CONFIG_ENV] });
      try {
        // Checks against the largest needs of any stage: a GPU, and the disk that evaluate needs.
        const report = await runner.preflight({ gpu: true, diskBytes: STAGE_REQUIREMENTS.evaluate.diskBytes });
        context.stdout.write(formatPreflight(report));
        context.exitCode = report.ok ? RUNNER_EXIT.ok : RUNNER_EXIT.preflight;
      } catch (error) {
        if (error instanceof SshConnectionError) {
          context.stderr.write(`error: ${error.message}\n`);
          context.exitCode = RUNNER_EXIT.connection;
          return;
        }
        throw error;
      }

      if (options.hub) {
        // The section is informational: a Hub problem does not change the exit code, which is the preflight's.
        try {
          context.stdout.write(`\n${formatHubSection(await hubDoctorSection({ env: context.env }))}`);
        } catch (error) {
          // Only an invalid HF_ENDPOINT throws here; network and Hub failures come back as a warning section.
          context.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
        }
      }
    });
}
