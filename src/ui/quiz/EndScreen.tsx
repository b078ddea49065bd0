import { Box, Text } from 'ink';
import { formatScore, formatTopicLines, PASS_MARK, type AttemptSummary } from '../../quiz/result.js';
import type { QuestionBank } from '../../quiz/schema.js';
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
      <Text bold color={summary.passed ? 'green' : 'yellow'}>
        {summary.passed ? '✓ Passed' : '✗ Not passed'}: {formatScore(summary.total)} · pass mark {Math.round(PASS_MARK * 100)}%
      </Text>
      <Box flexDirection="column" marginTop={1}>
        {formatTopicLines(summary.byTopic).map((line) => (
          <Text key={line}>{line}</Text>
        ))}
      </Box>
      <Box flexDirection="column" marginTop={1}>
        {canRetake ? <Text bold>Missed ({summary.missed.length})</Text> : <Text>No missed questions.</Text>}
        {summary.missed.map((id) => (
          <Text key={id}>- {firstLine(bank.byId.get(id)?.prompt ?? id)}</Text>
        ))}
      </Box>
      <Box marginTop={1}>
        <Text dimColor>{keyHints(canRetake ? ['retakeMissed', 'close'] : ['close'])}</Text>
      </Box>
    </Box>
  );
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 100 ? `${line.slice(0, 99)}…` : line;
}
