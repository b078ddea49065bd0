import type { Command } from 'commander';
import type { CliContext } from './context.js';

// NOTE: placeholder until the runner commands land; registers nothing.
export function registerRunnerCommands(_program: Command, _context: CliContext): void {}
