import { Box, Text } from 'ink';
import React from 'react';
import { displayWidth, truncate } from '../util/width.js';
import type { FooterHint } from './keymap.js';
import { useTheme } from './theme.js';

/** Lines the footer may take; the App reserves this many rows for it. */
export const FOOTER_MAX_LINES = 2;

const GAP = '  ';

/** Packs hints into at most FOOTER_MAX_LINES lines of `width` columns; a hint never splits across lines. */
export function layoutFooter(hints: FooterHint[], width: number): FooterHint[][] {
  const lines: FooterHint[][] = [[]];
  let used = 0;

  for (const hint of hints) {
    const size = displayWidth(`${hint.label} ${hint.hint}`);
    const current = lines[lines.length - 1] ?? [];
    const needed = current.length === 0 ? size : used + GAP.length + size;

    if (needed <= width || current.length === 0) {
      current.push(hint);
      used = needed;
      continue;
    }
    if (lines.length === FOOTER_MAX_LINES) {
      break;
    }
    lines.push([hint]);
    used = size;
  }
  return lines;
}

/** The key hints of the current screen, always visible under it. */
export function Footer({ hints, width }: { hints: FooterHint[]; width: number }): React.JSX.Element {
  const theme = useTheme();
  const lines = layoutFooter(hints, width);

  return (
    <Box flexDirection="column">
      {lines.map((line, index) => (
        <Text key={index} wrap="truncate-end">
          {line.map((hint, position) => (
            <React.Fragment key={hint.label}>
              {position > 0 ? GAP : ''}
              <Text {...theme.roles.key}>{truncate(hint.label, width)}</Text>
              <Text {...theme.roles.muted}> {hint.hint}</Text>
            </React.Fragment>
          ))}
        </Text>
      ))}
    </Box>
  );
}
