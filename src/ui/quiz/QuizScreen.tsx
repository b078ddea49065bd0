import { useState } from 'react';
import { Box, Text, useInput } from 'ink';
import type { Lesson } from '../../lessons/schema.js';
import type { ProgressStore } from '../../progress/store.js';
import { loadBank } from '../../quiz/load.js';
import type { QuestionBank } from '../../quiz/schema.js';
import { chooseAttempt, type AttemptChoice, type AttemptRequest } from '../../quiz/session.js';
import { ContentError } from '../../util/content-error.js';
import { useTheme } from '../theme.js';
import { QuizApp, type QuizExit } from './QuizApp.js';

export interface QuizScreenProps {
  store: ProgressStore;
  lessons?: readonly Lesson[];
  /** Question bank; loaded from `quiz/` when absent. */
  bank?: QuestionBank;
  /** Attempt to start; by default the saved one resumes, or a new one starts. */
  request?: AttemptRequest;
  onOpenLesson: (lessonId: string, sectionId: string) => void;
  onExit: (exit: QuizExit | undefined) => void;
}

type Setup = { ok: true; bank: QuestionBank; choice: AttemptChoice } | { ok: false; message: string };

function setUp(store: ProgressStore, bank: QuestionBank | undefined, request: AttemptRequest): Setup {
  try {
    const loaded = bank ?? loadBank();
    return { ok: true, bank: loaded, choice: chooseAttempt(store, loaded, request) };
  } catch (error) {
    if (error instanceof ContentError) {
      return { ok: false, message: `${error.message}. Fix the question file, or reinstall mllm-course if you did not edit it.` };
    }
    throw error;
  }
}

function setupProblem(setup: Setup): string | undefined {
  if (!setup.ok) {
    return setup.message;
  }
  return setup.choice.ok ? undefined : setup.choice.message;
}

/**
 * Renders the quiz as a screen of the home App. It picks the saved attempt or a new one once, at mount, so
 * mounting it again after a lesson detour resumes from the attempt that QuizApp saved.
 */
export function QuizScreen({ store, lessons, bank, request = {}, onOpenLesson, onExit }: QuizScreenProps) {
  const theme = useTheme();
  const [setup] = useState(() => setUp(store, bank, request));

  const problem = setupProblem(setup);
  useInput(
    () => {
      onExit(undefined);
    },
    { isActive: problem !== undefined },
  );

  if (!setup.ok || !setup.choice.ok) {
    return (
      <Box flexDirection="column">
        <Text {...theme.roles.error}>✗ {problem}</Text>
        <Text {...theme.roles.muted}>Press any key to go back.</Text>
      </Box>
    );
  }

  return (
    <Box flexDirection="column">
      {setup.choice.warnings.map((warning) => (
        <Text key={warning} {...theme.roles.warning}>
          ! {warning}
        </Text>
      ))}
      <QuizApp bank={setup.bank} store={store} initialState={setup.choice.state} lessons={lessons} onOpenLesson={onOpenLesson} onExit={onExit} />
    </Box>
  );
}
