import type { Command } from 'commander';
import type { CliContext } from './context.js';

// NOTE: placeholder until the lessons commands land; registers nothing.
export function registerLessonsCommands(_program: Command, _context: CliContext): void {}
