import { describe, expect, it } from 'vitest';
import { EventsParser, EventsVersionError } from '../../src/runner/events.js';

const line = (fields: Record<string, unknown>): string => `${JSON.stringify({ v: 1, seq: 1, ts: 1.5, stage: 'finetune', ...fields })}\n`;

describe('EventsParser', () => {
  it('parses each kind with its fields', () => {
    const parser = new EventsParser();

    const events = parser.push(
      line({ kind: 'start', message: 'go', total: 10 }) +
        line({ kind: 'progress', step: 3, total: 10, loss: 0.5, lr: 2e-4, eta_s: 12, epoch: 0.1, unit: 'steps' }) +
        line({ kind: 'metric', name: 'green', value: 0.85, model: 'base', split: 'validation' }) +
        line({ kind: 'artifact', path: 'finetune/adapter', label: 'adapter' }) +
        line({ kind: 'done', message: 'ok', elapsed_s: 61 }) +
        line({ kind: 'error', message: 'bad', hint: 'fix it', code: 'gated' }),
    );

    expect(events).toEqual([
      { seq: 1, ts: 1.5, stage: 'finetune', nonfinite: [], kind: 'start', message: 'go', total: 10 },
      { seq: 1, ts: 1.5, stage: 'finetune', nonfinite: [], kind: 'progress', step: 3, total: 10, loss: 0.5, lr: 2e-4, etaS: 12, epoch: 0.1, unit: 'steps' },
      { seq: 1, ts: 1.5, stage: 'finetune', nonfinite: [], kind: 'metric', name: 'green', value: 0.85, model: 'base', split: 'validation' },
      { seq: 1, ts: 1.5, stage: 'finetune', nonfinite: [], kind: 'artifact', path: 'finetune/adapter', label: 'adapter' },
      { seq: 1, ts: 1.5, stage: 'finetune', nonfinite: [], kind: 'done', message: 'ok', elapsedS: 61 },
      { seq: 1, ts: 1.5, stage: 'finetune', nonfinite: [], kind: 'error', message: 'bad', hint: 'fix it', code: 'gated' },
    ]);
    expect(parser.problems.invalidLines).toBe(0);
  });

  it('keeps null for non-finite values with their names', () => {
    const parser = new EventsParser();

    const [event] = parser.push(line({ kind: 'progress', step: 1, total: 2, loss: null, lr: null, nonfinite: ['loss', 'lr'] }));

    expect(event).toMatchObject({ loss: null, lr: null, nonfinite: ['loss', 'lr'] });
  });

  it('accepts a progress total of null while it is unknown', () => {
    const parser = new EventsParser();

    const [event] = parser.push(line({ kind: 'progress', step: 7, total: null, unit: 'files' }));

    expect(event).toMatchObject({ kind: 'progress', step: 7, total: null, unit: 'files' });
    expect(parser.problems.invalidLines).toBe(0);
  });

  it('waits for the end of a line cut across chunks', () => {
    const parser = new EventsParser();
    const text = line({ kind: 'done', message: 'finished' });

    expect(parser.push(text.slice(0, 17))).toEqual([]);
    expect(parser.push(text.slice(17, 30))).toEqual([]);
    expect(parser.push(text.slice(30))).toMatchObject([{ kind: 'done', message: 'finished' }]);
  });

  it('parses a last line without a newline at the end', () => {
    const parser = new EventsParser();

    expect(parser.push(line({ kind: 'done', message: 'x' }).trimEnd())).toEqual([]);
    expect(parser.end()).toMatchObject([{ kind: 'done' }]);
  });

  it('skips and counts garbage lines', () => {
    const parser = new EventsParser();

    const events = parser.push(
      'Traceback (most recent call last):\n' +
        '[1, 2]\n' +
        '{"v":1,"seq":2,"ts":1,"stage":"x","kind":"progress","loss":NaN}\n' +
        line({ kind: 'progress', step: 'three', total: 10 }) +
        '\n' +
        line({ kind: 'done', message: 'still here' }),
    );

    expect(events).toMatchObject([{ kind: 'done', message: 'still here' }]);
    expect(parser.problems.invalidLines).toBe(4);
    expect(parser.problems.samples[0]).toBe('not JSON: Traceback (most recent call last):');
    expect(parser.problems.samples[1]).toBe('not a JSON object: [1, 2]');
  });

  it('ignores unknown kinds and fields', () => {
    const parser = new EventsParser();

    const events = parser.push(line({ kind: 'telemetry', gpu: 3 }) + line({ kind: 'done', message: 'm', extra: { nested: true } }));

    expect(events).toEqual([{ seq: 1, ts: 1.5, stage: 'finetune', nonfinite: [], kind: 'done', message: 'm' }]);
    expect(parser.problems.ignoredKinds).toBe(1);
  });

  it('coalesces progress events when asked', () => {
    const parser = new EventsParser(true);

    const events = parser.push(
      line({ kind: 'start', message: 'go' }) +
        line({ kind: 'progress', step: 1, total: 3 }) +
        line({ kind: 'metric', name: 'loss', value: 1 }) +
        '{"v": 1, "seq": 4, "ts": 2, "stage": "finetune", "kind": "progress", "step": 2, "total": 3}\n' +
        line({ kind: 'progress', step: 3, total: 3 }) +
        line({ kind: 'done', message: 'end' }),
    );

    expect(events.map((event) => event.kind)).toEqual(['start', 'metric', 'progress', 'done']);
    expect(events[2]).toMatchObject({ kind: 'progress', step: 3 });
    expect(new EventsParser(false).push(line({ kind: 'progress', step: 1, total: 2 }) + line({ kind: 'progress', step: 2, total: 2 }))).toHaveLength(2);
  });

  it('still rejects another version when coalescing', () => {
    const parser = new EventsParser(true);

    expect(() => parser.push(line({ kind: 'progress', step: 1, total: 2 }) + '{"v":2,"seq":2,"ts":1,"stage":"x","kind":"progress","step":2,"total":2}\n')).toThrow(EventsVersionError);
  });

  it('rejects another protocol version clearly', () => {
    const parser = new EventsParser();

    expect(() => parser.push('{"v":2,"seq":1,"ts":1,"stage":"finetune","kind":"start"}\n')).toThrow(EventsVersionError);
    expect(() => new EventsParser().push('{"seq":1,"kind":"start"}\n')).toThrow(
      'The stage wrote events with protocol version undefined, but this mllm-course reads version 1.',
    );
  });
});
