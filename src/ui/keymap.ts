import type { Key } from 'ink';

/**
 * The single table of key bindings. Input handling (`matchCommand`), the footer (`footerHints`) and the
 * help overlay (`helpRows`) all read it, so the keys shown are always the keys that work.
 */

/**
 * Scope of a binding; `global` bindings work on every screen unless the screen takes text input. `run` is
 * the live run view of `run` and `logs --follow`, and `run.confirm` its cancel confirmation. The quiz's
 * screens reuse Enter and `q` for different commands, so each quiz screen matches only the commands it offers.
 */
export type KeyScope = 'global' | 'home' | 'reader' | 'help' | 'results' | 'quiz' | 'run' | 'run.confirm';

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
  | 'results.lineUp'
  | 'run.detach'
  | 'run.cancel'
  | 'run.confirm'
  | 'run.refuse'
  | 'quiz.begin'
  | 'quiz.submit'
  | 'quiz.next'
  | 'quiz.finish'
  | 'quiz.openLesson'
  | 'quiz.retakeMissed'
  | 'quiz.quit'
  | 'quiz.close';

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
  /**
   * Wording for the hint line that a view draws itself (the live run view, the quiz screens), which
   * stays out of the App's footer.
   */
  screenHint?: string;
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

  // Ctrl-C detaches too; the live view handles it before the table, because raw mode delivers it as a key.
  { command: 'run.detach', scope: 'run', keys: [{ input: 'd' }], label: 'd', screenHint: 'detach (the run goes on)', description: 'Leave the live view; the run goes on (Ctrl-C works too)' },
  { command: 'run.cancel', scope: 'run', keys: [{ input: 'c' }], label: 'c', screenHint: 'cancel the run', description: 'Cancel the run, after a confirmation' },
  { command: 'run.confirm', scope: 'run.confirm', keys: [{ input: 'y' }], label: 'y', screenHint: 'yes, cancel it', description: 'Confirm the cancel' },
  { command: 'run.refuse', scope: 'run.confirm', keys: [{ input: 'n' }, { key: 'escape' }], label: 'n/Esc', screenHint: 'no, keep it running', description: 'Keep the run going' },

  // Letters match in either case, as the quiz has always taken them.
  { command: 'quiz.begin', scope: 'quiz', keys: [{ key: 'return' }], label: 'Enter', screenHint: 'start', description: 'Start the attempt' },
  { command: 'quiz.submit', scope: 'quiz', keys: [{ key: 'return' }], label: 'Enter', screenHint: 'submit the answer', description: 'Submit the answer' },
  { command: 'quiz.next', scope: 'quiz', keys: [{ key: 'return' }, { input: 'n' }, { input: 'N' }], label: 'Enter/n', screenHint: 'next question', description: 'Go to the next question' },
  { command: 'quiz.finish', scope: 'quiz', keys: [{ key: 'return' }, { input: 'n' }, { input: 'N' }], label: 'Enter/n', screenHint: 'see the results', description: 'See the results of the attempt' },
  { command: 'quiz.openLesson', scope: 'quiz', keys: [{ input: 'l' }, { input: 'L' }], label: 'l', screenHint: 'open the lesson section', description: 'Open the lesson section the question is about' },
  { command: 'quiz.retakeMissed', scope: 'quiz', keys: [{ input: 'r' }, { input: 'R' }], label: 'r', screenHint: 'retake missed questions', description: 'Retake the questions you missed' },
  { command: 'quiz.quit', scope: 'quiz', keys: [{ input: 'q' }, { input: 'Q' }, { key: 'escape' }], label: 'q/Esc', screenHint: 'save and leave', description: 'Save the attempt and leave' },
  { command: 'quiz.close', scope: 'quiz', keys: [{ input: 'q' }, { input: 'Q' }, { key: 'escape' }, { key: 'return' }], label: 'q/Enter', screenHint: 'leave', description: 'Leave the results' },
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

/**
 * Returns whether a keypress triggers `command`, for screens that pick the commands they offer (the quiz).
 * A letter with Ctrl or Meta held never matches.
 */
export function commandMatches(command: Command, input: string, key: Key): boolean {
  const binding = KEYMAP.find((candidate) => candidate.command === command);
  if (!binding) {
    return false;
  }
  return binding.keys.some((spec) => (spec.key ? key[spec.key] : !key.ctrl && !key.meta && spec.input === input));
}

/** Formats the hint line a view draws itself: "d detach (the run goes on) · c cancel the run". */
export function screenHintLine(commands: readonly Command[]): string {
  return commands
    .map((command) => KEYMAP.find((binding) => binding.command === command))
    .filter((binding): binding is KeyBinding => binding !== undefined)
    .map((binding) => `${binding.label} ${binding.screenHint ?? binding.description}`)
    .join(' · ');
}

/** Lists the commands of a scope in table order. */
export function commandsOf(scope: KeyScope): Command[] {
  return KEYMAP.filter((binding) => binding.scope === scope).map((binding) => binding.command);
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
