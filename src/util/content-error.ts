import type { z } from 'zod';

/** A lesson, diagram or question file that failed validation: names the file and the field at fault. */
export class ContentError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`Invalid content file ${file}: ${field ? `field "${field}"` : 'file'}: ${problem}`);
    this.name = 'ContentError';
  }

  /** Builds the error from the first zod issue, with `prefix` (e.g. a question id) before the field path. */
  static fromZod(file: string, error: z.ZodError, prefix = ''): ContentError {
    const issue = error.issues[0];
    const path = issue ? issue.path.map(String).join('.') : '';
    const field = [prefix, path].filter((part) => part !== '').join('.');
    return new ContentError(file, field, issue?.message ?? error.message);
  }
}
