import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { render, type Instance } from 'ink';
import type React from 'react';
import stripAnsi from 'strip-ansi';

/** A stdout that records frames and reports a terminal size, which tests may change and announce. */
export class FakeStdout extends EventEmitter {
  frames: string[] = [];
  isTTY = true;

  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }

  write = (frame: string): boolean => {
    this.frames.push(frame);
    return true;
  };

  lastFrame(): string {
    return this.frames.at(-1) ?? '';
  }

  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

/** A raw-mode stdin that delivers written keys the way Ink reads them. */
export class FakeStdin extends EventEmitter {
  isTTY = true;
  private pending: string | null = null;

  write(data: string): void {
    this.pending = data;
    this.emit('readable');
    this.emit('data', data);
  }

  read = (): string | null => {
    const data = this.pending;
    this.pending = null;
    return data;
  };

  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

export const KEYS = {
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  pageDown: '\u001B[6~',
  pageUp: '\u001B[5~',
  enter: '\r',
  escape: '\u001B',
  ctrlC: '\u0003',
} as const;

export interface Harness {
  instance: Instance;
  stdout: FakeStdout;
  stdin: FakeStdin;
  /** The latest frame without escape codes. */
  frame: () => string;
  /**
   * Sends one keypress (a character or an escape sequence). It first yields to the event loop, because
   * ink-select-input reads keys through Ink's useInput, which subscribes after the frame is written.
   */
  press: (key: string) => Promise<void>;
  /** Resolves with the frame once `predicate` holds; rejects with the last frame after `timeoutMs`. */
  waitFor: (predicate: (frame: string) => boolean, description: string, timeoutMs?: number) => Promise<string>;
}

export function renderWithSize(tree: React.ReactElement, columns = 80, rows = 24): Harness {
  const stdout = new FakeStdout(columns, rows);
  const stdin = new FakeStdin();
  const instance = render(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stderr: new FakeStdout(columns, rows) as unknown as NodeJS.WriteStream,
    // Debug mode writes every frame whole, so the last write is the full screen.
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });

  const frame = (): string => stripAnsi(stdout.lastFrame());

  const waitFor = async (predicate: (frame: string) => boolean, description: string, timeoutMs = 5000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = frame();
      if (predicate(current)) {
        return current;
      }
      if (Date.now() > deadline) {
        throw new Error(`Timed out waiting for ${description}; last frame:\n${current}`);
      }
      // Polls the condition; the assertion never depends on how long this takes.
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  const press = async (key: string): Promise<void> => {
    await new Promise((resolve) => setImmediate(resolve));
    stdin.write(key);
  };

  return { instance, stdout, stdin, frame, press, waitFor };
}

/** Creates a fresh folder for the progress file; the returned cleanup removes it. */
export function tempConfigDir(): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mllm-course-test-'));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
