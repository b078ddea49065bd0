import { useState } from 'react';
import { render, useApp } from 'ink';
import type { CliContext } from '../../commands/context.js';
import type { Lesson } from '../../lessons/schema.js';
import type { ProgressStore } from '../../progress/store.js';
import type { AttemptState } from '../../quiz/attempt.js';
import { loadCurrentAttempt } from '../../quiz/history.js';
import type { QuestionBank } from '../../quiz/schema.js';
import { createTheme } from '../../util/theme.js';
import { ThemeProvider } from '../theme.js';
import { LessonSectionView } from './LessonSectionView.js';
import { QuizApp, type QuizExit } from './QuizApp.js';

interface StandaloneQuizProps {
  bank: QuestionBank;
  store: ProgressStore;
  initialState: AttemptState;
  lessons: readonly Lesson[];
  rows: number;
  onExit: (exit: QuizExit) => void;
}

/**
 * The quiz with its own lesson view, for `mllm-course quiz` outside the home screen. Opening a lesson
 * unmounts the quiz; coming back mounts it again from the saved attempt.
 */
export function StandaloneQuiz({ bank, store, initialState, lessons, rows, onExit }: StandaloneQuizProps) {
  const { exit } = useApp();
  const [state, setState] = useState(initialState);
  const [open, setOpen] = useState<{ lessonId: string; sectionId: string } | undefined>();

  if (open) {
    return (
      <LessonSectionView
        lesson={lessons.find((lesson) => lesson.id === open.lessonId)}
        lessonId={open.lessonId}
        sectionId={open.sectionId}
        rows={rows - 3}
        onBack={() => {
          setState(loadCurrentAttempt(store, bank).state ?? state);
          setOpen(undefined);
        }}
      />
    );
  }

  return (
    <QuizApp
      bank={bank}
      store={store}
      initialState={state}
      lessons={lessons}
      onOpenLesson={(lessonId, sectionId) => setOpen({ lessonId, sectionId })}
      onExit={(result) => {
        onExit(result);
        exit();
      }}
    />
  );
}

/** Runs the interactive quiz on the context's terminal until the student leaves; returns how it ended. */
export async function runInteractiveQuiz(
  context: CliContext,
  options: { bank: QuestionBank; store: ProgressStore; state: AttemptState; lessons: readonly Lesson[] },
): Promise<QuizExit> {
  let result: QuizExit = { state: options.state, finished: false };
  const instance = render(
    <ThemeProvider theme={createTheme(context.mode.color)}>
      <StandaloneQuiz
        bank={options.bank}
        store={options.store}
        initialState={options.state}
        lessons={options.lessons}
        rows={context.mode.rows}
        onExit={(exit) => {
          result = exit;
        }}
      />
    </ThemeProvider>,
    {
      stdin: context.stdin as NodeJS.ReadStream,
      stdout: context.stdout as NodeJS.WriteStream,
      stderr: context.stderr as NodeJS.WriteStream,
      exitOnCtrlC: true,
    },
  );
  await instance.waitUntilExit();
  return result;
}
