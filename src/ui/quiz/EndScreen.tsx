import { Box, Text } from 'ink';
import { formatScore, formatTopicLines, PASS_MARK, type AttemptSummary } from '../../quiz/result.js';
import type { QuestionBank } from '../../quiz/schema.js';
import { useTheme } from '../theme.js';
import { keyHints, matchesKey, type QuizInputSlot } from './keys.js';

export interface EndScreenProps {
  /** Slot for this screen's keypress handler. */
  inputSlot: QuizInputSlot;
  summary: AttemptSummary;
  bank: QuestionBank;
  onRetakeMissed: () => void;
  onClose: () => void;
}

/** Scores per topic and overall, the pass mark, the missed questions and the retake choice. */
export function EndScreen({ inputSlot, summary, bank, onRetakeMissed, onClose }: EndScreenProps) {
  const theme = useTheme();
  const canRetake = summary.missed.length > 0;

  inputSlot.current = (input, key) => {
    if (canRetake && matchesKey('retakeMissed', input, key)) {
      onRetakeMissed();
    } else if (matchesKey('close', input, key)) {
      onClose();
    }
  };

  return (
    <Box flexDirection="column">
      <Text {...(summary.passed ? theme.roles.success : theme.roles.warning)} bold>
        {summary.passed ? '✓ Passed' : '✗ Not passed'}: {formatScore(summary.total)} · pass mark {Math.round(PASS_MARK * 100)}%
      </Text>
      <Box flexDirection="column" marginTop={1}>
        {formatTopicLines(summary.byTopic).map((line) => (
          <Text key={line}>{line}</Text>
        ))}
      </Box>
      <Box flexDirection="column" marginTop={1}>
        {canRetake ? <Text {...theme.roles.heading}>Missed ({summary.missed.length})</Text> : <Text>No missed questions.</Text>}
        {summary.missed.map((id) => (
          <Box key={id}>
            <Box width={2} flexShrink={0}>
              <Text>-</Text>
            </Box>
            <Text>{firstLine(bank.byId.get(id)?.prompt ?? id)}</Text>
          </Box>
        ))}
      </Box>
      <Box marginTop={1}>
        <Text {...theme.roles.muted}>{keyHints(canRetake ? ['retakeMissed', 'close'] : ['close'])}</Text>
      </Box>
    </Box>
  );
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 100 ? `${line.slice(0, 99)}…` : line;
}
