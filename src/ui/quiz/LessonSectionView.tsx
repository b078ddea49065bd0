import { useState } from 'react';
import { Box, Text, useInput } from 'ink';
import type { Lesson } from '../../lessons/schema.js';
import { useTheme } from '../theme.js';

/** Returns the markdown lines of one section: its heading down to the next heading of the same or a higher level. */
export function sectionLines(lesson: Lesson, sectionId: string): string[] {
  const section = lesson.sections.find((candidate) => candidate.id === sectionId);
  if (!section) {
    return [];
  }
  const lines = lesson.body.split('\n');
  const heading = `${'#'.repeat(section.depth)} ${section.title}`;
  const start = lines.findIndex((line) => line.trimEnd() === heading);
  if (start < 0) {
    return [];
  }
  let end = lines.length;
  let inFence = false;
  for (let index = start + 1; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    if (line.startsWith('```')) {
      inFence = !inFence;
    }
    const level = /^(#{1,6})\s/.exec(line)?.[1]?.length;
    if (!inFence && level !== undefined && level <= section.depth) {
      end = index;
      break;
    }
  }
  return lines.slice(start, end);
}

export interface LessonSectionViewProps {
  lesson: Lesson | undefined;
  lessonId: string;
  sectionId: string;
  /** Rows available for the section text. */
  rows: number;
  onBack: () => void;
}

/**
 * A plain view of one lesson section, used when the quiz runs on its own without the lesson reader of the
 * home screen. Arrow keys scroll; q, Esc or b return to the quiz.
 */
export function LessonSectionView({ lesson, lessonId, sectionId, rows, onBack }: LessonSectionViewProps) {
  const theme = useTheme();
  const lines = lesson ? sectionLines(lesson, sectionId) : [];
  const height = Math.max(3, rows);
  const [top, setTop] = useState(0);
  const maxTop = Math.max(0, lines.length - height);

  useInput((input, key) => {
    if (key.escape || input === 'q' || input === 'b') {
      onBack();
    } else if (key.downArrow || input === 'j') {
      setTop((value) => Math.min(maxTop, value + 1));
    } else if (key.upArrow || input === 'k') {
      setTop((value) => Math.max(0, value - 1));
    } else if (key.pageDown || input === ' ') {
      setTop((value) => Math.min(maxTop, value + height));
    } else if (key.pageUp) {
      setTop((value) => Math.max(0, value - height));
    }
  });

  return (
    <Box flexDirection="column">
      <Text {...theme.roles.title}>{lesson ? `Lesson ${lesson.id}: ${lesson.title}` : `Lesson ${lessonId}`}</Text>
      {lines.length === 0 ? (
        <Text>Section "{sectionId}" was not found in lesson {lessonId}.</Text>
      ) : (
        lines.slice(top, top + height).map((line, index) => <Text key={top + index}>{line === '' ? ' ' : line}</Text>)
      )}
      <Text {...theme.roles.muted}>
        {lines.length > height ? `Lines ${top + 1}-${Math.min(lines.length, top + height)} of ${lines.length} · ↑/↓ scroll · ` : ''}q/Esc back to the quiz
      </Text>
    </Box>
  );
}
