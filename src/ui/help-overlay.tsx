import { Box, Text } from 'ink';
import React from 'react';
import { displayWidth, truncate } from '../util/width.js';
import { helpRows, type KeyScope } from './keymap.js';
import { Styled, useTheme } from './theme.js';

const SCOPE_TITLES: Record<KeyScope, string> = {
  global: 'Everywhere',
  home: 'Lesson list',
  reader: 'Lesson reader',
  help: 'Help',
  results: 'Results',
  quiz: 'Quiz',
  run: 'Live run view',
  'run.confirm': 'Cancel confirmation',
};

/** Every key of the current screen and the global keys, from the keymap table; fits in `height` rows. */
export function HelpOverlay({ scopes, width, height }: { scopes: KeyScope[]; width: number; height: number }): React.JSX.Element {
  const theme = useTheme();
  const rows = helpRows(scopes);
  const labelWidth = Math.min(14, Math.max(...rows.map((row) => displayWidth(row.label))));
  const lines: React.JSX.Element[] = [];
  let lastScope: KeyScope | undefined;

  for (const row of rows) {
    if (row.scope !== lastScope) {
      lastScope = row.scope;
      lines.push(<Styled key={`title-${row.scope}`} role="heading">{SCOPE_TITLES[row.scope]}</Styled>);
    }
    const label = truncate(row.label, labelWidth).padEnd(labelWidth);
    lines.push(
      <Text key={`${row.scope}-${row.label}`} wrap="truncate-end">
        <Text {...theme.roles.key}>{`  ${label}`}</Text>
        {` ${truncate(row.description, Math.max(1, width - labelWidth - 3))}`}
      </Text>,
    );
  }

  // The title and the closing hint take two rows; drop rows past the height rather than overflow the frame.
  const visible = lines.slice(0, Math.max(1, height - 2));
  return (
    <Box flexDirection="column">
      <Styled role="title">Keys</Styled>
      {visible}
      <Styled role="muted">{truncate('Press ? or Esc to close this help.', width)}</Styled>
    </Box>
  );
}
