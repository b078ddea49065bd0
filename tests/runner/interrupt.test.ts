import { afterEach, describe, expect, it } from 'vitest';
import { takeInterrupt } from '../../src/runner/interrupt.js';

describe('takeInterrupt', () => {
  const added: (() => void)[] = [];

  afterEach(() => {
    for (const listener of added.splice(0)) {
      process.removeListener('SIGINT', listener);
    }
  });

  function addOther(calls: string[], name: string, once = false): void {
    const listener = (): void => {
      calls.push(name);
    };
    added.push(listener);
    if (once) {
      process.once('SIGINT', listener);
    } else {
      process.on('SIGINT', listener);
    }
  }

  it('calls only its handler while held', () => {
    const calls: string[] = [];
    addOther(calls, 'other');
    addOther(calls, 'once-other', true);

    const release = takeInterrupt(() => calls.push('detach'));
    process.emit('SIGINT');
    process.emit('SIGINT');
    release();

    expect(calls).toEqual(['detach', 'detach']);
  });

  it('puts the other listeners back on release', () => {
    const calls: string[] = [];
    const before = process.rawListeners('SIGINT');
    addOther(calls, 'once-other', true);

    const release = takeInterrupt(() => calls.push('detach'));
    release();
    process.emit('SIGINT');
    process.emit('SIGINT');

    expect(calls).toEqual(['once-other']);
    expect(process.rawListeners('SIGINT')).toEqual(before);
  });

  it('keeps a listener re-added meanwhile single', () => {
    const calls: string[] = [];
    addOther(calls, 'other');
    const other = added[0]!;

    const release = takeInterrupt(() => calls.push('detach'));
    process.on('SIGINT', other);
    release();

    expect(process.rawListeners('SIGINT').filter((listener) => listener === other)).toHaveLength(1);
  });
});
