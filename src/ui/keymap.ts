import type { Key } from 'ink';

/**
 * The single table of key bindings. Input handling (`matchCommand`), the footer (`footerHints`) and the
 * help overlay (`helpRows`) all read it, so the keys shown are always the keys that work.
 */

/** Scope of a binding; `global` bindings work on every screen unless the screen takes text input. */
export type KeyScope = 'global' | 'home' | 'reader' | 'help' | 'results' | 'quiz';

export type Command =
  | 'quit'
  | 'help'
  | 'back'
  | 'home.move'
  | 'home.open'
  | 'home.openNumber'
  | 'home.continue'
  | 'reader.lineDown'
  | 'reader.lineUp'
  | 'reader.pageDown'
  | 'reader.pageUp'
  | 'reader.top'
  | 'reader.bottom'
  | 'reader.nextLesson'
  | 'reader.previousLesson'
  | 'reader.handsOn'
  | 'results.nextSample'
  | 'results.previousSample'
  | 'results.toggleView'
  | 'results.lineDown'
  | 'results.lineUp';

type SpecialKey = 'upArrow' | 'downArrow' | 'leftArrow' | 'rightArrow' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'return' | 'escape' | 'backspace';

export interface KeySpec {
  /** Printable input, such as `q` or `?`; matched exactly, so `G` differs from `g`. */
  input?: string;
  /** A named key from Ink's Key object. */
  key?: SpecialKey;
  ctrl?: boolean;
}

export interface KeyBinding {
  command: Command;
  scope: KeyScope;
  keys: KeySpec[];
  /** Short key names for the footer and help, such as `j/↓`. */
  label: string;
  /** Footer wording; bindings without it appear only in the help overlay. */
  hint?: string;
  /** Shorter label for the footer, when `label` is long. */
  footerLabel?: string;
  description: string;
  /**
   * Matched by a component other than the App (ink-select-input moves the home selection itself);
   * listed here so that footer and help show it.
   */
  handledBy?: 'ink-select-input';
}

