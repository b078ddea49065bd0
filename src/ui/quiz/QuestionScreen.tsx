import { useState } from 'react';
import { Box, Text } from 'ink';
import type { AttemptItem } from '../../quiz/draw.js';
import { choiceLetter, parseResponse, type AnswerResponse } from '../../quiz/grade.js';
import { ANSWER_HINTS } from '../../quiz/rules.js';
import { QUESTION_TYPE_LABELS, TOPIC_TITLES, type Question } from '../../quiz/schema.js';
import { useTheme } from '../theme.js';
import { WrappedText } from '../wrapped-text.js';
import { keyHints, matchesKey, type QuizInputSlot } from './keys.js';

export interface QuestionScreenProps {
  /** Slot for this screen's keypress handler. */
  inputSlot: QuizInputSlot;
  question: Question;
  item: AttemptItem;
  number: number;
  count: number;
  onAnswer: (response: AnswerResponse) => void;
  onQuit: () => void;
}

const NUMBER_CHARACTERS = /^[0-9.,eE+\-_]+$/;

/** Printable ASCII that a key or a paste can bring; other input (arrows, function keys) is ignored. */
const PRINTABLE = /^[\x21-\x7e]+$/;

/**
 * One question waiting for an answer. Choice questions take letter keys (a letter toggles in multiple
 * select); numeric questions take typed digits. Enter submits; an answer that cannot be read shows the
 * reason and is not counted.
 */
export function QuestionScreen({ inputSlot, question, item, number, count, onAnswer, onQuit }: QuestionScreenProps) {
  const theme = useTheme();
  const [selected, setSelected] = useState<string[]>([]);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | undefined>();

  inputSlot.current = (input, key) => {
    if (matchesKey('submit', input, key)) {
      const text = question.type === 'numeric' ? typed : selected.join(',');
      const parsed = parseResponse(question, item.choiceOrder, text);
      if (parsed.ok) {
        onAnswer(parsed.response);
      } else if (text === '' && error !== undefined) {
        // Keep the reason a rejected key gave; "the answer is empty" would hide why nothing was entered.
        return;
      } else {
        setError(parsed.reason);
      }
      return;
    }
    if (matchesKey('quit', input, key)) {
      onQuit();
      return;
    }
    if (key.backspace || key.delete) {
      setTyped((text) => text.slice(0, -1));
      setSelected((letters) => (question.type === 'numeric' ? letters : letters.slice(0, -1)));
      return;
    }

    if (question.type === 'numeric') {
      if (NUMBER_CHARACTERS.test(input)) {
        setTyped((text) => text + input);
        setError(undefined);
      } else if (PRINTABLE.test(input)) {
        setError(`"${input}" is not part of a number: type digits, such as 256 or 0.5.`);
      }
      return;
    }

    // A paste such as "A,C" arrives as one input; commas and spaces between the letters are skipped.
    const letters = [...input.toUpperCase()].filter((character) => /^[A-Z]$/.test(character));
    const outOfRange = letters.find((letter) => letter.charCodeAt(0) - 65 >= item.choiceOrder.length);
    if (outOfRange) {
      setError(`Letter ${outOfRange} is out of range: choose from A to ${choiceLetter(item.choiceOrder.length - 1)}.`);
      return;
    }
    if (letters.length === 0) {
      if (PRINTABLE.test(input) && !/^[\s,]+$/.test(input)) {
        setError(`"${input}" is not a choice letter: type a letter from A to ${choiceLetter(item.choiceOrder.length - 1)}.`);
      }
      return;
    }
    setError(undefined);
    if (question.type === 'single') {
      setSelected([letters.at(-1) as string]);
      return;
    }
    setSelected((current) => {
      let next = [...current];
      for (const letter of letters) {
        next = next.includes(letter) ? next.filter((other) => other !== letter) : [...next, letter];
      }
      return next.sort();
    });
  };

  return (
    <Box flexDirection="column">
      <Text {...theme.roles.muted}>
        Question {number} of {count} · {TOPIC_TITLES[question.topic]} · {QUESTION_TYPE_LABELS[question.type]}
      </Text>
      <Box marginTop={1}>
        <WrappedText text={question.prompt.trim()} />
      </Box>
      <Box flexDirection="column" marginTop={1}>
        {question.type === 'numeric' ? (
          <Text>
            Answer: {typed}
            <Text inverse> </Text>
            {question.unit ? ` ${question.unit}` : ''}
          </Text>
        ) : (
          item.choiceOrder.map((id, index) => {
            const letter = choiceLetter(index);
            const chosen = selected.includes(letter);
            const text = question.choices.find((choice) => choice.id === id)?.text ?? id;
            return (
              <Box key={id}>
                <Box width={7} flexShrink={0}>
                  <Text bold={chosen}>
                    {chosen ? '[x]' : '[ ]'} {letter}.
                  </Text>
                </Box>
                <WrappedText bold={chosen} text={text} indent={7} />
              </Box>
            );
          })
        )}
      </Box>
      <Box flexDirection="column" marginTop={1}>
        <Text>{ANSWER_HINTS[question.type]}</Text>
        {error ? <Text {...theme.roles.warning}>! Not counted. {error}</Text> : null}
        <Text {...theme.roles.muted}>{keyHints(['submit', 'quit'])}</Text>
      </Box>
    </Box>
  );
}
