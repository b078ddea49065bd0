/**
 * Client side of the follower script: splits its framed output into log bytes, event bytes and the end of
 * the run, and feeds them through the log pipeline and the events parser.
 */
import { StringDecoder } from 'node:string_decoder';
import { EventsParser, type StageEvent } from './events.js';
import { LogPipeline } from './log-pipeline.js';
import type { RunState } from './state.js';
import { runStateFromExit } from './state.js';

export type Frame =
  | { type: 'log'; data: Buffer }
  | { type: 'events'; data: Buffer }
  | { type: 'exit'; exitCode: number; cancelled: boolean }
  | { type: 'lost' }
  | { type: 'running' }
  | { type: 'missing' }
  | { type: 'heartbeat' };

/** Incremental parser of the follower's frames; chunks may cut a header or a payload anywhere. */
export class FrameReader {
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #payload: { type: 'log' | 'events'; remaining: number; parts: Buffer[] } | undefined;

  push(chunk: Buffer): Frame[] {
    const frames: Frame[] = [];
    let data = this.#pendingBytes > 0 ? Buffer.concat([...this.#pending, chunk]) : chunk;
    this.#pending = [];
    this.#pendingBytes = 0;

    while (data.length > 0) {
      if (this.#payload) {
        const take = Math.min(this.#payload.remaining, data.length);
        this.#payload.parts.push(data.subarray(0, take));
        this.#payload.remaining -= take;
        data = data.subarray(take);
        if (this.#payload.remaining === 0) {
          const payload = this.#payload.parts.length === 1 ? this.#payload.parts[0]! : Buffer.concat(this.#payload.parts);
          frames.push({ type: this.#payload.type, data: payload });
          this.#payload = undefined;
        }
        continue;
      }

      const newline = data.indexOf(0x0a);
      if (newline < 0) {
        this.#pending = [data];
        this.#pendingBytes = data.length;
        break;
      }
      const header = data.subarray(0, newline).toString('latin1');
      data = data.subarray(newline + 1);
      const frame = this.#header(header);
      if (frame) {
        frames.push(frame);
      }
    }
    return frames;
  }

  #header(header: string): Frame | undefined {
    const [tag, first, second] = header.trim().split(' ');
    switch (tag) {
      case 'L':
      case 'E': {
        const count = Number(first);
        if (!Number.isInteger(count) || count < 0) {
          throw new Error(`invalid frame header from the follower: ${JSON.stringify(header)}`);
        }
        const type = tag === 'L' ? 'log' : 'events';
        if (count === 0) {
          return { type, data: Buffer.alloc(0) };
        }
        this.#payload = { type, remaining: count, parts: [] };
        return undefined;
      }
      case 'X':
        return { type: 'exit', exitCode: Number(first), cancelled: second === '1' };
      case 'Z':
        return { type: 'lost' };
      case 'R':
        return { type: 'running' };
      case 'N':
        return { type: 'missing' };
      case 'H':
        return { type: 'heartbeat' };
      case '':
      case undefined:
        return undefined;
      default:
        throw new Error(`invalid frame header from the follower: ${JSON.stringify(header)}`);
    }
  }
}

export interface FollowSink {
  /** Finished, sanitised log lines, each exactly once per attach. */
  onLines?(lines: string[]): void;
  onEvents?(events: StageEvent[]): void;
  /** The live (unfinished) line changed. */
  onLiveLine?(line: string): void;
  /** A problem with the events file that does not stop the run, such as another protocol version. */
  onWarning?(message: string): void;
}

/**
 * Decodes follower frames into lines and events. It keeps its own log pipeline so that a consumer can read
 * the tail and live line at any time.
 */
export class FollowDecoder {
  readonly log: LogPipeline;
  readonly events = new EventsParser();
  state: RunState | undefined;
  missing = false;
  #reader = new FrameReader();
  #logDecoder = new StringDecoder('utf8');
  #eventsDecoder = new StringDecoder('utf8');
  #eventsRejected = false;

  constructor(private readonly sink: FollowSink, options: { tailLines?: number } = {}) {
    this.log = new LogPipeline({ maxLines: options.tailLines });
  }

  push(chunk: Buffer): void {
    for (const frame of this.#reader.push(chunk)) {
      this.#apply(frame);
    }
  }

  #apply(frame: Frame): void {
    switch (frame.type) {
      case 'log': {
        const previousLive = this.log.liveLine;
        const lines = this.log.push(this.#logDecoder.write(frame.data));
        if (lines.length > 0) {
          this.sink.onLines?.(lines);
        }
        if (this.log.liveLine !== previousLive) {
          this.sink.onLiveLine?.(this.log.liveLine);
        }
        return;
      }
      case 'events':
        this.#pushEvents(this.#eventsDecoder.write(frame.data));
        return;
      case 'exit':
      case 'lost':
        this.#finish();
        this.state = frame.type === 'lost' ? { kind: 'lost' } : runStateFromExit(frame.exitCode, frame.cancelled);
        return;
      case 'running':
        this.#flushEvents();
        this.state = { kind: 'running' };
        return;
      case 'missing':
        this.missing = true;
        return;
      case 'heartbeat':
        return;
    }
  }

  #pushEvents(text: string, end = false): void {
    if (this.#eventsRejected) {
      return;
    }
    try {
      const events = [...this.events.push(text), ...(end ? this.events.end() : [])];
      if (events.length > 0) {
        this.sink.onEvents?.(events);
      }
    } catch (error) {
      // A stage of another protocol version: stop reading events, keep the log.
      this.#eventsRejected = true;
      this.sink.onWarning?.(error instanceof Error ? error.message : String(error));
    }
  }

  #flushEvents(): void {
    this.#pushEvents('', true);
  }

  #finish(): void {
    const lines = this.log.push(this.#logDecoder.end());
    const last = this.log.end();
    if (lines.length + last.length > 0) {
      this.sink.onLines?.([...lines, ...last]);
    }
    this.sink.onLiveLine?.('');
    this.#pushEvents(this.#eventsDecoder.end(), true);
  }
}