export const KEYMAP: readonly KeyBinding[] = [
  { command: 'quit', scope: 'global', keys: [{ input: 'q' }, { input: 'c', ctrl: true }], label: 'q', hint: 'quit', description: 'Quit the tutor (Ctrl-C works too); progress is saved' },
  { command: 'help', scope: 'global', keys: [{ input: '?' }], label: '?', hint: 'help', description: 'Show or hide this help' },
  { command: 'back', scope: 'global', keys: [{ key: 'escape' }, { key: 'backspace' }], label: 'Esc', hint: 'back', description: 'Go back to the previous screen' },

  { command: 'home.move', scope: 'home', keys: [{ key: 'upArrow' }, { key: 'downArrow' }, { input: 'k' }, { input: 'j' }], label: '↑↓', hint: 'move', description: 'Move the selection (k and j work too)', handledBy: 'ink-select-input' },
  { command: 'home.open', scope: 'home', keys: [{ key: 'return' }], label: 'Enter', hint: 'open', description: 'Open the selected lesson', handledBy: 'ink-select-input' },
  { command: 'home.openNumber', scope: 'home', keys: '12345678'.split('').map((input) => ({ input })), label: '1-8', description: 'Open lesson 1 to 8 directly', handledBy: 'ink-select-input' },
  { command: 'home.continue', scope: 'home', keys: [{ input: 'c' }], label: 'c', hint: 'continue', description: 'Continue where you left off' },

  { command: 'reader.lineDown', scope: 'reader', keys: [{ key: 'downArrow' }, { input: 'j' }], label: 'j/↓', footerLabel: 'j/k', hint: 'scroll', description: 'Scroll down one line' },
  { command: 'reader.lineUp', scope: 'reader', keys: [{ key: 'upArrow' }, { input: 'k' }], label: 'k/↑', description: 'Scroll up one line' },
  { command: 'reader.pageDown', scope: 'reader', keys: [{ key: 'pageDown' }, { input: ' ' }, { input: 'f' }], label: 'Space/PgDn', footerLabel: 'Space', hint: 'page', description: 'Scroll down one page (f works too)' },
  { command: 'reader.pageUp', scope: 'reader', keys: [{ key: 'pageUp' }, { input: 'b' }], label: 'b/PgUp', description: 'Scroll up one page' },
  { command: 'reader.top', scope: 'reader', keys: [{ key: 'home' }, { input: 'g' }], label: 'g/Home', description: 'Go to the top of the lesson' },
  { command: 'reader.bottom', scope: 'reader', keys: [{ key: 'end' }, { input: 'G' }], label: 'G/End', footerLabel: 'G', hint: 'end', description: 'Go to the end of the lesson' },
  { command: 'reader.nextLesson', scope: 'reader', keys: [{ input: 'n' }, { key: 'rightArrow' }], label: 'n/→', footerLabel: 'n', hint: 'next', description: 'Open the next lesson' },
  { command: 'reader.previousLesson', scope: 'reader', keys: [{ input: 'p' }, { key: 'leftArrow' }], label: 'p/←', footerLabel: 'p', hint: 'previous', description: 'Open the previous lesson' },
  { command: 'reader.handsOn', scope: 'reader', keys: [{ input: 'h' }], label: 'h', hint: 'hands-on', description: 'Show or hide the hands-on panel (lessons 03 to 06)' },

  { command: 'results.nextSample', scope: 'results', keys: [{ input: 'n' }, { key: 'rightArrow' }], label: 'n/→', footerLabel: 'n', hint: 'next sample', description: 'Show the next sample' },
  { command: 'results.previousSample', scope: 'results', keys: [{ input: 'p' }, { key: 'leftArrow' }], label: 'p/←', footerLabel: 'p', hint: 'previous', description: 'Show the previous sample' },
  { command: 'results.toggleView', scope: 'results', keys: [{ input: 's' }], label: 's', hint: 'scores/samples', description: 'Switch between the score table and the samples' },
  { command: 'results.lineDown', scope: 'results', keys: [{ key: 'downArrow' }, { input: 'j' }], label: 'j/↓', footerLabel: 'j/k', hint: 'scroll', description: 'Scroll down one line' },
  { command: 'results.lineUp', scope: 'results', keys: [{ key: 'upArrow' }, { input: 'k' }], label: 'k/↑', description: 'Scroll up one line' },
];

function keyMatches(spec: KeySpec, input: string, key: Key): boolean {
  if (Boolean(spec.ctrl) !== key.ctrl) {
    return false;
  }
  if (spec.key) {
    return key[spec.key];
  }
  return spec.input !== undefined && spec.input === input;
}

/** Returns the command bound to this keypress in `scopes` (checked in order), or undefined. */
export function matchCommand(scopes: KeyScope[], input: string, key: Key): Command | undefined {
  for (const scope of scopes) {
    const binding = KEYMAP.find(
      (candidate) => candidate.scope === scope && !candidate.handledBy && candidate.keys.some((spec) => keyMatches(spec, input, key)),
    );
    if (binding) {
      return binding.command;
    }
  }
  return undefined;
}

export interface FooterHint {
  label: string;
  hint: string;
}

/** Lists footer hints for `scopes`: screen bindings first, then the global ones, skipping `hidden` commands. */
export function footerHints(scopes: KeyScope[], hidden: Command[] = []): FooterHint[] {
  const ordered = [...scopes.filter((scope) => scope !== 'global'), ...(scopes.includes('global') ? (['global'] as const) : [])];
  return ordered.flatMap((scope) =>
    KEYMAP.filter((binding) => binding.scope === scope && binding.hint && !hidden.includes(binding.command)).map((binding) => ({
      label: binding.footerLabel ?? binding.label,
      hint: binding.hint ?? '',
    })),
  );
}

/** Help overlay rows for the given scopes, in table order. */
export function helpRows(scopes: KeyScope[]): Array<{ scope: KeyScope; label: string; description: string }> {
  return KEYMAP.filter((binding) => scopes.includes(binding.scope)).map((binding) => ({
    scope: binding.scope,
    label: binding.label,
    description: binding.description,
  }));
}
