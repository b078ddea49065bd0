import { render } from 'ink-testing-library';
import React from 'react';
import { afterEach, expect, it } from 'vitest';
import type { StageResults } from '../../../src/results/load.js';
import { ResultsScreen } from '../../../src/ui/results/ResultsScreen.js';

const results: StageResults = {
  predictions: [
    { id: 'iu-1', image: '/d/1-0.png', question: 'Describe the heart.', reference: 'Heart size is normal.', base: 'Normal heart.', finetuned: 'Heart size is normal.' },
    { id: 'iu-2', image: '/d/2-0.png', question: 'Describe the lungs.', reference: 'Right lower lobe opacity.', base: 'Lungs are clear.', finetuned: 'Opacity in the right lower lobe.' },
  ],
  scores: {
    metrics: { crimson: { base: { mean: 0.25, n: 2, parse_failures: 0 }, finetuned: { mean: 0.75, n: 2, parse_failures: 0 } } },
    judges: { crimson: { ran: true } },
  },
  details: [],
  skipped: [],
};

let unmount: (() => void) | undefined;

afterEach(() => {
  unmount?.();
});

async function waitForFrame(lastFrame: () => string | undefined, predicate: (frame: string) => boolean, what: string): Promise<string> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const frame = lastFrame() ?? '';
    if (predicate(frame)) {
      return frame;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${what}; last frame:\n${frame}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

it('results screen opens on the score table', async () => {
  const view = render(<ResultsScreen results={results} outDir="/runs/out" width={80} height={12} active />);
  unmount = view.unmount;

  const frame = await waitForFrame(view.lastFrame, (text) => text.includes('Scores'), 'the score table');
  expect(frame).toContain('Scores · /runs/out');
  expect(frame).toContain('crimson   finetuned  0.750');
});

it('results screen pages through samples', async () => {
  const view = render(<ResultsScreen results={results} outDir="/runs/out" width={80} height={12} active />);
  unmount = view.unmount;
  await waitForFrame(view.lastFrame, (text) => text.includes('Scores'), 'the score table');

  view.stdin.write('n');
  const first = await waitForFrame(view.lastFrame, (text) => text.includes('Sample'), 'a sample');
  expect(first).toContain('Sample 1 of 2: iu-1');

  view.stdin.write('n');
  const second = await waitForFrame(view.lastFrame, (text) => text.includes('Sample 2 of 2'), 'the second sample');
  expect(second).toContain('Fine-tuned: Opacity in the right lower lobe.');

  view.stdin.write('n');
  view.stdin.write('p');
  const back = await waitForFrame(view.lastFrame, (text) => text.includes('Sample 1 of 2'), 'the first sample again');
  expect(back).toContain('Reference: Heart size is normal.');

  view.stdin.write('s');
  await waitForFrame(view.lastFrame, (text) => text.includes('Scores ·'), 'the scores again');
});

it('results screen keeps the frame within its height', async () => {
  const view = render(<ResultsScreen results={results} outDir="/runs/out" width={40} height={5} active />);
  unmount = view.unmount;

  view.stdin.write('n');
  const frame = await waitForFrame(view.lastFrame, (text) => text.includes('Sample'), 'a sample');
  expect(frame.split('\n').length).toBeLessThanOrEqual(5);
  for (const line of frame.split('\n')) {
    expect(line.length).toBeLessThanOrEqual(40);
  }
});

it('results view reducer bounds the index and scroll', async () => {
  const { resultsViewReducer, initialResultsView } = await import('../../../src/ui/results/results-view.js');
  let state = initialResultsView(true, 2);
  expect(state.view).toBe('scores');

  state = resultsViewReducer(state, 'results.previousSample', 2, 0);
  expect(state).toEqual({ view: 'samples', index: 0, top: 0 });

  state = resultsViewReducer(state, 'results.nextSample', 2, 0);
  state = resultsViewReducer(state, 'results.nextSample', 2, 0);
  expect(state.index).toBe(1);

  state = resultsViewReducer(state, 'results.lineDown', 2, 1);
  state = resultsViewReducer(state, 'results.lineDown', 2, 1);
  expect(state.top).toBe(1);

  expect(resultsViewReducer(initialResultsView(false, 0), 'results.toggleView', 0, 0).view).toBe('scores');
  expect(resultsViewReducer(initialResultsView(false, 0), 'results.nextSample', 0, 0).view).toBe('scores');
});
