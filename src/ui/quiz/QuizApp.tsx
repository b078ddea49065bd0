import { useEffect, useMemo, useRef, useState } from 'react';
import { useInput } from 'ink';
import type { Lesson } from '../../lessons/schema.js';
import type { ProgressStore } from '../../progress/store.js';
import { createAttempt, createAttemptReducer, currentItem, currentNumber, questionOf, type AttemptAction, type AttemptState } from '../../quiz/attempt.js';
import { drawAttempt, randomSeed } from '../../quiz/draw.js';
import { assertNever } from '../../quiz/grade.js';
import { recordAttempt, saveCurrentAttempt } from '../../quiz/history.js';
import { describeReference } from '../../quiz/plain.js';
import { summarizeAttempt, toAttemptRecord } from '../../quiz/result.js';
import type { QuestionBank } from '../../quiz/schema.js';
import { EndScreen } from './EndScreen.js';
import { FeedbackScreen } from './FeedbackScreen.js';
import { IntroScreen } from './IntroScreen.js';
import type { QuizInputSlot } from './keys.js';
import { QuestionScreen } from './QuestionScreen.js';

export interface QuizExit {
  state: AttemptState;
  /** False when the student left before the last answer; the attempt stays saved for resuming. */
  finished: boolean;
}

export interface QuizAppProps {
  bank: QuestionBank;
  store: ProgressStore;
  /** Attempt to show: a new one from `createAttempt`, or the saved one from `loadCurrentAttempt`. */
  initialState: AttemptState;
  /** Lessons for section titles in feedback; ids are shown without them. */
  lessons?: readonly Lesson[];
  /**
   * Opens a lesson at a section. The attempt is saved before the call, so the host can unmount the quiz,
   * show the lesson and mount it again with the saved attempt to return to the same question.
   */
  onOpenLesson: (lessonId: string, sectionId: string) => void;
  onExit: (exit: QuizExit) => void;
  /** Seed for a retake of missed questions; random by default. */
  createSeed?: () => number;
}

/**
 * Runs an attempt from the grading rules to the end screen. The attempt is saved in the progress store at every
 * step, and a finished attempt goes to the history once.
 */
export function QuizApp({ bank, store, initialState, lessons, onOpenLesson, onExit, createSeed = randomSeed }: QuizAppProps) {
  const reduce = useMemo(() => createAttemptReducer(bank), [bank]);
  const [state, setState] = useState(initialState);
  const recorded = useRef(new Set<string>());
  const inputSlot = useRef<QuizInputSlot['current']>(undefined);
  useInput((input, key) => inputSlot.current?.(input, key));

  // Saving in the event handler, before the next frame, means that whatever the screen shows is already on disk.
  const show = (next: AttemptState): void => {
    if (next.phase !== 'finished') {
      saveCurrentAttempt(store, next);
    } else if (!recorded.current.has(next.id)) {
      recorded.current.add(next.id);
      recordAttempt(store, toAttemptRecord(next, summarizeAttempt(next, bank)));
    }
    setState(next);
  };
  const dispatch = (action: AttemptAction): void => {
    const next = reduce(state, action);
    if (next !== state) {
      show(next);
    }
  };

  // Like useState, the quiz reads initialState once, at mount; a later prop value must not overwrite progress.
  useEffect(() => {
    if (initialState.phase !== 'finished') {
      saveCurrentAttempt(store, initialState);
    }
  }, []);

  const quit = (): void => {
    saveCurrentAttempt(store, state);
    onExit({ state, finished: false });
  };

  const item = currentItem(state);
  const count = state.items.length;

  switch (state.phase) {
    case 'intro':
      return (
        <IntroScreen
          inputSlot={inputSlot}
          questionCount={count}
          retake={state.retake}
          seed={state.seed}
          answered={state.answers.length}
          onBegin={() => dispatch({ type: 'begin' })}
          onQuit={quit}
        />
      );

    case 'question':
      if (!item) {
        return null;
      }
      return (
        <QuestionScreen
          inputSlot={inputSlot}
          key={`${state.id}-${item.questionId}`}
          question={questionOf(bank, item)}
          item={item}
          number={currentNumber(state)}
          count={count}
          onAnswer={(response) => dispatch({ type: 'answer', response })}
          onQuit={quit}
        />
      );

    case 'feedback': {
      const answer = state.answers.at(-1);
      if (!item || !answer) {
        return null;
      }
      const question = questionOf(bank, item);
      return (
        <FeedbackScreen
          inputSlot={inputSlot}
          question={question}
          item={item}
          answer={answer}
          number={currentNumber(state)}
          count={count}
          reference={describeReference(question, lessons)}
          onNext={() => dispatch({ type: 'next', at: new Date().toISOString() })}
          onOpenLesson={() => {
            saveCurrentAttempt(store, state);
            onOpenLesson(question.ref.lesson, question.ref.section);
          }}
          onQuit={quit}
        />
      );
    }

    case 'finished': {
      const summary = summarizeAttempt(state, bank);
      return (
        <EndScreen
          inputSlot={inputSlot}
          summary={summary}
          bank={bank}
          onRetakeMissed={() => {
            const seed = createSeed();
            show(createAttempt(drawAttempt(bank, seed, { questionIds: summary.missed }), seed, { retake: true }));
          }}
          onClose={() => onExit({ state, finished: true })}
        />
      );
    }

    default:
      return assertNever(state.phase);
  }
}
