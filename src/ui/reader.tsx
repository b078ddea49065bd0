import { Box, Text } from 'ink';
import React, { useEffect, useMemo, useRef, useState } from 'react';
import type { CourseContent } from '../lessons/load.js';
import { lessonProgress, markRead, savePosition } from '../lessons/progress.js';
import { renderLesson } from '../lessons/render.js';
import type { Lesson } from '../lessons/schema.js';
import type { ProgressStore } from '../progress/store.js';
import { stageCommand } from '../stages/catalog.js';
import { debug } from '../util/debug.js';
import { truncate } from '../util/width.js';
import { HandsOnPanel, layoutHandsOn } from './hands-on-panel.js';
import { matchCommand } from './keymap.js';
import { useScreenKeys } from './screen-keys.js';
import { clampTop, endReached, rescaleTop, scrollTop } from './scroll.js';
import { Styled, useTheme } from './theme.js';

export interface ReaderProps {
  course: CourseContent;
  lesson: Lesson;
  store: ProgressStore;
  /** Open at this section's heading instead of the saved position. */
  sectionId?: string;
  width: number;
  height: number;
  /** False while an overlay has the keyboard. */
  active: boolean;
  onOpenLesson: (lessonId: string) => void;
}

/** Rows of the reader outside the text window: title line and status line. */
const CHROME_ROWS = 2;

/** Delay before a scroll position is written, so that holding a key does not write on every line. */
const SAVE_DELAY_MS = 400;

/**
 * A lesson rendered for the current width. Only the visible window of lines goes into the frame, so
 * the frame stays shorter than the terminal however long the lesson is.
 */
export function ReaderScreen({ course, lesson, store, sectionId, width, height, active, onOpenLesson }: ReaderProps): React.JSX.Element {
  const theme = useTheme();
  const rendered = useMemo(
    () => renderLesson(lesson, course.diagrams, { width, color: theme.name === 'color', title: false }),
    [lesson, course.diagrams, width, theme.name],
  );
  const [handsOnOpen, setHandsOnOpen] = useState(false);
  const hasHandsOn = lesson.stage !== undefined;
  const hintRows = hasHandsOn ? 1 : 0;
  const view = Math.max(1, height - CHROME_ROWS - hintRows);
  const total = rendered.lines.length;
  const handsOn = useMemo(() => layoutHandsOn(lesson, width, view, theme.name === 'color'), [lesson, width, view, theme.name]);
  const [handsOnTop, setHandsOnTop] = useState(0);

  const [top, setTop] = useState(() => {
    const anchor = sectionId ? rendered.anchors.get(sectionId) : undefined;
    if (sectionId && anchor === undefined) {
      debug('section %s not found in lesson %s', sectionId, lesson.id);
    }
    // NOTE: the saved position is a line index at the width it was saved at, so after a resize between
    // sessions it restores a nearby line rather than the exact one.
    return clampTop(anchor ?? lessonProgress(store, lesson.id).position, total, view);
  });

  // Rewrapping on resize changes the line count; keep the same part of the text in view.
  const previousTotal = useRef(total);
  useEffect(() => {
    if (previousTotal.current !== total) {
      setTop((current) => rescaleTop(current, previousTotal.current, total, view));
      previousTotal.current = total;
    }
  }, [total, view]);

  useEffect(() => {
    if (endReached(top, total, view)) {
      markRead(store, lesson.id);
    }
  }, [top, total, view, store, lesson.id]);

  // Save the position shortly after scrolling stops, and once more when the reader closes.
  const latestTop = useRef(top);
  latestTop.current = top;
  useEffect(() => {
    const timer = setTimeout(() => savePosition(store, lesson.id, top), SAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [top, store, lesson.id]);
  useEffect(() => () => savePosition(store, lesson.id, latestTop.current), [store, lesson.id]);

  useScreenKeys(
    (input, key) => {
      const command = matchCommand(['reader'], input, key);
      if (!command) {
        return;
      }
      const index = course.lessons.findIndex((candidate) => candidate.id === lesson.id);
      switch (command) {
        case 'reader.nextLesson': {
          const next = course.lessons[index + 1];
          if (next) {
            onOpenLesson(next.id);
          }
          return;
        }
        case 'reader.previousLesson': {
          const previous = course.lessons[index - 1];
          if (previous) {
            onOpenLesson(previous.id);
          }
          return;
        }
        case 'reader.handsOn':
          if (hasHandsOn) {
            setHandsOnOpen((open) => !open);
          }
          return;
        default:
          // While the hands-on panel is open, the scroll keys move its text instead of the lesson.
          if (handsOnOpen) {
            setHandsOnTop((current) => scrollTop(command, current, handsOn.lines.length, handsOn.textRows));
          } else {
            setTop((current) => scrollTop(command, current, total, view));
          }
      }
    },
    active,
  );

  const percent = total <= view ? 100 : Math.round(((top + view) / total) * 100);
  const status = `${lesson.id}/${course.lessons.at(-1)?.id ?? lesson.id} · lines ${top + 1}-${Math.min(total, top + view)} of ${total} · ${percent}%`;

  return (
    <Box flexDirection="column">
      <Styled role="title">{truncate(`Lesson ${lesson.id} · ${lesson.title}`, width)}</Styled>
      {hasHandsOn && lesson.stage ? (
        <Styled role="accent">{truncate(`Hands-on: ${stageCommand(lesson.stage)} (press h for details)`, width)}</Styled>
      ) : null}
      {handsOnOpen ? (
        <HandsOnPanel layout={handsOn} top={clampTop(handsOnTop, handsOn.lines.length, handsOn.textRows)} width={width} />
      ) : (
        <Box flexDirection="column" height={view}>
          {rendered.lines.slice(top, top + view).map((line, offset) => (
            <Text key={top + offset} wrap="truncate-end">
              {line === '' ? ' ' : line}
            </Text>
          ))}
        </Box>
      )}
      <Styled role="muted">{truncate(status, width)}</Styled>
    </Box>
  );
}
