import path from 'node:path';
import { Box, Text } from 'ink';
import React, { useMemo } from 'react';
import { loadResults, type StageResults } from '../../results/load.js';
import { ContentError } from '../../util/content-error.js';
import { wrapLine } from '../../util/width.js';
import { useTheme } from '../theme.js';
import { ResultsScreen } from './ResultsScreen.js';

export interface ResultsPanelProps {
  /** Output folder of the stages; relative paths resolve from the folder the tutor started in. */
  outDir: string;
  width: number;
  height: number;
  active: boolean;
}

type Loaded = { ok: true; results: StageResults } | { ok: false; message: string };

function load(outDir: string): Loaded {
  try {
    return { ok: true, results: loadResults(outDir) };
  } catch (error) {
    if (error instanceof ContentError) {
      return { ok: false, message: `${error.message}. Run the stage again to rewrite it.` };
    }
    throw error;
  }
}

/** Loads the stage outputs of one folder and shows them, or says what is missing and how to produce it. */
export function ResultsPanel({ outDir, width, height, active }: ResultsPanelProps): React.JSX.Element {
  const theme = useTheme();
  const absolute = path.resolve(outDir);
  const loaded = useMemo(() => load(absolute), [absolute]);

  if (!loaded.ok) {
    return (
      <Box flexDirection="column">
        {wrapLine(`✗ ${loaded.message}`, width).map((line, index) => (
          <Text key={index} {...theme.roles.error}>
            {line}
          </Text>
        ))}
      </Box>
    );
  }

  if (loaded.results.predictions.length === 0 && !loaded.results.scores) {
    const lines = [
      `No results in ${absolute} yet.`,
      'Run the infer stage for samples and the evaluate stage for scores: `mllm-course run infer`, then `mllm-course run evaluate`',
      '(add --smoke for the CPU run). For a run on an SSH server, copy its output folder here or read it there with `mllm-course results`.',
    ];
    return (
      <Box flexDirection="column">
        {lines.flatMap((line) => wrapLine(line, width)).map((line, index) => (
          <Text key={index}>{line}</Text>
        ))}
      </Box>
    );
  }

  return <ResultsScreen results={loaded.results} outDir={absolute} width={width} height={height} active={active} />;
}
