import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProgressStore } from '../../../src/progress/store.js';
import { createAttempt, createAttemptReducer } from '../../../src/quiz/attempt.js';
import { drawAttempt } from '../../../src/quiz/draw.js';
import { parseResponse } from '../../../src/quiz/grade.js';
import { saveCurrentAttempt } from '../../../src/quiz/history.js';
import { loadBank } from '../../../src/quiz/load.js';
import type { QuizExit } from '../../../src/ui/quiz/QuizApp.js';
import { QuizScreen } from '../../../src/ui/quiz/QuizScreen.js';
import { correctAnswerText, makeTempDir } from '../helpers.js';

const bank = loadBank();
let instances: Array<ReturnType<typeof render>> = [];

afterEach(() => {
  instances.forEach((instance) => instance.unmount());
  instances = [];
});

function mount(store: ProgressStore, props: { request?: { retakeMissed?: boolean }; onExit?: (exit: QuizExit | undefined) => void } = {}) {
  const instance = render(<QuizScreen store={store} bank={bank} request={props.request} onOpenLesson={() => undefined} onExit={props.onExit ?? (() => undefined)} />);
  instances.push(instance);
  return instance;
}

async function waitForText(instance: ReturnType<typeof render>, text: string): Promise<void> {
  await vi.waitFor(
    () => {
      expect((instance.lastFrame() ?? '').replace(/\s+/g, ' ')).toContain(text);
    },
    { timeout: 5000, interval: 5 },
  );
}

describe('QuizScreen', () => {
  it('starts a new attempt', async () => {
    const store = ProgressStore.open({ cwd: makeTempDir('screen-new') });
    const app = mount(store);
    await waitForText(app, 'Quiz: 20 questions');
    expect(store.data.quiz.current).toBeDefined();
  });

  it('resumes the saved attempt', async () => {
    const store = ProgressStore.open({ cwd: makeTempDir('screen-resume') });
    const reduce = createAttemptReducer(bank);
    let state = reduce(createAttempt(drawAttempt(bank, 12), 12), { type: 'begin' });
    const item = state.items[0];
    const question = item && bank.byId.get(item.questionId);
    if (!item || !question) {
      throw new Error('empty draw');
    }
    const parsed = parseResponse(question, item.choiceOrder, correctAnswerText(question, item));
    if (!parsed.ok) {
      throw new Error(parsed.reason);
    }
    state = reduce(reduce(state, { type: 'answer', response: parsed.response }), { type: 'next', at: '2026-12-04T00:00:00.000Z' });
    saveCurrentAttempt(store, state);

    const app = mount(store);
    await waitForText(app, 'Question 2 of 20 ·');
  });

  it('explains an impossible retake and goes back', async () => {
    const store = ProgressStore.open({ cwd: makeTempDir('screen-retake') });
    const onExit = vi.fn<(exit: QuizExit | undefined) => void>();
    const app = mount(store, { request: { retakeMissed: true }, onExit });
    await waitForText(app, 'There is no finished attempt to retake yet.');
    app.stdin.write('x');
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith(undefined));
  });
});
