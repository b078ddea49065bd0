import fs from 'node:fs';
import path from 'node:path';
import type { Key } from 'ink';
import { describe, expect, test } from 'vitest';
import { FOOTER_MAX_LINES, layoutFooter } from '../../src/ui/footer.js';
import { commandMatches, commandsOf, footerHints, helpRows, KEYMAP, matchCommand, screenHintLine, type Command, type KeyScope } from '../../src/ui/keymap.js';
import { displayWidth } from '../../src/util/width.js';

function key(overrides: Partial<Key> = {}): Key {
  return {
    upArrow: false,
    downArrow: false,
    leftArrow: false,
    rightArrow: false,
    pageDown: false,
    pageUp: false,
    home: false,
    end: false,
    return: false,
    escape: false,
    ctrl: false,
    shift: false,
    tab: false,
    backspace: false,
    delete: false,
    meta: false,
    super: false,
    hyper: false,
    capsLock: false,
    numLock: false,
    ...overrides,
  };
}

describe('matchCommand', () => {
  const cases: Array<[string, string, Partial<Key>, string | undefined]> = [
    ['q quits', 'q', {}, 'quit'],
    ['Ctrl-C quits', 'c', { ctrl: true }, 'quit'],
    ['plain c is not quit', 'c', {}, undefined],
    ['? opens help', '?', {}, 'help'],
    ['Esc goes back', '', { escape: true }, 'back'],
  ];
  for (const [name, input, overrides, expected] of cases) {
    test(name, () => {
      expect(matchCommand(['global'], input, key(overrides))).toBe(expected);
    });
  }

  const readerCases: Array<[string, Partial<Key>, string]> = [
    ['j', {}, 'reader.lineDown'],
    ['', { downArrow: true }, 'reader.lineDown'],
    ['k', {}, 'reader.lineUp'],
    [' ', {}, 'reader.pageDown'],
    ['', { pageDown: true }, 'reader.pageDown'],
    ['b', {}, 'reader.pageUp'],
    ['g', {}, 'reader.top'],
    ['G', {}, 'reader.bottom'],
    ['', { end: true }, 'reader.bottom'],
    ['n', {}, 'reader.nextLesson'],
    ['p', {}, 'reader.previousLesson'],
    ['h', {}, 'reader.handsOn'],
  ];
  for (const [input, overrides, expected] of readerCases) {
    test(`reader ${expected} from "${input}${Object.keys(overrides).join('')}"`, () => {
      expect(matchCommand(['reader'], input, key(overrides))).toBe(expected);
    });
  }

  test('select-input keys are not matched', () => {
    expect(matchCommand(['home'], '', key({ return: true }))).toBeUndefined();
    expect(matchCommand(['home'], 'c', key())).toBe('home.continue');
  });
});

describe('run and quiz scopes', () => {
  test('live run view keys', () => {
    expect(matchCommand(['run'], 'd', key())).toBe('run.detach');
    expect(matchCommand(['run'], 'c', key())).toBe('run.cancel');
    expect(matchCommand(['run'], 'y', key())).toBeUndefined();
    expect(matchCommand(['run.confirm'], 'y', key())).toBe('run.confirm');
    expect(matchCommand(['run.confirm'], '', key({ escape: true, meta: true }))).toBe('run.refuse');
    expect(matchCommand(['run.confirm'], 'd', key())).toBeUndefined();
  });

  test('run hint lines', () => {
    expect(screenHintLine(commandsOf('run'))).toBe('d detach (the run goes on) · c cancel the run');
    expect(screenHintLine(commandsOf('run.confirm'))).toBe('y yes, cancel it · n/Esc no, keep it running');
  });

  test('quiz keys in either case', () => {
    expect(commandMatches('quiz.next', 'N', key())).toBe(true);
    expect(commandMatches('quiz.next', '', key({ return: true }))).toBe(true);
    expect(commandMatches('quiz.quit', '', key({ escape: true, meta: true }))).toBe(true);
    expect(commandMatches('quiz.openLesson', 'l', key({ ctrl: true }))).toBe(false);
    expect(commandMatches('quiz.submit', 'n', key())).toBe(false);
  });

  test('quiz keys stay out of the App footer', () => {
    expect(footerHints(['quiz'])).toEqual([]);
  });
});

