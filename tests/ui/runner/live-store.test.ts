import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StageEvent } from '../../../src/runner/events.js';
import { LiveStore, type LiveSnapshot } from '../../../src/ui/runner/live-store.js';
import { formatProgressLine } from '../../../src/ui/runner/progress-bar.js';

const base = { seq: 1, ts: 0, stage: 'finetune', nonfinite: [] };

afterEach(() => {
  vi.useRealTimers();
});

describe('LiveStore', () => {
  it('sends at most one snapshot per interval', () => {
    vi.useFakeTimers();
    const store = new LiveStore({ intervalMs: 100 });
    const snapshots: LiveSnapshot[] = [];
    store.subscribe((snapshot) => snapshots.push(snapshot));

    for (let index = 1; index <= 50; index += 1) {
      store.addLines([`line ${index}`]);
    }
    expect(snapshots).toHaveLength(0);
    vi.advanceTimersByTime(0);
    expect(snapshots).toHaveLength(1);
    store.addLines(['line 51']);
    vi.advanceTimersByTime(99);
    expect(snapshots).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(snapshots).toHaveLength(2);

    expect(snapshots[0]?.newLines.map((line) => line.number)).toEqual(Array.from({ length: 50 }, (_, index) => index + 1));
    expect(snapshots[1]?.newLines).toEqual([{ number: 51, text: 'line 51' }]);
  });

  it('skips and counts lines beyond the per-frame limit', () => {
    const store = new LiveStore({ maxLinesPerFrame: 10 });

    store.addLines(Array.from({ length: 1000 }, (_, index) => `line ${index + 1}`));
    const snapshot = store.flush();

    expect(snapshot.newLines).toHaveLength(10);
    expect(snapshot.newLines[0]).toEqual({ number: 991, text: 'line 991' });
    expect(snapshot.skippedLines).toBe(990);
    expect(snapshot.totalLines).toBe(1000);
    expect(store.flush().skippedLines).toBe(0);
  });

  it('folds events into progress, metrics and errors', () => {
    const store = new LiveStore();
    const events: StageEvent[] = [
      { ...base, kind: 'start', message: 'loading', total: 122 },
      { ...base, kind: 'progress', step: 40, total: 122, loss: null, lr: 2e-4, etaS: 300, nonfinite: ['loss'] },
      { ...base, kind: 'metric', name: 'green', value: 0.8, model: 'base' },
      { ...base, kind: 'metric', name: 'green', value: 0.9, model: 'base' },
      { ...base, kind: 'error', message: 'CUDA out of memory', hint: 'lower the batch size' },
    ];

    store.addEvents(events);
    const snapshot = store.flush();

    expect(snapshot.progress).toEqual({ step: 40, total: 122, loss: null, lr: 2e-4, etaS: 300, unit: undefined, message: undefined });
    expect(snapshot.metrics).toEqual([{ name: 'green', value: 0.9, model: 'base' }]);
    expect(snapshot.error?.message).toBe('CUDA out of memory');
    expect(snapshot.lastMessage).toBe('loading');
  });
});

describe('formatProgressLine', () => {
  const progress = { step: 40, total: 122, loss: 0.97, lr: 2e-4, etaS: 245 };

  it('shows the bar, count, loss, lr and ETA on a wide terminal', () => {
    expect(formatProgressLine(progress, 100)).toBe(
      `[${'#'.repeat(13)}${'-'.repeat(27)}] 40/122  32%  loss 0.9700  lr 2.00e-4  ETA 4m05s`,
    );
  });

  it('drops fields and then the bar on a narrow terminal', () => {
    expect(formatProgressLine(progress, 30)).toBe('[#####-----------] 40/122  32%');
    expect(formatProgressLine(progress, 20)).toBe('40/122  32%');
    expect(formatProgressLine(progress, 8)).toBe('40/122  ');
  });

  it('shows NaN for a non-finite loss', () => {
    expect(formatProgressLine({ ...progress, loss: null }, 100)).toContain('loss NaN');
  });
});

describe('formatProgressLine without a total', () => {
  it('shows the count with its unit and no bar', () => {
    expect(formatProgressLine({ step: 12, total: null, unit: 'files', message: 'extracting images' }, 80)).toBe('files 12  extracting images');
  });
});
