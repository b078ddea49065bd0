import type { Command } from '../keymap.js';

export type ResultsView = 'samples' | 'scores';

export interface ResultsViewState {
  view: ResultsView;
  /** Index of the sample shown in the samples view. */
  index: number;
  /** First visible line of the current page. */
  top: number;
}

export function initialResultsView(hasScores: boolean, sampleCount: number): ResultsViewState {
  return { view: hasScores || sampleCount === 0 ? 'scores' : 'samples', index: 0, top: 0 };
}

/**
 * Applies a results key command. `sampleCount` bounds the index; `maxTop` bounds scrolling of the page
 * on screen. From the score table, next and previous first show the sample last viewed.
 */
export function resultsViewReducer(state: ResultsViewState, command: Command, sampleCount: number, maxTop: number): ResultsViewState {
  switch (command) {
    case 'results.nextSample':
    case 'results.previousSample': {
      if (sampleCount === 0) {
        return state;
      }
      const step = command === 'results.nextSample' ? 1 : -1;
      const index = state.view === 'samples' ? Math.min(sampleCount - 1, Math.max(0, state.index + step)) : state.index;
      return { view: 'samples', index, top: 0 };
    }
    case 'results.toggleView':
      return { ...state, view: state.view === 'scores' && sampleCount > 0 ? 'samples' : 'scores', top: 0 };
    case 'results.lineDown':
      return { ...state, top: Math.min(maxTop, state.top + 1) };
    case 'results.lineUp':
      return { ...state, top: Math.max(0, state.top - 1) };
    default:
      return state;
  }
}
