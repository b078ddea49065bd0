import fs from 'node:fs';
import { Command, CommanderError } from 'commander';
import type { CliContext } from './commands/context.js';
import { registerDoctorCommands } from './commands/doctor.js';
import { registerHubCommands } from './commands/hub.js';
import { registerLessonsCommands } from './commands/lessons.js';
import { registerQuizCommands } from './commands/quiz.js';
import { registerResultsCommands } from './commands/results.js';
import { registerRunnerCommands } from './commands/runner.js';
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

export function buildProgram(context: CliContext): Command {
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

  registerLessonsCommands(program, context);
  registerQuizCommands(program, context);
  registerRunnerCommands(program, context);
  registerResultsCommands(program, context);
  registerHubCommands(program, context);
  registerDoctorCommands(program, context);

  return program;
}

/** Parses argv, runs the command and returns the exit code. */
export async function runCli(argv: string[], partial: Partial<CliContext> = {}): Promise<number> {
  const context = createContext(partial);
  const program = buildProgram(context);

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
