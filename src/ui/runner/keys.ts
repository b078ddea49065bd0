/**
 * Keys of the live run view, in one table that drives input handling and the hints on screen.
 * NOTE: kept here until the App's keymap (src/ui/keymap.ts) gets a `run` scope to hold them.
 */
export type RunViewCommand = 'detach' | 'cancel' | 'confirm' | 'refuse';

export interface RunViewBinding {
  command: RunViewCommand;
  inputs: string[];
  /** Also bound to the Escape key. */
  escape?: boolean;
  label: string;
  hint: string;
  /** Shown while a cancel waits for confirmation, instead of the normal hints. */
  confirming: boolean;
}

export const RUN_VIEW_KEYS: readonly RunViewBinding[] = [
  { command: 'detach', inputs: ['d'], label: 'd', hint: 'detach (the run goes on)', confirming: false },
  { command: 'cancel', inputs: ['c'], label: 'c', hint: 'cancel the run', confirming: false },
  { command: 'confirm', inputs: ['y'], label: 'y', hint: 'yes, cancel it', confirming: true },
  { command: 'refuse', inputs: ['n'], escape: true, label: 'n/Esc', hint: 'no, keep it running', confirming: true },
];

export function matchRunViewKey(input: string, escape: boolean, confirming: boolean): RunViewCommand | undefined {
  return RUN_VIEW_KEYS.find(
    (binding) => binding.confirming === confirming && (binding.inputs.includes(input) || (escape && binding.escape === true)),
  )?.command;
}

export function runViewHints(confirming: boolean): string {
  return RUN_VIEW_KEYS.filter((binding) => binding.confirming === confirming)
    .map((binding) => `${binding.label} ${binding.hint}`)
    .join(' · ');
}
