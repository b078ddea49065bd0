import { describe, expect, test } from 'vitest';
import { progressBar } from '../../src/ui/lesson-labels.js';
import { displayWidth, truncate, wrapLine } from '../../src/util/width.js';

describe('wrapLine', () => {
  test('short line unchanged', () => {
    expect(wrapLine('short', 20)).toEqual(['short']);
  });

  test('list item hangs under its text', () => {
    const lines = wrapLine('  1. alpha beta gamma delta epsilon zeta eta theta', 20);
    expect(lines[0]).toBe('  1. alpha beta');
    for (const line of lines.slice(1)) {
      expect(line.startsWith('     ')).toBe(true);
      expect(line.startsWith('      ')).toBe(false);
    }
    for (const line of lines) {
      expect(displayWidth(line)).toBeLessThanOrEqual(20);
    }
  });

  test('long word is broken', () => {
    const lines = wrapLine('x'.repeat(45), 20);
    expect(lines).toEqual(['x'.repeat(20), 'x'.repeat(20), 'x'.repeat(5)]);
  });

  test('wide characters count double', () => {
    const lines = wrapLine('医学'.repeat(12), 10);
    for (const line of lines) {
      expect(displayWidth(line)).toBeLessThanOrEqual(10);
    }
  });

  test('escape codes do not count', () => {
    const styled = `\u001B[1m${'word '.repeat(3).trim()}\u001B[22m`;
    expect(wrapLine(styled, 14)).toEqual([styled]);
  });
});

describe('truncate', () => {
  test('ends with an ellipsis', () => {
    expect(truncate('abcdefghij', 5)).toBe('abcd…');
    expect(truncate('abc', 5)).toBe('abc');
  });
});

describe('progressBar', () => {
  test('bar when room, count when narrow', () => {
    expect(progressBar(4, 8, 40)).toBe('[########--------] 4/8');
    expect(progressBar(4, 8, 8)).toBe('4/8');
  });
});
