import fs from 'node:fs';
import path from 'node:path';
import Conf from 'conf';
import { debug } from '../util/debug.js';
import { migrateProgress, NewerProgressError } from './migrate.js';
import { salvageProgress } from './salvage.js';
import { emptyProgress, ProgressSchema, type Progress } from './schema.js';

export const PROJECT_NAME = 'mllm-course';
export const CONFIG_DIR_ENV = 'MLLM_COURSE_CONFIG_DIR';
const PROGRESS_FILE = 'progress.json';

/** Dropped entries named in the warning; the backup keeps them all. */
const MAX_DROPPED_SHOWN = 3;

export interface ProgressStoreOptions {
  /** Folder of the progress file; defaults to `$MLLM_COURSE_CONFIG_DIR`, then the OS config folder. */
  cwd?: string;
}

/**
 * Progress, quiz history and remembered targets, kept in one JSON file through conf (atomic writes).
 * A corrupt or invalid file is copied aside and reported in `warnings`. A folder that cannot be written
 * leaves the store working in memory with a warning. Opening and saving never throw; `update` throws only
 * when `mutate` leaves data that does not match the schema.
 */
export class ProgressStore {
  readonly warnings: string[] = [];
  #conf: Conf<Record<string, unknown>> | undefined;
  #data: Progress = emptyProgress();
  #corruptText: string | undefined;
  #writeWarned = false;
  #readOnly = false;

  private constructor() {}

  static open(options: ProgressStoreOptions = {}): ProgressStore {
    const store = new ProgressStore();
    store.#openConf(options.cwd ?? process.env[CONFIG_DIR_ENV]);
    store.#data = store.#readValidated() ?? emptyProgress();
    return store;
  }

  /** Path of the progress file, or undefined when the store only lives in memory. */
  get path(): string | undefined {
    return this.#conf?.path;
  }

  get data(): Readonly<Progress> {
    return this.#data;
  }

  /**
   * Applies `mutate` to the latest saved progress and writes it back. It re-reads the file first so that
   * two tutors open at once (one in tmux, one headless) do not erase each other's changes.
   */
  update(mutate: (draft: Progress) => void): void {
    const latest = this.#readOnly ? undefined : this.#readValidated(false);
    const draft = structuredClone(latest ?? this.#data);

    mutate(draft);

    this.#data = ProgressSchema.parse(draft);
    this.#write();
  }

  #openConf(cwd: string | undefined): void {
    try {
      this.#conf = new Conf<Record<string, unknown>>({
        projectName: PROJECT_NAME,
        projectSuffix: '',
        configName: 'progress',
        ...(cwd ? { cwd } : {}),
        // conf throws on invalid JSON before we could back the file up; keep the text and back it up below.
        deserialize: (text: string) => {
          try {
            const parsed: unknown = JSON.parse(text);
            if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
              return parsed as Record<string, unknown>;
            }
          } catch {
            // Reported below as a file that is not valid JSON.
          }
          this.#corruptText = text;
          return {};
        },
      });
    } catch (error) {
      const failure = error as NodeJS.ErrnoException;
      const file = cwd ? path.join(cwd, PROGRESS_FILE) : `${PROGRESS_FILE} in the default config folder`;
      // A read of a folder fails with EISDIR and no path: progress.json itself is the folder.
      const failed = failure.path ?? (failure.code === 'EISDIR' ? file : (cwd ?? 'the default config folder'));
      this.warnings.push(
        `Cannot use ${failed} for progress (${describeError(error)}); progress is kept only until you quit. ` +
          `Move that path away, or set ${CONFIG_DIR_ENV} to a writable folder.`,
      );
      debug('progress store in memory', error);
    }
  }

  /** Reads, migrates and validates the file. Returns undefined when there is nothing usable. */
  #readValidated(reportProblems = true): Progress | undefined {
    if (!this.#conf) {
      return undefined;
    }

    let raw: Record<string, unknown>;
    try {
      this.#corruptText = undefined;
      raw = this.#conf.store;
    } catch (error) {
      if (reportProblems) {
        this.warnings.push(`Cannot read the progress file ${this.#conf.path} (${describeError(error)}); starting with empty progress.`);
      }
      return undefined;
    }

    if (this.#corruptText !== undefined) {
      if (reportProblems) {
        this.#backUp('it is not a valid JSON object');
      }
      return undefined;
    }

    if (Object.keys(raw).length === 0) {
      return undefined;
    }

    let migrated: unknown;
    try {
      migrated = migrateProgress(raw);
    } catch (error) {
      if (!reportProblems) {
        return undefined;
      }
      if (error instanceof NewerProgressError) {
        this.#readOnly = true;
        this.warnings.push(`${error.message}. Progress from this session will not be saved.`);
        return undefined;
      }
      this.#backUp(`it does not match the expected layout: ${describeError(error)}`);
      return undefined;
    }

    const parsed = ProgressSchema.safeParse(migrated);
    if (parsed.success) {
      return parsed.data;
    }
    if (!reportProblems) {
      return undefined;
    }

    // Keep what is valid, so that one bad entry does not cost every read lesson and the quiz history.
    const salvaged = salvageProgress(migrated as Record<string, unknown>);
    const shown = salvaged.dropped.slice(0, MAX_DROPPED_SHOWN).join('; ');
    const more = salvaged.dropped.length > MAX_DROPPED_SHOWN ? ` and ${salvaged.dropped.length - MAX_DROPPED_SHOWN} more` : '';
    this.#backUp(`it does not match the expected layout (${shown}${more}). The valid entries were kept`, 'keep');
    return salvaged.progress;
  }

  #backUp(reason: string, outcome: 'empty' | 'keep' = 'empty'): void {
    const file = this.#conf?.path;
    if (!file) {
      return;
    }

    const stamp = new Date().toISOString().replaceAll(':', '-');
    const backup = file.replace(/\.json$/, '') + `.corrupt-${stamp}.json`;
    try {
      fs.copyFileSync(file, backup);
      this.warnings.push(
        `The progress file ${file} could not be used as it was because ${reason}. It was copied to ${backup}` +
          (outcome === 'empty' ? '; starting with empty progress.' : '.'),
      );
    } catch (error) {
      this.#readOnly = true;
      this.warnings.push(
        `The progress file ${file} could not be used because ${reason}, and backing it up to ${backup} failed ` +
          `(${describeError(error)}). It is left untouched and progress will not be saved; move it away to start over.`,
      );
    }
  }

  #write(): void {
    if (!this.#conf || this.#readOnly) {
      return;
    }

    try {
      this.#conf.store = this.#data as unknown as Record<string, unknown>;
    } catch (error) {
      debug('progress write failed', error);
      if (!this.#writeWarned) {
        this.#writeWarned = true;
        this.warnings.push(
          `Cannot save progress to ${this.#conf.path} (${describeError(error)}); it is kept only until you quit. ` +
            `Make the folder writable or set ${CONFIG_DIR_ENV}.`,
        );
      }
    }
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Node's fs errors already start with their code ("ENOTDIR: not a directory, ...").
    return code && !error.message.startsWith(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
