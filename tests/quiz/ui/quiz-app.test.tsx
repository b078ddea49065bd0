import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadCourse } from '../../../src/lessons/load.js';
import { ProgressStore } from '../../../src/progress/store.js';
import { createAttempt, type AttemptState } from '../../../src/quiz/attempt.js';
import { drawAttempt, type AttemptItem } from '../../../src/quiz/draw.js';
import { choiceLetter } from '../../../src/quiz/grade.js';
import { loadCurrentAttempt } from '../../../src/quiz/history.js';
import { loadBank } from '../../../src/quiz/load.js';
import type { Question } from '../../../src/quiz/schema.js';
import { QuizApp, type QuizExit } from '../../../src/ui/quiz/QuizApp.js';
import { correctAnswerText, makeTempDir, wrongAnswerText } from '../helpers.js';

const bank = loadBank();
const { lessons } = loadCourse();
const SEED = 2026;

type Instance = ReturnType<typeof render>;
let instances: Instance[] = [];

afterEach(() => {
  instances.forEach((instance) => instance.unmount());
  instances = [];
});

function mount(store: ProgressStore, state: AttemptState, handlers: { onOpenLesson?: (lesson: string, section: string) => void; onExit?: (exit: QuizExit) => void } = {}): Instance {
  const instance = render(
    <QuizApp
      bank={bank}
      store={store}
      initialState={state}
      lessons={lessons}
      onOpenLesson={handlers.onOpenLesson ?? (() => undefined)}
      onExit={handlers.onExit ?? (() => undefined)}
      createSeed={() => 77}
    />,
  );
  instances.push(instance);
  return instance;
}

/** Returns the last frame with line wraps and runs of spaces collapsed, so assertions do not depend on the width. */
function flatFrame(instance: Instance): string {
  return (instance.lastFrame() ?? '').replace(/\s+/g, ' ');
}

/** Waits until the (collapsed) last frame satisfies `predicate` and returns it. */
async function waitForFrame(instance: Instance, predicate: (frame: string) => boolean, what: string): Promise<string> {
  await vi.waitFor(
    () => {
      if (!predicate(flatFrame(instance))) {
        throw new Error(`waiting for ${what}; last frame:\n${instance.lastFrame() ?? ''}`);
      }
    },
    { timeout: 5000, interval: 5 },
  );
  return flatFrame(instance);
}

function questionAt(state: AttemptState, index: number): { item: AttemptItem; question: Question } {
  const item = state.items[index];
  const question = item && bank.byId.get(item.questionId);
  if (!item || !question) {
    throw new Error(`no question at ${index}`);
  }
  return { item, question };
}

/** Types an answer the way a student would: one letter key at a time, or the digits of a number. */
async function typeAnswer(instance: Instance, question: Question, item: AttemptItem, text: string): Promise<void> {
  if (question.type === 'numeric') {
    instance.stdin.write(text);
    await waitForFrame(instance, (frame) => frame.includes(`Answer: ${text}`), `typed number ${text}`);
  } else {
    for (const letter of text.split(',')) {
      instance.stdin.write(letter.toLowerCase());
      await waitForFrame(instance, (frame) => frame.includes(`[x] ${letter}.`), `choice ${letter} selected`);
    }
  }
  instance.stdin.write('\r');
}

async function answerQuestion(instance: Instance, state: AttemptState, index: number, correct: boolean): Promise<string> {
  const { item, question } = questionAt(state, index);
  await waitForFrame(instance, (frame) => frame.includes(`Question ${index + 1} of ${state.items.length} ·`), `question ${index + 1}`);
  await typeAnswer(instance, question, item, correct ? correctAnswerText(question, item) : wrongAnswerText(question, item));
  return waitForFrame(instance, (frame) => frame.includes(correct ? '✓ Right' : '✗ Wrong'), `feedback on question ${index + 1}`);
}

