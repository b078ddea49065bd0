/**
 * Screens and navigation of the App as a pure reducer. Screens form a stack: opening a screen pushes it
 * and `back` returns to the one below, so a screen that opens a lesson at a section (the quiz, for one)
 * gets control back when the student leaves the reader.
 *
 * To add a screen: add a member to `Screen`, give it a case in App's `scopesOf` and a render branch in
 * App's `renderScreen`, and reach it with `open` (from another screen, or through homeActionsFor).
 */
export type Screen =
  | { kind: 'home' }
  | {
      kind: 'reader';
      lessonId: string;
      /** Scroll to this section's heading on open; otherwise restore the saved position. */
      sectionId?: string;
    }
  | { kind: 'quiz' }
  | {
      kind: 'results';
      /** Output folder of the stages, as given to `--out`. */
      outDir: string;
    };

export type ScreenKind = Screen['kind'];

export interface AppState {
  /** Never empty; the last element is the screen shown. */
  stack: Screen[];
  helpOpen: boolean;
}

export type AppAction =
  | { type: 'open'; screen: Screen }
  /** Replaces the current screen (next and previous lesson), so `back` skips it. */
  | { type: 'replace'; screen: Screen }
  | { type: 'back' }
  | { type: 'home' }
  | { type: 'toggleHelp' }
  | { type: 'closeHelp' };

export function initialState(screen: Screen = { kind: 'home' }): AppState {
  return { stack: screen.kind === 'home' ? [screen] : [{ kind: 'home' }, screen], helpOpen: false };
}

export function currentScreen(state: AppState): Screen {
  return state.stack[state.stack.length - 1] ?? { kind: 'home' };
}

export function appReducer(state: AppState, action: AppAction): AppState {
  switch (action.type) {
    case 'open':
      return { ...state, stack: [...state.stack, action.screen], helpOpen: false };
    case 'replace':
      return { ...state, stack: [...state.stack.slice(0, -1), action.screen], helpOpen: false };
    case 'back':
      if (state.helpOpen) {
        return { ...state, helpOpen: false };
      }
      return state.stack.length > 1 ? { ...state, stack: state.stack.slice(0, -1) } : state;
    case 'home':
      return { stack: [{ kind: 'home' }], helpOpen: false };
    case 'toggleHelp':
      return { ...state, helpOpen: !state.helpOpen };
    case 'closeHelp':
      return { ...state, helpOpen: false };
    default: {
      const unknown: never = action;
      throw new Error(`Unknown app action ${JSON.stringify(unknown)}`);
    }
  }
}
