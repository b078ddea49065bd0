import { Box, Text } from 'ink';
import React from 'react';
import type { RunRow } from '../../runner/format.js';
import { describeRunState } from '../../runner/state.js';
import { Styled, type ThemeRole } from '../theme.js';

function stateView(row: RunRow): { glyph: string; word: string; role: ThemeRole } {
  switch (row.state.kind) {
    case 'unreachable':
      return { glyph: '?', word: 'unreachable', role: 'warning' };
    case 'running':
      return { glyph: '▶', word: 'running', role: 'accent' };
    case 'succeeded':
      return { glyph: '✓', word: 'succeeded', role: 'success' };
    case 'cancelled':
      return { glyph: '■', word: 'cancelled', role: 'muted' };
    case 'failed':
    case 'lost':
      return { glyph: '✗', word: describeRunState(row.state), role: 'error' };
  }
}

/** Runs on every known target, one row each, with the state as a glyph, a word and a colour role. */
export function RunsList({ rows, selected }: { rows: readonly RunRow[]; selected?: number }): React.JSX.Element {
  if (rows.length === 0) {
    return <Styled role="muted">No runs yet. Start one from a lesson&apos;s hands-on panel or with `mllm-course run &lt;stage&gt;`.</Styled>;
  }
  const idWidth = Math.max(2, ...rows.map((row) => row.id.length));
  const targetWidth = Math.max(6, ...rows.map((row) => row.target.length));
  return (
    <Box flexDirection="column">
      <Styled role="muted">{`  ${'ID'.padEnd(idWidth)}  ${'TARGET'.padEnd(targetWidth)}  STATE`}</Styled>
      {rows.map((row, index) => {
        const view = stateView(row);
        return (
          <Text key={`${row.target}/${row.id}/${index}`} wrap="truncate-end">
            <Text>{index === selected ? '› ' : '  '}</Text>
            <Text>{`${row.id.padEnd(idWidth)}  ${row.target.padEnd(targetWidth)}  `}</Text>
            <Styled role={view.role}>{`${view.glyph} ${view.word}`}</Styled>
          </Text>
        );
      })}
    </Box>
  );
}
