import type { Command } from 'commander';
import type { CliContext } from './context.js';

// NOTE: placeholder until the doctor commands land; registers nothing.
export function registerDoctorCommands(_program: Command, _context: CliContext): void {}
