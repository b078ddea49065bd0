import type { Command } from 'commander';
import type { CliContext } from './context.js';

// NOTE: placeholder until the quiz commands land; registers nothing.
export function registerQuizCommands(_program: Command, _context: CliContext): void {}
