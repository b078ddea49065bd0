import { Box, Text } from 'ink';
import type { AnswerRecord } from '../../quiz/attempt.js';
import type { AttemptItem } from '../../quiz/draw.js';
import { describeCorrectAnswer, describeResponse } from '../../quiz/grade.js';
import { verdict } from '../../quiz/plain.js';
import type { Question } from '../../quiz/schema.js';
import { useTheme, type ThemeRole } from '../theme.js';
import { keyHints, matchesKey, type QuizInputSlot } from './keys.js';

export interface FeedbackScreenProps {
  /** Slot for this screen's keypress handler. */
  inputSlot: QuizInputSlot;
  question: Question;
  item: AttemptItem;
  answer: AnswerRecord;
  number: number;
  count: number;
  /** Name of the referenced lesson section, such as `lesson 02 "Model architecture", section "GQA"`. */
  reference: string;
  onNext: () => void;
  onOpenLesson: () => void;
  onQuit: () => void;
}

/** Glyph and colour of a verdict; the glyph keeps it readable without colour. */
function verdictStyle(score: number): { glyph: string; role: ThemeRole } {
  if (score >= 1) {
    return { glyph: '✓', role: 'success' };
  }
  if (score <= 0) {
    return { glyph: '✗', role: 'error' };
  }
  return { glyph: '◐', role: 'warning' };
}

/** Screen of the graded answer: the verdict, the correct answer, the explanation and where to read more. */
export function FeedbackScreen({ inputSlot, question, item, answer, number, count, reference, onNext, onOpenLesson, onQuit }: FeedbackScreenProps) {
  const last = number >= count;

  inputSlot.current = (input, key) => {
    if (matchesKey(last ? 'finish' : 'next', input, key)) {
      onNext();
    } else if (matchesKey('openLesson', input, key)) {
      onOpenLesson();
    } else if (matchesKey('quit', input, key)) {
      onQuit();
    }
  };

  const theme = useTheme();
  const { glyph, role } = verdictStyle(answer.score);
  return (
    <Box flexDirection="column">
      <Text {...theme.roles.muted}>
        Question {number} of {count}
      </Text>
      <Text>{question.prompt.trim()}</Text>
      <Box marginTop={1} flexDirection="column">
        <Text {...theme.roles[role]} bold>
          {glyph} {verdict(answer.score)}
        </Text>
        <Text>Your answer: {describeResponse(answer.response, item.choiceOrder)}</Text>
        <Text>Correct answer: {describeCorrectAnswer(question, item.choiceOrder)}</Text>
      </Box>
      <Box marginTop={1}>
        <Text>{question.explanation.trim()}</Text>
      </Box>
      <Box marginTop={1}>
        <Text>Read more: {reference}</Text>
      </Box>
      <Box marginTop={1}>
        <Text {...theme.roles.muted}>{keyHints([last ? 'finish' : 'next', 'openLesson', 'quit'])}</Text>
      </Box>
    </Box>
  );
}
