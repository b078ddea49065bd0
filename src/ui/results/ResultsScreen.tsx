import { Box, Text, useInput } from 'ink';
import React, { useMemo, useReducer, useRef } from 'react';
import { formatPredictionSideBySide, formatScoreReport } from '../../results/format.js';
import type { StageResults } from '../../results/load.js';
import { truncate } from '../../util/width.js';
import { matchCommand, type Command } from '../keymap.js';
import { clampTop, maxTop } from '../scroll.js';
import { Styled } from '../theme.js';
import { initialResultsView, resultsViewReducer, type ResultsViewState } from './results-view.js';

export interface ResultsScreenProps {
  results: StageResults;
  /** Folder the stages wrote to, shown so that the student can open the files. */
  outDir: string;
  width: number;
  height: number;
  active: boolean;
}

/** Rows outside the text window: the title line. */
const CHROME_ROWS = 1;

/**
 * Pages through the infer stage's samples (reference, base and fine-tuned answers) and shows the evaluate
 * stage's score table. Opens on the scores when they exist, since that is what a finished run is read for.
 */
export function ResultsScreen({ results, outDir, width, height, active }: ResultsScreenProps): React.JSX.Element {
  const count = results.predictions.length;
  const windowRows = Math.max(1, height - CHROME_ROWS);
  // The page's line count bounds scrolling; the reducer reads it through a ref because Ink may deliver a key
  // before the handler from the latest render is attached.
  const pageLines = useRef(0);
  const [state, dispatch] = useReducer(
    (current: ResultsViewState, command: Command) => resultsViewReducer(current, command, count, maxTop(pageLines.current, windowRows)),
    undefined,
    () => initialResultsView(results.scores !== undefined, count),
  );

  const lines = useMemo(() => {
    if (state.view === 'scores') {
      return formatScoreReport(results, width);
    }
    const prediction = results.predictions[state.index];
    return prediction ? formatPredictionSideBySide(prediction, state.index, count, width) : ['No predictions yet: run the infer stage.'];
  }, [state.view, state.index, results, width, count]);
  pageLines.current = lines.length;

  useInput(
    (input, key) => {
      const command = matchCommand(['results'], input, key);
      if (command) {
        dispatch(command);
      }
    },
    { isActive: active },
  );

  const first = clampTop(state.top, lines.length, windowRows);
  const visible = lines.slice(first, first + windowRows);
  const skipped = results.skipped.length > 0 ? ` · ${results.skipped.length} invalid lines skipped (see \`mllm-course results\`)` : '';
  const title = `${state.view === 'scores' ? 'Scores' : 'Samples'} · ${outDir}${skipped}`;

  return (
    <Box flexDirection="column">
      <Styled role="title">{truncate(title, width)}</Styled>
      {visible.map((line, row) => (
        <Text key={row} wrap="truncate-end">
          {line === '' ? ' ' : truncate(line, width)}
        </Text>
      ))}
    </Box>
  );
}
