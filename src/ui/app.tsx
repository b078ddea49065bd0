import { Box, Text, useApp, useInput, type Key } from 'ink';
import React, { lazy, Suspense, useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useRef } from 'react';
import type { CourseContent } from '../lessons/load.js';
import { continueTarget } from '../lessons/progress.js';
import { formatHistorySummary, hasAttemptInProgress, readHistory } from '../quiz/history.js';
import type { ProgressStore } from '../progress/store.js';
import type { Theme } from '../util/theme.js';
import { Footer, FOOTER_MAX_LINES } from './footer.js';
import { HelpOverlay } from './help-overlay.js';
import { homeActionsFor, type HomeAction } from './home-actions.js';
import { HomeScreen } from './home.js';
import { footerHints, matchCommand, type Command, type KeyScope } from './keymap.js';
import { Loading } from './loading.js';
import { MAX_PENDING_KEYS, ScreenKeysProvider, type KeyHandler, type PendingKeys } from './screen-keys.js';
import { appReducer, currentScreen, initialState, type Screen } from './state.js';
import { ThemeProvider } from './theme.js';
import { useTerminalSize } from './use-terminal-size.js';

export interface AppProps {
  course: CourseContent;
  store: ProgressStore;
  theme: Theme;
  /** Screen to open first; home when absent. */
  initialScreen?: Screen;
  /** Messages for the home screen, such as the progress store's warnings. */
  notices?: string[];
  /** Entries under the lessons on the home screen; defaults to homeActionsFor(store). */
  homeActions?: readonly HomeAction[];
}

// The reader pulls in marked and marked-terminal; loading it after the first frame keeps start-up short.
const loadReader = () => import('./reader.js');
const ReaderScreen = lazy(async () => ({ default: (await loadReader()).ReaderScreen }));
const QuizScreen = lazy(async () => ({ default: (await import('./quiz/QuizScreen.js')).QuizScreen }));
const ResultsPanel = lazy(async () => ({ default: (await import('./results/ResultsPanel.js')).ResultsPanel }));

/** Printable ASCII only: escape sequences and control characters keep their own parsing. */
const PRINTABLE_CHUNK = /^[\x20-\x7e]+$/;

/** One row stays free under the frame so that it never fills the terminal (Ink redraws the whole screen then). */
const SPARE_ROWS = 1;

function scopesOf(screen: Screen): KeyScope[] {
  switch (screen.kind) {
    case 'home':
      return ['home', 'global'];
    case 'reader':
      return ['reader', 'global'];
    case 'quiz':
      // The quiz takes typed answers and shows its own key hints; only Ctrl-C stays global.
      return ['quiz'];
    case 'results':
      return ['results', 'global'];
  }
}

