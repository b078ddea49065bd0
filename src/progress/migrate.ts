import { PROGRESS_VERSION } from './schema.js';

/**
 * Brings a parsed progress file up to the current layout. Files without a `version` field come from
 * before versioning and only ever held `lessons` and `lastLesson`, which version 1 keeps as they are.
 * Throws when the file was written by a newer mllm-course, so that it is kept rather than overwritten.
 */
export function migrateProgress(raw: unknown): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new Error('the progress file does not contain a JSON object');
  }

  const data = { ...(raw as Record<string, unknown>) };
  const version = data.version ?? 0;

  if (typeof version !== 'number') {
    throw new Error(`the progress file has an invalid version field: ${JSON.stringify(version)}`);
  }

  if (version > PROGRESS_VERSION) {
    throw new NewerProgressError(version);
  }

  if (version === 0) {
    data.version = 1;
  }

  return data;
}

export class NewerProgressError extends Error {
  constructor(readonly version: number) {
    super(
      `the progress file has version ${version}, newer than this mllm-course understands (${PROGRESS_VERSION}); ` +
        'update with `npm install -g mllm-course@latest` or run `npx mllm-course@latest`',
    );
  }
}
