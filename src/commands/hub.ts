import { InvalidArgumentError, type Command } from 'commander';
import { checkHubAccess, InvalidEndpointError } from '../hub/check.js';
import { formatHubReport } from '../hub/format.js';
import { isStageSelection, STAGE_NAMES, type StageSelection } from '../hub/requirements.js';
import { messageForOutput } from '../ui/wrap-message.js';
import type { CliContext } from './context.js';

/** Exit codes of `hub check`, listed in its help text. */
export const HUB_CHECK_EXIT = {
  /** Every repository the stage needs is accessible. */
  ok: 0,
  /** A repository is not accessible, the token is missing or rejected, or the disk is too small. */
  notAccessible: 1,
  /** Bad usage: unknown stage or invalid endpoint. */
  usage: 2,
  /** The Hub was not reached (network error, timeout or HF_HUB_OFFLINE); only the token source was checked. */
  offline: 3,
} as const;

const EXIT_CODE_HELP = `
Exit codes:
  0  every repository the stage needs is accessible with this token
  1  a repository is not accessible, the token is missing or rejected,
     or the disk is too small
  2  bad usage (unknown stage, invalid endpoint URL)
  3  the Hub was not reached (network error, timeout or HF_HUB_OFFLINE);
     only the token source and its masked form were checked

The token is looked up in HF_TOKEN, the file at HF_TOKEN_PATH, $HF_HOME/token
and ~/.cache/huggingface/token (under XDG_CACHE_HOME when set). Only its masked
form is printed.
`;

function parseStage(value: string): StageSelection {
  if (!isStageSelection(value)) {
    throw new InvalidArgumentError(`expected one of ${[...STAGE_NAMES, 'all'].join(', ')}.`);
  }
  return value;
}

export function registerHubCommands(program: Command, context: CliContext): void {
  const hub = program.command('hub').description('check Hugging Face access before a stage starts');

  hub
    .command('check')
    .description('check the token, gated access and download sizes of the repositories a stage needs')
    .option('--stage <stage>', `stage to check: ${[...STAGE_NAMES, 'all'].join(', ')}`, parseStage, 'all')
    .option('--endpoint <url>', 'Hub base URL (default: HF_ENDPOINT, else https://huggingface.co)')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', EXIT_CODE_HELP)
    .action(async (options: { stage: StageSelection; endpoint?: string; json?: boolean }) => {
      let report;
      try {
        report = await checkHubAccess({ stage: options.stage, endpoint: options.endpoint, env: context.env });
      } catch (error) {
        if (error instanceof InvalidEndpointError) {
          context.stderr.write(messageForOutput(context, `error: ${error.message}\nPass --endpoint or set HF_ENDPOINT to the Hub's URL.\n`, context.stderr));
          context.exitCode = HUB_CHECK_EXIT.usage;
          return;
        }
        throw error;
      }

      // The report is wrapped at word boundaries on a terminal; JSON and piped text stay as they are.
      context.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : messageForOutput(context, formatHubReport(report)));

      if (report.offline) {
        context.exitCode = HUB_CHECK_EXIT.offline;
      } else {
        context.exitCode = report.ok ? HUB_CHECK_EXIT.ok : HUB_CHECK_EXIT.notAccessible;
      }
    });
}
