import { describe, expect, it } from 'vitest';
import { FollowDecoder, FrameReader } from '../../src/runner/follow.js';
import { Runner } from '../../src/runner/runner.js';
import { LocalTransport, type ScriptStream } from '../../src/runner/transport.js';

describe('FrameReader', () => {
  it('reads frames cut at every byte', () => {
    const stream = Buffer.from('L 6\nab\ncd\nE 0\nH\nE 3\n\u00e9\nX 0 0\n');
    const reader = new FrameReader();

    const frames = [...stream].flatMap((byte) => reader.push(Buffer.from([byte])));
    const joined = (type: string): string =>
      Buffer.concat(frames.flatMap((frame) => (frame.type === type && 'data' in frame ? [frame.data] : []))).toString();

    expect(joined('log')).toBe('ab\ncd\n');
    expect(joined('events')).toBe('\u00e9\n');
    expect(frames.filter((frame) => frame.type !== 'log' && frame.type !== 'events')).toEqual([
      { type: 'heartbeat' },
      { type: 'exit', exitCode: 0, cancelled: false },
    ]);
  });

  it('passes a large payload on in the pieces it arrives in', () => {
    const reader = new FrameReader();

    const first = reader.push(Buffer.from(`L 10\nabcd`));
    const second = reader.push(Buffer.from('efghij' + 'R\n'));

    expect(first).toEqual([{ type: 'log', data: Buffer.from('abcd') }]);
    expect(second).toEqual([{ type: 'log', data: Buffer.from('efghij') }, { type: 'running' }]);
  });

  it('rejects an unknown header', () => {
    expect(() => new FrameReader().push(Buffer.from('Q 1\n'))).toThrow(/invalid frame header/);
  });
});

describe('FollowDecoder', () => {
  it('decodes a character split between two frames', () => {
    const lines: string[] = [];
    const decoder = new FollowDecoder({ onLines: (batch) => lines.push(...batch) });
    const bytes = Buffer.from('caf\u00e9\n');

    decoder.push(Buffer.concat([Buffer.from(`L 4\n`), bytes.subarray(0, 4)]));
    decoder.push(Buffer.concat([Buffer.from(`L 2\n`), bytes.subarray(4), Buffer.from('X 1 1\n')]));

    expect(lines).toEqual(['café']);
    expect(decoder.state).toEqual({ kind: 'cancelled', exitCode: 1 });
  });

  it('reports another events version once and keeps the log', () => {
    const warnings: string[] = [];
    const lines: string[] = [];
    const decoder = new FollowDecoder({ onWarning: (message) => warnings.push(message), onLines: (batch) => lines.push(...batch) });
    const events = '{"v":2,"seq":1,"ts":1,"stage":"x","kind":"start"}\n{"v":2,"seq":2,"ts":1,"stage":"x","kind":"done"}\n';

    decoder.push(Buffer.from(`E ${Buffer.byteLength(events)}\n${events}L 3\nok\nZ lost\n`));

    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/protocol version 2/);
    expect(lines).toEqual(['ok']);
    expect(decoder.state).toEqual({ kind: 'lost' });
  });
});

describe('Runner.follow with a broken follower', () => {
  it('rejects with a clear error instead of crashing', async () => {
    // A transport whose follower prints something that is not a frame, as a broken remote shell might.
    class GarbageTransport extends LocalTransport {
      override stream(): ScriptStream {
        return super.stream("printf 'L 2\\nok\\nnot a frame header\\n'\n");
      }
    }
    const runner = new Runner(new GarbageTransport(), '/nonexistent');

    const handle = runner.follow('infer-20260101-000000-abcd', {});

    await expect(handle.finished).rejects.toThrow(
      'Following run infer-20260101-000000-abcd on local failed: invalid frame header from the follower: "not a frame header".',
    );
  });
});
