import { describe, expect, it } from 'vitest';
import { collapseCarriageReturns, LogPipeline, sanitizeLine } from '../../src/runner/log-pipeline.js';

describe('sanitizeLine', () => {
  it.each([
    ['\u001b[31mred\u001b[0m text', 'red text'],
    ['\u001b]0;window title\u0007after', 'after'],
    ['\u001b]8;;https://example.org\u001b\\link\u001b]8;;\u001b\\', 'link'],
    ['bell\u0007 and backspace\u0008', 'bell and backspace'],
    ['\u001b[2K\u001b[1Gcleared', 'cleared'],
    ['cut escape \u001b[3', 'cut escape '],
    ['a\tb', 'a       b'],
    ['naïve ✓ 日本', 'naïve ✓ 日本'],
  ])('cleans %j', (raw, expected) => {
    expect(sanitizeLine(raw)).toBe(expected);
  });

  it('cuts very long lines with an ellipsis', () => {
    expect(sanitizeLine('x'.repeat(50), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});

describe('collapseCarriageReturns', () => {
  it.each([
    ['10%\r20%\r30%', '30%'],
    ['progress 100%\r', 'progress 100%'],
    ['windows line\r', 'windows line'],
    ['plain', 'plain'],
    ['\r\r', ''],
  ])('collapses %j', (raw, expected) => {
    expect(collapseCarriageReturns(raw)).toBe(expected);
  });
});

describe('LogPipeline', () => {
  it('splits finished lines from the live line across chunks', () => {
    const log = new LogPipeline();

    expect(log.push('first li')).toEqual([]);
    expect(log.liveLine).toBe('first li');
    expect(log.push('ne\nsecond\nthi')).toEqual(['first line', 'second']);
    expect(log.liveLine).toBe('thi');
    expect(log.end()).toEqual(['thi']);
    expect(log.finishedCount).toBe(3);
  });

  it('shows a carriage-return progress bar as one updating line', () => {
    const log = new LogPipeline();

    log.push('\r 10%|#         |');
    expect(log.liveLine).toBe(' 10%|#         |');
    log.push('\r 50%|#####     |');
    expect(log.liveLine).toBe(' 50%|#####     |');
    expect(log.push('\r100%|##########|\n')).toEqual(['100%|##########|']);
    expect(log.liveLine).toBe('');
  });

  it('keeps only the last lines in memory', () => {
    const log = new LogPipeline({ maxLines: 3 });

    for (let index = 1; index <= 10; index += 1) {
      log.push(`line ${index}\n`);
    }

    expect(log.tail()).toEqual(['line 8', 'line 9', 'line 10']);
    expect(log.tail(2)).toEqual(['line 9', 'line 10']);
    expect(log.finishedCount).toBe(10);
  });

  it('bounds a live line that never ends', () => {
    const log = new LogPipeline({ maxLineChars: 100 });

    for (let index = 0; index < 1000; index += 1) {
      log.push('x'.repeat(100));
    }

    expect(log.liveLine.length).toBe(100);
  });
});
