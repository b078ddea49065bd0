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

/**
 * Incremental parser of the follower's frames; chunks may cut a header or a payload anywhere. Payload bytes
 * are passed on as they arrive, in pieces, so that a large frame never sits in memory whole.
 */
export class FrameReader {
  #header: Buffer[] = [];
  #payload: { type: 'log' | 'events'; remaining: number } | undefined;

  push(chunk: Buffer): Frame[] {
    const frames: Frame[] = [];
    let data = chunk;

    while (data.length > 0) {
      if (this.#payload) {
        const take = Math.min(this.#payload.remaining, data.length);
        frames.push({ type: this.#payload.type, data: data.subarray(0, take) });
        this.#payload.remaining -= take;
        data = data.subarray(take);
        if (this.#payload.remaining === 0) {
          this.#payload = undefined;
        }
        continue;
      }

      const newline = data.indexOf(0x0a);
      if (newline < 0) {
        this.#header.push(data);
        break;
      }
      const header = Buffer.concat([...this.#header, data.subarray(0, newline)]).toString('latin1');
      this.#header = [];
      data = data.subarray(newline + 1);
      const frame = this.#parseHeader(header);
      if (frame) {
        frames.push(frame);
      }
    }
    return frames;
  }

  #parseHeader(header: string): Frame | undefined {
    const [tag, first, second] = header.trim().split(' ');
    switch (tag) {
      case 'L':
      case 'E': {
        const count = Number(first);
        if (!Number.isInteger(count) || count < 0) {
          throw new Error(`invalid frame header from the follower: ${JSON.stringify(header)}`);
        }
        if (count > 0) {
          this.#payload = { type: tag === 'L' ? 'log' : 'events', remaining: count };
        }
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
  /** Finished, sanitised log lines; the follower reads from offset 0 and then only new bytes, so each comes once per attach. */
  onLines?(lines: string[]): void;
  onEvents?(events: StageEvent[]): void;
  /** The live (unfinished) line changed. */
  onLiveLine?(line: string): void;
  /** A problem with the events file that does not stop the run, such as another protocol version. */
  onWarning?(message: string): void;
}

export interface FollowOptions {
  /** Lines of the log tail kept in memory. */
  tailLines?: number;
  /**
   * Deliver only the last progress event of each chunk (the order of other events is kept), for views
   * that show only the latest progress.
   */
  coalesceProgress?: boolean;
}

/**
 * Decodes follower frames into lines and events. It keeps its own log pipeline so that a consumer can read
 * the tail and live line at any time.
 */
export class FollowDecoder {
  readonly log: LogPipeline;
  readonly events: EventsParser;
  state: RunState | undefined;
  missing = false;
  /** Bytes of the log and of the events file received so far: where a new follower resumes. */
  logBytes = 0;
  eventsBytes = 0;
  #reader = new FrameReader();
  #logDecoder = new StringDecoder('utf8');
  #eventsDecoder = new StringDecoder('utf8');
  #eventsRejected = false;

  constructor(private readonly sink: FollowSink, options: FollowOptions = {}) {
    this.log = new LogPipeline({ maxLines: options.tailLines });
    this.events = new EventsParser(options.coalesceProgress);
  }

  push(chunk: Buffer): void {
    for (const frame of this.#reader.push(chunk)) {
      this.#apply(frame);
    }
  }

  /** Starts reading frames afresh for a new follower; a frame cut by the old connection is resent from its bytes. */
  resume(): void {
    this.#reader = new FrameReader();
    this.missing = false;
  }

  #apply(frame: Frame): void {
    switch (frame.type) {
      case 'log': {
        this.logBytes += frame.data.length;
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
        this.eventsBytes += frame.data.length;
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
