import type { Command } from 'commander';
import type { CliContext } from './context.js';

// NOTE: placeholder until the hub commands land; registers nothing.
export function registerHubCommands(_program: Command, _context: CliContext): void {}