describe('QuizApp', () => {
  it('attempt with lesson detour and retake', async () => {
    const store = ProgressStore.open({ cwd: makeTempDir('ui') });
    const initial = createAttempt(drawAttempt(bank, SEED, { size: 4 }), SEED);
    const onOpenLesson = vi.fn<(lesson: string, section: string) => void>();
    let app = mount(store, initial, { onOpenLesson });

    const intro = await waitForFrame(app, (frame) => frame.includes('Grading rules'), 'intro screen');
    expect(intro).toContain('Quiz: 4 questions');
    expect(intro).toContain('Multiple select: partial credit = (correct picks - wrong picks) / number of correct options, never below 0.');
    expect(intro).toContain('Pass mark: 80%');
    app.stdin.write('\r');

    // An empty answer is rejected with the reason and not counted.
    await waitForFrame(app, (frame) => frame.includes('Question 1 of 4 ·'), 'question 1');
    app.stdin.write('\r');
    await waitForFrame(app, (frame) => frame.includes('Not counted. The answer is empty'), 'empty answer rejected');

    const first = questionAt(initial, 0);
    const feedback = await answerQuestion(app, initial, 0, true);
    expect(feedback).toContain(`Correct answer: `);
    expect(feedback).toContain(first.question.explanation.trim().replace(/\s+/g, ' ').slice(0, 40));
    expect(feedback).toContain('l open the lesson section');

    // Open the referenced lesson section; the host unmounts the quiz while the lesson is shown.
    app.stdin.write('l');
    await vi.waitFor(() => expect(onOpenLesson).toHaveBeenCalledTimes(1));
    expect(onOpenLesson).toHaveBeenCalledWith(first.question.ref.lesson, first.question.ref.section);
    app.unmount();

    // Coming back mounts the quiz again from the saved attempt, at the same question's feedback.
    const saved = loadCurrentAttempt(store, bank).state;
    expect(saved?.phase).toBe('feedback');
    expect(saved?.answers).toHaveLength(1);
    app = mount(store, saved as AttemptState, { onOpenLesson });
    const back = await waitForFrame(app, (frame) => frame.includes('✓ Right'), 'feedback after returning');
    expect(back).toContain('Question 1 of 4');
    app.stdin.write('\r');

    await answerQuestion(app, initial, 1, false);
    app.stdin.write('n');
    await answerQuestion(app, initial, 2, true);
    app.stdin.write('\r');
    await answerQuestion(app, initial, 3, true);
    expect(flatFrame(app)).toContain('Enter/n see the results');
    app.stdin.write('\r');

    const end = await waitForFrame(app, (frame) => frame.includes('Not passed'), 'end screen');
    expect(end).toContain('3/4 (75%)');
    expect(end).toContain('pass mark 80%');
    expect(end).toContain('Missed (1)');
    expect(end).toContain(questionAt(initial, 1).question.prompt.trim().slice(0, 30));
    expect(end).toContain('r retake missed questions');

    const history = store.data.quiz.history;
    expect(history).toHaveLength(1);
    expect(history[0]?.total).toEqual({ score: 3, max: 4 });
    expect(history[0]?.missed).toEqual([initial.items[1]?.questionId]);

    app.stdin.write('r');
    await waitForFrame(app, (frame) => frame.includes('Retake: 1 question you missed last time'), 'retake intro');
    app.stdin.write('\r');
    const retake = { ...initial, items: drawAttempt(bank, 77, { questionIds: [initial.items[1]?.questionId as string] }) };
    await answerQuestion(app, retake, 0, true);
    app.stdin.write('\r');
    await waitForFrame(app, (frame) => frame.includes('✓ Passed: 1/1 (100%)'), 'retake end screen');

    expect(store.data.quiz.history).toHaveLength(2);
    expect(store.data.quiz.history[1]?.retake).toBe(true);
  });

  it('resumes after leaving halfway', async () => {
    const store = ProgressStore.open({ cwd: makeTempDir('ui-resume') });
    const initial = createAttempt(drawAttempt(bank, SEED + 1, { size: 4 }), SEED + 1);
    const onExit = vi.fn<(exit: QuizExit) => void>();
    let app = mount(store, initial, { onExit });

    await waitForFrame(app, (frame) => frame.includes('Grading rules'), 'intro');
    app.stdin.write('\r');
    await answerQuestion(app, initial, 0, true);
    app.stdin.write('\r');
    await answerQuestion(app, initial, 1, true);
    app.stdin.write('\r');
    await waitForFrame(app, (frame) => frame.includes('Question 3 of 4 ·'), 'question 3');
    app.stdin.write('q');

    await vi.waitFor(() => expect(onExit).toHaveBeenCalledTimes(1));
    expect(onExit.mock.calls[0]?.[0].finished).toBe(false);
    app.unmount();

    const saved = loadCurrentAttempt(store, bank).state;
    expect(saved?.answers).toHaveLength(2);
    expect(saved?.phase).toBe('question');
    app = mount(store, saved as AttemptState);
    const resumed = await waitForFrame(app, (frame) => frame.includes('Question 3 of 4 ·'), 'resumed question 3');
    expect(resumed).toContain(questionAt(initial, 2).question.prompt.trim().slice(0, 30));
    expect(store.data.quiz.history).toHaveLength(0);
  });

  it('rejects an out-of-range letter', async () => {
    const store = ProgressStore.open({ cwd: makeTempDir('ui-range') });
    const choiceIndex = drawAttempt(bank, SEED, { size: 20 }).findIndex((item) => item.choiceOrder.length > 0 && item.choiceOrder.length < 7);
    const items = drawAttempt(bank, SEED, { size: 20 }).slice(choiceIndex, choiceIndex + 1);
    const state = createAttempt(items, SEED);
    const app = mount(store, state);

    await waitForFrame(app, (frame) => frame.includes('Grading rules'), 'intro');
    app.stdin.write('\r');
    await waitForFrame(app, (frame) => frame.includes('Question 1 of 1 ·'), 'question');
    const last = choiceLetter((items[0]?.choiceOrder.length ?? 1) - 1);
    app.stdin.write('h');
    const frame = await waitForFrame(app, (text) => text.includes('Not counted.'), 'range error');
    expect(frame).toContain(`Letter H is out of range: choose from A to ${last}.`);
    expect(frame).toContain('[ ] A.');
  });

  it('takes pasted letters in multiple select', async () => {
    const store = ProgressStore.open({ cwd: makeTempDir('ui-paste') });
    const question = bank.questions.find((candidate) => candidate.type === 'multiple');
    if (!question) {
      throw new Error('the bank has no multiple-select question');
    }
    const state = createAttempt(drawAttempt(bank, SEED, { questionIds: [question.id] }), SEED);
    const app = mount(store, state);

    await waitForFrame(app, (frame) => frame.includes('Grading rules'), 'intro');
    app.stdin.write('\r');
    await waitForFrame(app, (frame) => frame.includes('Question 1 of 1 ·'), 'question');
    app.stdin.write('A, c');
    const frame = await waitForFrame(app, (text) => text.includes('[x] A.') && text.includes('[x] C.'), 'pasted letters selected');
    expect(frame).toContain('[ ] B.');
  });
});
