/**
 * Reader of the stage events file: one JSON object per line, protocol version 1 (see
 * gpu-runner/PROTOCOL.md). Unknown kinds and fields are ignored, so newer stages still work with this
 * reader. A different `v` is rejected with a message that names both versions.
 */

export const EVENTS_PROTOCOL_VERSION = 1;

interface EventBase {
  seq: number;
  /** Unix time in seconds at which the stage wrote the event. */
  ts: number;
  stage: string;
  /** Field names whose value was NaN or infinite and was sent as null. */
  nonfinite: string[];
}

export interface StartEvent extends EventBase {
  kind: 'start';
  message: string;
  total?: number;
}

export interface ProgressEvent extends EventBase {
  kind: 'progress';
  step: number;
  /** null while the stage does not know the total yet. */
  total: number | null;
  /** null when the stage sent NaN or infinity (listed in `nonfinite`). */
  loss?: number | null;
  lr?: number | null;
  etaS?: number | null;
  epoch?: number | null;
  message?: string;
  unit?: string;
}

export interface MetricEvent extends EventBase {
  kind: 'metric';
  name: string;
  value: number | null;
  model?: string;
  split?: string;
}

export interface ArtifactEvent extends EventBase {
  kind: 'artifact';
  path: string;
  label: string;
}

export interface DoneEvent extends EventBase {
  kind: 'done';
  message: string;
  elapsedS?: number | null;
}

export interface ErrorEvent extends EventBase {
  kind: 'error';
  message: string;
  hint?: string;
  code?: string;
}

export type StageEvent = StartEvent | ProgressEvent | MetricEvent | ArtifactEvent | DoneEvent | ErrorEvent;

export class EventsVersionError extends Error {
  constructor(readonly version: unknown) {
    super(
      `The stage wrote events with protocol version ${JSON.stringify(version)}, but this mllm-course reads ` +
        `version ${EVENTS_PROTOCOL_VERSION}. Use the same mllm-course release for the tutor and the GPU stages ` +
        '(run `mllm-course run` again so that it syncs its own gpu-runner to the target).',
    );
    this.name = 'EventsVersionError';
  }
}

/** Lines that were not valid events; kept as a count plus the first few for the debug log. */
export interface ParseProblems {
  invalidLines: number;
  samples: string[];
  ignoredKinds: number;
}

/** A line that carries a progress event, as written with or without spaces after the colon. */
const PROGRESS_KIND = /"kind"\s*:\s*"progress"/;
const MAX_PROBLEM_SAMPLES = 5;
const MAX_SAMPLE_CHARS = 200;

type Fields = Record<string, unknown>;

function finiteOrNull(fields: Fields, name: string): number | null | undefined {
  const value = fields[name];
  if (value === null) {
    return null;
  }
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function text(fields: Fields, name: string): string | undefined {
  const value = fields[name];
  return typeof value === 'string' ? value : undefined;
}

function withOptional<T extends object>(event: T, optional: Record<string, unknown>): T {
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) {
      (event as Record<string, unknown>)[key] = value;
    }
  }
  return event;
}

/**
 * Converts one parsed JSON object to an event. Returns undefined for an unknown kind, and throws
 * `EventsVersionError` for another protocol version and a plain Error for a malformed known event.
 */
