import { render } from 'ink-testing-library';
import { afterEach, expect, it } from 'vitest';
import { loadBank } from '../../../src/quiz/load.js';
import { EndScreen } from '../../../src/ui/quiz/EndScreen.js';

const bank = loadBank();
let unmount: (() => void) | undefined;

afterEach(() => {
  unmount?.();
});

it('end screen keeps every topic row with many misses', () => {
  const missed = [...bank.byId.keys()].slice(0, 30);
  const view = render(
    <EndScreen
      inputSlot={{ current: undefined }}
      summary={{
        byTopic: {
          alignment: { score: 1, max: 5 },
          'vision-decoder': { score: 1, max: 7 },
          qlora: { score: 0, max: 4 },
          pipeline: { score: 1, max: 4 },
        },
        total: { score: 3, max: 20 },
        missed,
        passed: false,
      }}
      bank={bank}
      onRetakeMissed={() => undefined}
      onClose={() => undefined}
    />,
  );
  unmount = view.unmount;
  const frame = view.lastFrame() ?? '';
  const lines = frame.split('\n');

  // The App gives the screen 24 rows minus its footer and spare row.
  expect(lines.length).toBeLessThanOrEqual(21);
  expect(frame).toContain('Alignment');
  expect(frame).toContain('QLoRA');
  expect(frame).toMatch(/MedSigLIP/);
  expect(frame).toMatch(/…and \d+ more: `mllm-course quiz --history` lists them all/);
  expect(frame).toContain('Missed (30)');
});