/** Root of the tutor: keeps the screen stack, routes global keys and lays out screen, help and footer. */
export function App({ course, store, theme, initialScreen, notices = [], homeActions: givenActions }: AppProps): React.JSX.Element {
  const homeActions = useMemo(() => givenActions ?? homeActionsFor(store), [givenActions, store]);
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize();
  const [state, dispatch] = useReducer(appReducer, initialScreen, initialState);
  const screen = currentScreen(state);
  const scopes = scopesOf(screen);
  const screenKeys = useRef<KeyHandler | undefined>(undefined);
  const pendingKeys = useRef<PendingKeys>([]);
  // Read through a ref: Ink may call an input handler from the previous render.
  const scopesRef = useRef(scopes);
  scopesRef.current = scopes;
  const helpOpenRef = useRef(state.helpOpen);
  helpOpenRef.current = state.helpOpen;

  // Keys held for one screen never reach the next one.
  const screenIdentity = `${state.stack.length}:${JSON.stringify(screen)}`;
  useLayoutEffect(() => {
    pendingKeys.current = [];
  }, [screenIdentity]);

  useEffect(() => {
    // Start loading the reader while the student looks at the home screen.
    void loadReader();
  }, []);

  // The one input listener: global keys first, then the shown screen's handler (see useScreenKeys).
  // A held key, a paste or a slow SSH link delivers several printable keys in one chunk ("jjj"), which Ink
  // passes on as one input; each character is handled as its own keypress so that none is lost.
  useInput((input, key) => {
    if (input.length > 1 && !key.ctrl && !key.meta && PRINTABLE_CHUNK.test(input)) {
      for (const character of input) {
        handleKey(character, key);
      }
      return;
    }
    handleKey(input, key);
  });

  function handleKey(input: string, key: Key): void {
    const command = matchCommand(['global'], input, key);
    // A screen that takes typed text leaves 'global' out of its scopes, so `q` and `?` reach it as text.
    // Ctrl-C still quits there.
    const globalKeys = scopesRef.current.includes('global') || (command === 'quit' && key.ctrl);
    switch (globalKeys ? command : undefined) {
      case 'quit':
        exit();
        return;
      case 'help':
        dispatch({ type: 'toggleHelp' });
        return;
      case 'back':
        dispatch({ type: 'back' });
        return;
      default:
        if (screenKeys.current) {
          screenKeys.current(input, key);
        } else if (!helpOpenRef.current) {
          // The screen is still loading (a lazy screen shows its fallback): hold the key for it.
          pendingKeys.current.push([input, key]);
          pendingKeys.current.splice(0, Math.max(0, pendingKeys.current.length - MAX_PENDING_KEYS));
        }
    }
  }

  const openLesson = useCallback((lessonId: string, sectionId?: string) => {
    dispatch({ type: 'open', screen: { kind: 'reader', lessonId, sectionId } });
  }, []);
  const switchLesson = useCallback((lessonId: string) => {
    dispatch({ type: 'replace', screen: { kind: 'reader', lessonId } });
  }, []);

  const bodyHeight = Math.max(4, rows - FOOTER_MAX_LINES - SPARE_ROWS);
  const active = !state.helpOpen;
  const hidden: Command[] = state.stack.length > 1 ? [] : ['back'];
  if (screen.kind === 'home' && !continueTarget(store, course.lessons)) {
    hidden.push('home.continue');
  }
  if (screen.kind === 'reader' && !course.lessons.find((lesson) => lesson.id === screen.lessonId)?.stage) {
    hidden.push('reader.handsOn');
  }

  let body: React.JSX.Element;
  if (state.helpOpen) {
    body = <HelpOverlay scopes={scopes} width={columns} height={bodyHeight} />;
  } else {
    body = renderScreen();
  }

  function renderScreen(): React.JSX.Element {
    switch (screen.kind) {
      case 'home':
        return (
          <HomeScreen
            lessons={course.lessons}
            store={store}
            notices={notices}
            width={columns}
            height={bodyHeight}
            active={active}
            onOpenLesson={(lessonId) => openLesson(lessonId)}
            actions={homeActions}
            statusLines={formatHistorySummary(readHistory(store), hasAttemptInProgress(store)).split('\n')}
            onOpenAction={(action) => dispatch({ type: 'open', screen: action.screen })}
          />
        );
      case 'reader': {
        const lesson = course.lessons.find((candidate) => candidate.id === screen.lessonId);
        if (!lesson) {
          return <Text>{`Lesson ${screen.lessonId} does not exist; press Esc to go back.`}</Text>;
        }
        return (
          <Suspense fallback={<Loading label={`Opening lesson ${lesson.id}`} />}>
            <ReaderScreen
              key={`${state.stack.length}:${screen.lessonId}:${screen.sectionId ?? ''}`}
              course={course}
              lesson={lesson}
              store={store}
              sectionId={screen.sectionId}
              width={columns}
              height={bodyHeight}
              active={active}
              onOpenLesson={switchLesson}
            />
          </Suspense>
        );
      }
      case 'quiz':
        return (
          <Suspense fallback={<Loading label="Loading the quiz" />}>
            <QuizScreen
              key={state.stack.length}
              store={store}
              lessons={course.lessons}
              onOpenLesson={(lessonId, sectionId) => openLesson(lessonId, sectionId)}
              onExit={() => dispatch({ type: 'back' })}
            />
          </Suspense>
        );
      case 'results':
        return (
          <Suspense fallback={<Loading label="Loading the results" />}>
            <ResultsPanel outDir={screen.outDir} width={columns} height={bodyHeight} active={active} />
          </Suspense>
        );
    }
  }

  return (
    <ThemeProvider theme={theme}>
      <ScreenKeysProvider slot={screenKeys} pending={pendingKeys}>
        <Box flexDirection="column" width={columns}>
          {/* Clips a screen that outgrows its rows, so the frame never reaches the terminal's last row. */}
          <Box flexDirection="column" height={bodyHeight} overflow="hidden">
            {body}
          </Box>
          <Footer hints={footerHints(state.helpOpen ? ['help', 'global'] : scopes, hidden)} width={columns} />
        </Box>
      </ScreenKeysProvider>
    </ThemeProvider>
  );
}
