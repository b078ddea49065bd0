import { Box, Text } from 'ink';
import React from 'react';
import type { Lesson } from '../lessons/schema.js';
import { renderHandsOn } from '../lessons/render.js';
import { isNarrow } from '../util/width.js';
import { Styled, useTheme } from './theme.js';

/** Borders and padding the framed panel adds around its text, in columns and rows. */
const FRAME_COLUMNS = 4;
const FRAME_ROWS = 2;

/** Text lines of the panel and whether it is framed, for a panel `width` columns wide and `height` rows high. */
export interface HandsOnLayout {
  lines: string[];
  framed: boolean;
  /** Rows that show text; one fewer than the room when the text scrolls, for the position line. */
  textRows: number;
}

/**
 * Lays the panel out for the room it has. The frame is dropped on a narrow terminal or when the framed
 * text would not fit, so that the commands at the end stay visible; text that still does not fit scrolls.
 */
export function layoutHandsOn(lesson: Lesson, width: number, height: number, color: boolean): HandsOnLayout {
  const framedLines = renderHandsOn(lesson, { width: width - FRAME_COLUMNS, color });
  if (!isNarrow(width) && framedLines.length + FRAME_ROWS <= height) {
    return { lines: framedLines, framed: true, textRows: framedLines.length };
  }
  const lines = renderHandsOn(lesson, { width, color });
  const room = Math.max(1, height);
  return { lines, framed: false, textRows: lines.length <= room ? lines.length : Math.max(1, room - 1) };
}

/** What the lesson's hands-on stage does, its time and hardware, and the command that runs it. */
export function HandsOnPanel({ layout, top, width }: { layout: HandsOnLayout; top: number; width: number }): React.JSX.Element | null {
  const theme = useTheme();
  const { lines, framed, textRows } = layout;
  if (lines.length === 0) {
    return null;
  }

  const visible = lines.slice(top, top + textRows);
  const text = visible.map((line, index) => (
    <Text key={top + index} wrap="truncate-end">
      {line || ' '}
    </Text>
  ));
  if (framed) {
    return (
      <Box flexDirection="column" borderStyle={theme.name === 'color' ? 'round' : 'classic'} borderColor={theme.roles.border.color} paddingX={1} width={width}>
        {text}
      </Box>
    );
  }

  const scrolls = textRows < lines.length;
  return (
    <Box flexDirection="column" width={width}>
      {text}
      {scrolls ? (
        <Styled role="muted">{`Hands-on lines ${top + 1}-${Math.min(lines.length, top + textRows)} of ${lines.length}; scroll with j/k`}</Styled>
      ) : null}
    </Box>
  );
}
