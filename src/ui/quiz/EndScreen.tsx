import { Box, Text } from 'ink';
import { formatScore, formatTopicLines, PASS_MARK, type AttemptSummary } from '../../quiz/result.js';
import type { QuestionBank } from '../../quiz/schema.js';
import { useTheme } from '../theme.js';
import { useTerminalSize } from '../use-terminal-size.js';
import { keyHints, matchesKey, type QuizInputSlot } from './keys.js';

/**
 * Rows outside the missed list: the App's footer and spare row (3), the verdict (1), the margins (3), the
 * "Missed" heading (1) and the key hints (1).
 */
const FIXED_ROWS = 9;

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
  const { rows } = useTerminalSize();
  const canRetake = summary.missed.length > 0;
  const topicLines = formatTopicLines(summary.byTopic);
  // Every row but the missed list is fixed; the list gets what is left so that no topic row is pushed out.
  const room = Math.max(1, rows - FIXED_ROWS - topicLines.length);
  const shown = summary.missed.length > room ? summary.missed.slice(0, room - 1) : summary.missed;
  const hidden = summary.missed.length - shown.length;

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
        {topicLines.map((line) => (
          <Text key={line} wrap="truncate-end">
            {line}
          </Text>
        ))}
      </Box>
      <Box flexDirection="column" marginTop={1}>
        {canRetake ? <Text {...theme.roles.heading}>Missed ({summary.missed.length})</Text> : <Text>No missed questions.</Text>}
        {shown.map((id) => (
          <Box key={id}>
            <Box width={2} flexShrink={0}>
              <Text>-</Text>
            </Box>
            <Text wrap="truncate-end">{firstLine(bank.byId.get(id)?.prompt ?? id)}</Text>
          </Box>
        ))}
        {hidden > 0 ? <Text {...theme.roles.muted}>…and {hidden} more: `mllm-course quiz --history` lists them all</Text> : null}
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