export function toStageEvent(fields: Fields): StageEvent | undefined {
  if (fields.v !== EVENTS_PROTOCOL_VERSION) {
    throw new EventsVersionError(fields.v);
  }

  const seq = fields.seq;
  const ts = fields.ts;
  const stage = fields.stage;
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 1) {
    throw new Error(`invalid seq ${JSON.stringify(seq)}`);
  }
  if (typeof ts !== 'number' || typeof stage !== 'string') {
    throw new Error('missing ts or stage');
  }
  const nonfinite = Array.isArray(fields.nonfinite) ? fields.nonfinite.filter((name): name is string => typeof name === 'string') : [];
  const base: EventBase = { seq, ts, stage, nonfinite };

  switch (fields.kind) {
    case 'start':
      return withOptional<StartEvent>({ ...base, kind: 'start', message: text(fields, 'message') ?? '' }, {
        total: finiteOrNull(fields, 'total') ?? undefined,
      });
    case 'progress': {
      const step = finiteOrNull(fields, 'step');
      const total = finiteOrNull(fields, 'total');
      if (typeof step !== 'number' || total === undefined) {
        throw new Error('progress event without a numeric step, or without a total (a number or null)');
      }
      return withOptional<ProgressEvent>({ ...base, kind: 'progress', step, total }, {
        loss: finiteOrNull(fields, 'loss'),
        lr: finiteOrNull(fields, 'lr'),
        etaS: finiteOrNull(fields, 'eta_s'),
        epoch: finiteOrNull(fields, 'epoch'),
        message: text(fields, 'message'),
        unit: text(fields, 'unit'),
      });
    }
    case 'metric': {
      const name = text(fields, 'name');
      if (name === undefined) {
        throw new Error('metric event without a name');
      }
      return withOptional<MetricEvent>({ ...base, kind: 'metric', name, value: finiteOrNull(fields, 'value') ?? null }, {
        model: text(fields, 'model'),
        split: text(fields, 'split'),
      });
    }
    case 'artifact': {
      const path = text(fields, 'path');
      if (path === undefined) {
        throw new Error('artifact event without a path');
      }
      return { ...base, kind: 'artifact', path, label: text(fields, 'label') ?? path };
    }
    case 'done':
      return withOptional<DoneEvent>({ ...base, kind: 'done', message: text(fields, 'message') ?? '' }, {
        elapsedS: finiteOrNull(fields, 'elapsed_s'),
      });
    case 'error':
      return withOptional<ErrorEvent>({ ...base, kind: 'error', message: text(fields, 'message') ?? 'the stage reported an error' }, {
        hint: text(fields, 'hint'),
        code: text(fields, 'code') ?? (typeof fields.code === 'number' ? String(fields.code) : undefined),
      });
    default:
      return undefined;
  }
}

/**
 * Splits the events stream into lines as chunks arrive. A line cut in two by a chunk boundary waits for its
 * end. Lines that are not JSON objects or not valid events are counted and skipped. A line with another
 * protocol version makes `push` throw `EventsVersionError`.
 */
export class EventsParser {
  readonly problems: ParseProblems = { invalidLines: 0, samples: [], ignoredKinds: 0 };
  #partial = '';

  /**
   * @param coalesceProgress keep only the last progress event of each chunk, for a view that shows the
   *   latest progress only. It keeps a burst of events from piling up as old-generation garbage.
   */
  constructor(private readonly coalesceProgress = false) {}

  push(chunk: string): StageEvent[] {
    const text = this.#partial + chunk;
    const lines = text.split('\n');
    this.#partial = lines.pop() ?? '';

    const events: StageEvent[] = [];
    let progressIndex = -1;
    // Progress lines before the chunk's last one are dropped unparsed when coalescing: parsing thousands of
    // events only to discard them is what made a burst of events cost memory.
    let lastProgressLine = -1;
    if (this.coalesceProgress) {
      for (let index = lines.length - 1; index >= 0; index -= 1) {
        if (PROGRESS_KIND.test(lines[index]!)) {
          lastProgressLine = index;
          break;
        }
      }
    }
    for (const [index, line] of lines.entries()) {
      if (lastProgressLine >= 0 && index < lastProgressLine && PROGRESS_KIND.test(line)) {
        continue;
      }
      const event = this.#parseLine(line);
      if (!event) {
        continue;
      }
      if (this.coalesceProgress && event.kind === 'progress') {
        if (progressIndex >= 0) {
          events[progressIndex] = event;
          continue;
        }
        progressIndex = events.length;
      }
      events.push(event);
    }
    return events;
  }

  /** Parses a last line that had no newline, when the stream has ended. */
  end(): StageEvent[] {
    const rest = this.#partial;
    this.#partial = '';
    const event = rest.trim() === '' ? undefined : this.#parseLine(rest);
    return event ? [event] : [];
  }

  #parseLine(line: string): StageEvent | undefined {
    const trimmed = line.trim();
    if (trimmed === '') {
      return undefined;
    }

    let fields: unknown;
    try {
      fields = JSON.parse(trimmed);
    } catch {
      this.#reject(trimmed, 'not JSON');
      return undefined;
    }
    if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
      this.#reject(trimmed, 'not a JSON object');
      return undefined;
    }

    try {
      const event = toStageEvent(fields as Fields);
      if (!event) {
        this.problems.ignoredKinds += 1;
      }
      return event;
    } catch (error) {
      if (error instanceof EventsVersionError) {
        throw error;
      }
      this.#reject(trimmed, error instanceof Error ? error.message : String(error));
      return undefined;
    }
  }

  #reject(line: string, reason: string): void {
    this.problems.invalidLines += 1;
    if (this.problems.samples.length < MAX_PROBLEM_SAMPLES) {
      this.problems.samples.push(`${reason}: ${line.slice(0, MAX_SAMPLE_CHARS)}`);
    }
  }
}
