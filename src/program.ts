import fs from 'node:fs';
import { Command, CommanderError } from 'commander';
import type { CliContext } from './commands/context.js';
import { ContentError } from './util/content-error.js';
import { resolveMode } from './util/mode.js';
import { packagePath } from './util/package-root.js';

export function packageVersion(): string {
  const file = packagePath('package.json');
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string };
  return manifest.version;
}

export function createContext(partial: Partial<CliContext> = {}): CliContext {
  const stdin = partial.stdin ?? process.stdin;
  const stdout = partial.stdout ?? process.stdout;
  const env = partial.env ?? process.env;

  return {
    stdin,
    stdout,
    stderr: partial.stderr ?? process.stderr,
    env,
    mode: partial.mode ?? resolveMode(stdin, stdout, env),
    exitCode: 0,
  };
}

type Register = (program: Command, context: CliContext) => void;

/**
 * Command groups with the command names each registers. Only the group of the command on the command line is
 * loaded, because compiling every group (Ink, execa, the Hub client) would double the start-up of `read`.
 */
const COMMAND_GROUPS: ReadonlyArray<{ names: readonly string[]; load: () => Promise<Register> }> = [
  { names: ['tutor', 'list', 'read', 'reset'], load: async () => (await import('./commands/lessons.js')).registerLessonsCommands },
  { names: ['quiz'], load: async () => (await import('./commands/quiz.js')).registerQuizCommands },
  { names: ['run', 'runs', 'logs', 'cancel', 'test-connection'], load: async () => (await import('./commands/runner.js')).registerRunnerCommands },
  { names: ['results'], load: async () => (await import('./commands/results.js')).registerResultsCommands },
  { names: ['hub'], load: async () => (await import('./commands/hub.js')).registerHubCommands },
  { names: ['doctor'], load: async () => (await import('./commands/doctor.js')).registerDoctorCommands },
];

/** Returns the first argument that is not an option: the command name, if any. */
function commandName(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((argument) => !argument.startsWith('-'));
}

/**
 * Builds the commander program. With `argv`, it registers only what that command line needs: the group of
 * the named command, none for --version, the lessons group for the default tutor command, and every group for
 * --help or a mistyped name.
 */
export async function buildProgram(context: CliContext, argv?: readonly string[]): Promise<Command> {
  const program = new Command();

  program
    .name('mllm-course')
    .description('Terminal tutor for the mini course on multimodal LLMs in medicine (MedGemma 1.5).')
    .version(packageVersion(), '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
    })
    .exitOverride();

  const name = argv ? commandName(argv) : undefined;
  const named = COMMAND_GROUPS.find((group) => name !== undefined && group.names.includes(name));
  const flags = argv?.slice(2) ?? [];
  const versionOnly = argv !== undefined && name === undefined && flags.some((flag) => flag === '-v' || flag === '--version');
  // No command and no --help starts the default command, the tutor, which is in the lessons group.
  const tutorOnly = argv !== undefined && name === undefined && !flags.some((flag) => flag === '-h' || flag === '--help');
  let groups = COMMAND_GROUPS;
  if (named) {
    groups = [named];
  } else if (versionOnly) {
    groups = [];
  } else if (tutorOnly) {
    groups = COMMAND_GROUPS.filter((group) => group.names.includes('tutor'));
  }
  const registers = await Promise.all(groups.map((group) => group.load()));
  for (const register of registers) {
    register(program, context);
  }

  return program;
}

/** Parses argv, runs the command and returns the exit code. */
export async function runCli(argv: string[], partial: Partial<CliContext> = {}): Promise<number> {
  const context = createContext(partial);
  const program = await buildProgram(context, argv);

  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0; usage errors were already printed.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof ContentError) {
      // A broken lesson or question file is a packaging fault: name it instead of printing a stack trace.
      context.stderr.write(`${error.message}\nReinstall mllm-course, or fix the file if you are editing the course.\n`);
      return 1;
    }
    throw error;
  }

  return context.exitCode;
}
