import fs from 'node:fs';
import { format } from 'node:util';

/** Environment variable that turns debug logging on: `1` writes to stderr, a path appends to that file. */
export const DEBUG_ENV = 'MLLM_COURSE_DEBUG';

/**
 * Writes a diagnostic line when `MLLM_COURSE_DEBUG` is set. UI code uses this instead of console,
 * which would corrupt Ink's frame. Callers must never pass a token or other secret.
 */
export function debug(message: string, ...details: unknown[]): void {
  const target = process.env[DEBUG_ENV];
  if (!target) {
    return;
  }

  const line = `${new Date().toISOString()} ${format(message, ...details)}\n`;
  if (target === '1' || target === 'stderr') {
    process.stderr.write(line);
    return;
  }

  try {
    fs.appendFileSync(target, line);
  } catch {
    // A broken debug target must not break the tutor.
  }
}