describe('keymap table', () => {
  test('no key bound twice per scope', () => {
    const seen = new Map<string, string>();
    // Each quiz screen offers its own commands; those sets are checked in the next test.
    for (const binding of KEYMAP.filter((candidate) => candidate.scope !== 'quiz')) {
      for (const spec of binding.keys) {
        const id = `${binding.scope}:${spec.ctrl ? 'ctrl+' : ''}${spec.key ?? spec.input}`;
        expect(seen.get(id), `${id} bound to ${binding.command} and ${seen.get(id)}`).toBeUndefined();
        seen.set(id, binding.command);
      }
    }
  });

  test('no key bound twice per quiz screen', () => {
    const screens: Command[][] = [
      ['quiz.begin', 'quiz.quit'],
      ['quiz.submit', 'quiz.quit'],
      ['quiz.next', 'quiz.openLesson', 'quiz.quit'],
      ['quiz.finish', 'quiz.openLesson', 'quiz.quit'],
      ['quiz.retakeMissed', 'quiz.close'],
    ];
    for (const commands of screens) {
      const seen = new Map<string, Command>();
      for (const command of commands) {
        for (const spec of KEYMAP.find((binding) => binding.command === command)?.keys ?? []) {
          const id = spec.key ?? spec.input ?? '';
          expect(seen.get(id), `${id} bound to ${command} and ${seen.get(id)}`).toBeUndefined();
          seen.set(id, command);
        }
      }
    }
  });

  test('reader keys do not clash with global', () => {
    const globalInputs = KEYMAP.filter((binding) => binding.scope === 'global').flatMap((binding) => binding.keys.map((spec) => spec.input ?? spec.key));
    const readerInputs = KEYMAP.filter((binding) => binding.scope === 'reader').flatMap((binding) => binding.keys.map((spec) => spec.input ?? spec.key));
    expect(readerInputs.filter((input) => globalInputs.includes(input))).toEqual([]);
  });

  test('footer and help come from the table', () => {
    const hints = footerHints(['reader', 'global']);
    expect(hints.map((hint) => hint.hint)).toEqual(['scroll', 'page', 'end', 'next', 'previous', 'hands-on', 'quit', 'help', 'back']);
    const rows = helpRows(['reader', 'global']);
    expect(rows).toHaveLength(KEYMAP.filter((binding) => binding.scope === 'reader' || binding.scope === 'global').length);
    expect(rows.map((row) => row.description)).toContain('Go to the end of the lesson');
  });

  test('screen without global scope', () => {
    const hints = footerHints(['home']);
    expect(hints.map((hint) => hint.hint)).toContain('open');
    expect(hints.map((hint) => hint.hint)).not.toContain('quit');
  });

  test('hidden commands leave the footer', () => {
    const hints = footerHints(['reader', 'global'], ['reader.handsOn', 'back']);
    expect(hints.map((hint) => hint.hint)).not.toContain('hands-on');
    expect(hints.map((hint) => hint.hint)).not.toContain('back');
  });
});

describe('layoutFooter', () => {
  for (const width of [40, 60, 80, 120]) {
    test(`fits ${width} columns`, () => {
      const lines = layoutFooter(footerHints(['reader', 'global']), width);
      expect(lines.length).toBeLessThanOrEqual(FOOTER_MAX_LINES);
      for (const line of lines) {
        const text = line.map((hint) => `${hint.label} ${hint.hint}`).join('  ');
        expect(displayWidth(text)).toBeLessThanOrEqual(width);
      }
    });
  }

  test('keeps quit and help at 60', () => {
    const shown = layoutFooter(footerHints(['reader', 'global']), 60).flat().map((hint) => hint.hint);
    expect(shown).toContain('quit');
    expect(shown).toContain('help');
  });
});

describe('README keys table', () => {
  const readme = fs.readFileSync(path.resolve('README.md'), 'utf8');
  const where: Partial<Record<KeyScope, string>> = { global: 'Everywhere', home: 'Lesson list', reader: 'Lesson reader' };

  for (const binding of KEYMAP.filter((candidate) => where[candidate.scope] !== undefined)) {
    test(`lists ${binding.command}`, () => {
      expect(readme).toContain(`| ${where[binding.scope]} | \`${binding.label}\` | ${binding.description} |`);
    });
  }
});
