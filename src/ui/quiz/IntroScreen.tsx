import { Box, Text } from 'ink';
import { GRADING_RULES } from '../../quiz/rules.js';
import { useTheme } from '../theme.js';
import { WrappedText } from '../wrapped-text.js';
import { keyHints, matchesKey, type QuizInputSlot } from './keys.js';

export interface IntroScreenProps {
  /** Slot for this screen's keypress handler. */
  inputSlot: QuizInputSlot;
  questionCount: number;
  retake: boolean;
  seed: number;
  /** Answers already given, when a saved attempt resumes. */
  answered: number;
  onBegin: () => void;
  onQuit: () => void;
}

/** First screen of an attempt: what it covers and the grading rules. */
export function IntroScreen({ inputSlot, questionCount, retake, seed, answered, onBegin, onQuit }: IntroScreenProps) {
  inputSlot.current = (input, key) => {
    if (matchesKey('begin', input, key)) {
      onBegin();
    } else if (matchesKey('quit', input, key)) {
      onQuit();
    }
  };

  const theme = useTheme();
  const questions = questionCount === 1 ? '1 question' : `${questionCount} questions`;
  const heading = retake ? `Retake: ${questions} you missed last time` : `Quiz: ${questions}`;
  return (
    <Box flexDirection="column">
      <Text {...theme.roles.title}>{heading}</Text>
      <Text {...theme.roles.muted}>Seed {seed}{answered > 0 ? ` · resuming after ${answered} answered` : ''}</Text>
      <Box flexDirection="column" marginTop={1}>
        <Text {...theme.roles.heading}>Grading rules</Text>
        {GRADING_RULES.map((rule) => (
          <Box key={rule}>
            <Box width={2} flexShrink={0}>
              <Text>-</Text>
            </Box>
            <WrappedText text={rule} indent={2} />
          </Box>
        ))}
      </Box>
      <Box marginTop={1}>
        <Text {...theme.roles.muted}>{keyHints(['begin', 'quit'])}</Text>
      </Box>
    </Box>
  );
}
