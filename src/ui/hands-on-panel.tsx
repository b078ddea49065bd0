import { Box, Text } from 'ink';
import React from 'react';
import type { Lesson } from '../lessons/schema.js';
import { renderHandsOn } from '../lessons/render.js';
import { useTheme } from './theme.js';

/** Borders and padding the panel adds around its text, in columns. */
const PANEL_CHROME_COLUMNS = 4;

/** What the lesson's hands-on stage does, its time and hardware, and the command that runs it. */
export function HandsOnPanel({ lesson, width, height }: { lesson: Lesson; width: number; height: number }): React.JSX.Element | null {
  const theme = useTheme();
  const lines = renderHandsOn(lesson, { width: width - PANEL_CHROME_COLUMNS, color: theme.name === 'color' });
  if (lines.length === 0) {
    return null;
  }

  // Two rows go to the top and bottom borders.
  const visible = lines.slice(0, Math.max(1, height - 2));
  return (
    <Box flexDirection="column" borderStyle={theme.name === "color" ? "round" : "classic"} borderColor={theme.roles.border.color} paddingX={1} width={width}>
      {visible.map((line, index) => (
        <Text key={index} wrap="truncate-end">
          {line || ' '}
        </Text>
      ))}
    </Box>
  );
}
