import { Box, Text } from 'ink';
import SelectInput from 'ink-select-input';
import React, { useMemo } from 'react';
import { continueTarget, lessonStatus, readCount } from '../lessons/progress.js';
import type { Lesson } from '../lessons/schema.js';
import type { ProgressStore } from '../progress/store.js';
import { isNarrow, truncate, wrapLine } from '../util/width.js';
import type { HomeAction } from './home-actions.js';
import { matchCommand } from './keymap.js';
import { useScreenKeys } from './screen-keys.js';
import { progressBar, STATUS_LABELS } from './lesson-labels.js';
import { Styled, useTheme } from './theme.js';

export interface HomeProps {
  lessons: Lesson[];
  store: ProgressStore;
  /** Messages to show once at the top, such as a progress file that was backed up. */
  notices: string[];
  width: number;
  height: number;
  /** False while an overlay has the keyboard. */
  active: boolean;
  onOpenLesson: (lessonId: string) => void;
  /** Entries listed after the lessons. */
  actions: readonly HomeAction[];
  onOpenAction: (action: HomeAction) => void;
  /** Status lines under the progress, such as the quiz history summary. */
  statusLines?: readonly string[];
}

/** Rows the home screen uses above the lesson list, not counting notices. */
const HEADER_ROWS = 4;

/** Maximum rows that notices take, so that the lesson list stays visible at 24 rows. */
const MAX_NOTICE_ROWS = 6;

/** The eight lessons with their status, overall progress and "continue where you left off". */
export function HomeScreen({ lessons, store, notices, width, height, active, onOpenLesson, actions, onOpenAction, statusLines = [] }: HomeProps): React.JSX.Element {
  const theme = useTheme();
  const target = continueTarget(store, lessons);
  const done = readCount(store, lessons);
  const narrow = isNarrow(width);

  const items = useMemo(
    () =>
      lessons.map((lesson) => {
        const status = STATUS_LABELS[lessonStatus(store, lesson.id)];
        const minutes = narrow ? '' : `  ${lesson.minutes} min`;
        // Two columns go to the selection indicator.
        const label = truncate(`${lesson.id} ${status.glyph} ${status.word.padEnd(7)} ${lesson.title}${minutes}`, width - 2);
        return { key: lesson.id, label, value: lesson.id };
      }).concat(actions.map((action) => ({ key: action.key, label: truncate(action.label, width - 2), value: action.key }))),
    // The store mutates in place; `done` and `target` change whenever a status does.
    [lessons, store, narrow, width, done, target?.lesson.id, actions],
  );

  useScreenKeys((input, key) => {
    if (matchCommand(['home'], input, key) === 'home.continue' && target) {
      onOpenLesson(target.lesson.id);
    }
  }, active);

  const initialIndex = Math.max(0, lessons.findIndex((lesson) => lesson.id === target?.lesson.id));
  // Notices are wrapped, not truncated: a backup's path at the end of one must stay readable.
  const noticeLines = notices.flatMap((notice) => wrapLine(`! ${notice}`, width)).slice(0, MAX_NOTICE_ROWS);
  const limit = Math.max(1, Math.min(items.length, height - HEADER_ROWS - statusLines.length - noticeLines.length));
  const continueText = target
    ? `Continue where you left off: ${target.lesson.id} ${target.lesson.title}${target.position > 0 ? `, line ${target.position + 1}` : ''} (press c)`
    : done === lessons.length && lessons.length > 0
      ? 'Every lesson is read. Open any lesson to review it.'
      : 'Start with lesson 01, or pick any lesson below.';

  return (
    <Box flexDirection="column">
      <Styled role="title">{truncate('mllm-course · Multimodal LLMs in medicine', width)}</Styled>
      <Text wrap="truncate-end">{truncate(`Lessons read: ${progressBar(done, lessons.length, width - 14)}`, width)}</Text>
      <Styled role="accent">{truncate(continueText, width)}</Styled>
      {statusLines.map((line, index) => (
        <Text key={`status-${index}`} wrap="truncate-end">
          {truncate(line, width)}
        </Text>
      ))}
      {noticeLines.map((notice, index) => (
        <Text key={index} {...theme.roles.warning} wrap="truncate-end">
          {notice}
        </Text>
      ))}
      <Text> </Text>
      <SelectInput
        items={items}
        initialIndex={initialIndex}
        limit={limit}
        isFocused={active}
        indicatorComponent={({ isSelected }) => <Text {...theme.roles.accent}>{isSelected ? '›' : ' '} </Text>}
        itemComponent={({ isSelected, label }) => (
          <Text {...(isSelected ? theme.roles.accent : {})} bold={isSelected && theme.name === 'color'} wrap="truncate-end">
            {label}
          </Text>
        )}
        onSelect={(item) => {
          const action = actions.find((candidate) => candidate.key === item.value);
          if (action) {
            onOpenAction(action);
          } else {
            onOpenLesson(item.value);
          }
        }}
      />
    </Box>
  );
}
