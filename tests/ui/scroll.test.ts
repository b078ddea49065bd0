import { describe, expect, test } from 'vitest';
import { clampTop, endReached, maxTop, rescaleTop, scrollTop } from '../../src/ui/scroll.js';

describe('scrollTop', () => {
  const total = 100;
  const view = 20;
  const cases: Array<[Parameters<typeof scrollTop>[0], number, number]> = [
    ['reader.lineDown', 0, 1],
    ['reader.lineDown', 80, 80],
    ['reader.lineUp', 0, 0],
    ['reader.lineUp', 10, 9],
    ['reader.pageDown', 0, 19],
    ['reader.pageDown', 70, 80],
    ['reader.pageUp', 19, 0],
    ['reader.pageUp', 50, 31],
    ['reader.top', 55, 0],
    ['reader.bottom', 0, 80],
    ['quit', 7, 7],
  ];
  for (const [command, top, expected] of cases) {
    test(`${command} from ${top}`, () => {
      expect(scrollTop(command, top, total, view)).toBe(expected);
    });
  }

  test('short lesson never scrolls', () => {
    expect(maxTop(10, 20)).toBe(0);
    expect(scrollTop('reader.pageDown', 0, 10, 20)).toBe(0);
    expect(endReached(0, 10, 20)).toBe(true);
  });
});

describe('endReached', () => {
  test('only when last line visible', () => {
    expect(endReached(79, 100, 20)).toBe(false);
    expect(endReached(80, 100, 20)).toBe(true);
  });
});

describe('rescaleTop', () => {
  test('keeps the same fraction', () => {
    expect(rescaleTop(50, 100, 200, 20)).toBe(100);
    expect(rescaleTop(50, 100, 100, 20)).toBe(50);
  });

  test('clamps to the new end', () => {
    expect(rescaleTop(90, 100, 60, 20)).toBe(40);
    expect(clampTop(-3, 100, 20)).toBe(0);
  });
});
