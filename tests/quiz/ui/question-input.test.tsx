import { render } from 'ink-testing-library';
import { afterEach, expect, it, vi } from 'vitest';
import { ProgressStore } from '../../../src/progress/store.js';
import { createAttempt, createAttemptReducer } from '../../../src/quiz/attempt.js';
import { drawAttempt } from '../../../src/quiz/draw.js';
import { saveCurrentAttempt } from '../../../src/quiz/history.js';
import { loadBank } from '../../../src/quiz/load.js';
import { QuizScreen } from '../../../src/ui/quiz/QuizScreen.js';
import { makeTempDir } from '../helpers.js';

const bank = loadBank();
let instances: Array<ReturnType<typeof render>> = [];

afterEach(() => {
  instances.forEach((instance) => instance.unmount());
  instances = [];
});

async function waitForText(instance: ReturnType<typeof render>, text: string): Promise<void> {
  await vi.waitFor(
    () => {
      expect((instance.lastFrame() ?? '').replace(/\s+/g, ' ')).toContain(text);
    },
    { timeout: 5000, interval: 5 },
  );
}

/** Opens the quiz at the first question of a draw whose first question has the given type. */
async function openAt(type: 'numeric' | 'single'): Promise<ReturnType<typeof render>> {
  const reduce = createAttemptReducer(bank);
  for (let seed = 1; seed < 500; seed += 1) {
    const state = reduce(createAttempt(drawAttempt(bank, seed), seed), { type: 'begin' });
    const first = state.items[0] && bank.byId.get(state.items[0].questionId);
    if (first?.type !== type) {
      continue;
    }
    const store = ProgressStore.open({ cwd: makeTempDir(`input-${type}`) });
    saveCurrentAttempt(store, state);
    const app = render(<QuizScreen store={store} bank={bank} onOpenLesson={() => undefined} onExit={() => undefined} />);
    instances.push(app);
    await waitForText(app, 'Question 1 of 20');
    return app;
  }
  throw new Error(`no draw starts with a ${type} question`);
}

it('numeric answer names a rejected key', async () => {
  const app = await openAt('numeric');

  app.stdin.write('x');
  await waitForText(app, '"x" is not part of a number');

  app.stdin.write('\r');
  await waitForText(app, '"x" is not part of a number');
  expect(app.lastFrame()).not.toContain('The answer is empty');
});

it('choice answer names a rejected key', async () => {
  const app = await openAt('single');

  app.stdin.write('7');
  await waitForText(app, '"7" is not a choice letter');
});
