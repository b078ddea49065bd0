/**
 * State of the live run view, fed by the follower and read by the view at most every `intervalMs`.
 * Pure TypeScript: the throttle, the bound on lines per frame and the event fold are tested without Ink.
 */
import type { ErrorEvent, StageEvent } from '../../runner/events.js';
import type { RunState } from '../../runner/state.js';

/** Renders per second the view aims at, as the interval between two snapshots. */
export const RENDER_INTERVAL_MS = 100;
/**
 * Finished lines printed per frame at most; beyond it the oldest of the frame are skipped and counted.
 * Ink 6 keeps every line printed through <Static> in memory (`fullStaticOutput` in ink/build/ink.js), so this
 * limit, times the render rate, bounds how fast that grows: 500 lines/s at most, more than anyone reads.
 */
export const MAX_LINES_PER_FRAME = 50;
const MAX_WARNINGS = 3;

export interface ProgressView {
  step: number;
  /** null while the stage does not know the total. */
  total: number | null;
  loss?: number | null;
  lr?: number | null;
  etaS?: number | null;
  unit?: string;
  message?: string;
}

export interface LogLine {
  /** 1-based number of the line in the log, unique for a run. */
  number: number;
  text: string;
}

export interface LiveSnapshot {
  stage: string | undefined;
  /** Lines finished since the previous snapshot, oldest first. */
  newLines: LogLine[];
  /** Lines finished since the previous snapshot that are not in `newLines` (still in the full log). */
  skippedLines: number;
  liveLine: string;
  totalLines: number;
  progress: ProgressView | undefined;
  lastMessage: string | undefined;
  metrics: { name: string; value: number | null; model?: string }[];
  artifacts: { label: string; path: string }[];
  error: ErrorEvent | undefined;
  warnings: string[];
  /** Transient status, such as a reconnection in progress; undefined when there is none. */
  notice: string | undefined;
  state: RunState | 'detached' | undefined;
  /** Time of the snapshot (ms since the epoch), for the display-delay benchmark. */
  takenAt: number;
}

type Listener = (snapshot: LiveSnapshot) => void;

export interface LiveStoreOptions {
  intervalMs?: number;
  maxLinesPerFrame?: number;
  now?: () => number;
}

export class LiveStore {
  readonly intervalMs: number;
  readonly maxLinesPerFrame: number;
  #now: () => number;
  #pending: LogLine[] = [];
  #skipped = 0;
  #lineNumber = 0;
  #liveLine = '';
  #stage: string | undefined;
  #progress: ProgressView | undefined;
  #lastMessage: string | undefined;
  #metrics: LiveSnapshot['metrics'] = [];
  #artifacts: LiveSnapshot['artifacts'] = [];
  #error: ErrorEvent | undefined;
  #warnings: string[] = [];
  #notice: string | undefined;
  #state: LiveSnapshot['state'];
  #listeners = new Set<Listener>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastFlushAt = 0;

  constructor(options: LiveStoreOptions = {}) {
    this.intervalMs = options.intervalMs ?? RENDER_INTERVAL_MS;
    this.maxLinesPerFrame = options.maxLinesPerFrame ?? MAX_LINES_PER_FRAME;
    this.#now = options.now ?? Date.now;
  }

  addLines(lines: readonly string[]): void {
    // Lines that cannot be shown in the next frame are only counted, so that a burst allocates nothing per line.
    const keep = Math.min(lines.length, this.maxLinesPerFrame);
    const dropped = lines.length - keep;
    this.#skipped += dropped;
    this.#lineNumber += dropped;
    for (let index = dropped; index < lines.length; index += 1) {
      this.#lineNumber += 1;
      this.#pending.push({ number: this.#lineNumber, text: lines[index]! });
    }
    // Trim in batches, so that a burst costs one splice rather than one shift per line.
    if (this.#pending.length > this.maxLinesPerFrame * 2) {
      const drop = this.#pending.length - this.maxLinesPerFrame;
      this.#pending.splice(0, drop);
      this.#skipped += drop;
    }
    this.#changed();
  }

  setLiveLine(line: string): void {
    this.#liveLine = line;
    this.#changed();
  }

  addEvents(events: readonly StageEvent[]): void {
    for (const event of events) {
      this.#apply(event);
    }
    this.#changed();
  }

  warn(message: string): void {
    this.#warnings = [...this.#warnings, message].slice(-MAX_WARNINGS);
    this.#changed();
  }

  setNotice(notice: string | undefined): void {
    if (notice === this.#notice) {
      return;
    }
    this.#notice = notice;
    this.#changed();
  }

  get notice(): string | undefined {
    return this.#notice;
  }

  finish(state: RunState | 'detached'): void {
    this.#state = state;
    this.flush();
  }

  /** Calls `listener` with each snapshot; returns the function that unsubscribes. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Takes a snapshot now and sends it to the listeners, cancelling a scheduled one. */
  flush(): LiveSnapshot {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#lastFlushAt = this.#now();
    const surplus = Math.max(0, this.#pending.length - this.maxLinesPerFrame);
    const snapshot: LiveSnapshot = {
      stage: this.#stage,
      newLines: surplus > 0 ? this.#pending.slice(surplus) : this.#pending,
      skippedLines: this.#skipped + surplus,
      liveLine: this.#liveLine,
      totalLines: this.#lineNumber,
      progress: this.#progress,
      lastMessage: this.#lastMessage,
      metrics: this.#metrics,
      artifacts: this.#artifacts,
      error: this.#error,
      warnings: this.#warnings,
      notice: this.#notice,
      state: this.#state,
      takenAt: this.#lastFlushAt,
    };
    this.#pending = [];
    this.#skipped = 0;
    for (const listener of this.#listeners) {
      listener(snapshot);
    }
    return snapshot;
  }

  /** Stops a scheduled snapshot, for when the view goes away. */
  dispose(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#listeners.clear();
  }

  #changed(): void {
    if (this.#timer || this.#listeners.size === 0) {
      return;
    }
    const wait = Math.max(0, this.#lastFlushAt + this.intervalMs - this.#now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush();
    }, wait);
  }

  #apply(event: StageEvent): void {
    this.#stage = event.stage;
    switch (event.kind) {
      case 'start':
        this.#lastMessage = event.message;
        if (event.total !== undefined && !this.#progress) {
          this.#progress = { step: 0, total: event.total };
        }
        return;
      case 'progress':
        this.#progress = {
          step: event.step,
          total: event.total,
          loss: event.loss,
          lr: event.lr,
          etaS: event.etaS,
          unit: event.unit,
          message: event.message,
        };
        if (event.message) {
          this.#lastMessage = event.message;
        }
        return;
      case 'metric':
        this.#metrics = [...this.#metrics.filter((metric) => metric.name !== event.name || metric.model !== event.model), {
          name: event.name,
          value: event.value,
          ...(event.model ? { model: event.model } : {}),
        }];
        return;
      case 'artifact':
        this.#artifacts = [...this.#artifacts, { label: event.label, path: event.path }];
        return;
      case 'done':
        this.#lastMessage = event.message;
        return;
      case 'error':
        this.#error = event;
        return;
    }
  }
}
