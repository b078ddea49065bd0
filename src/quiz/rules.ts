import { ATTEMPT_SIZE } from './draw.js';
import { PASS_MARK } from './result.js';

/** Grading rules, shown before the first question in both the interactive and the plain quiz. */
export const GRADING_RULES: readonly string[] = [
  `A full attempt asks ${ATTEMPT_SIZE} questions drawn from every topic; each question is worth 1 point.`,
  'Single choice: 1 point for the correct letter, 0 otherwise.',
  'Numeric: 1 point when the number is correct (within the stated tolerance where rounding applies), 0 otherwise.',
  'Multiple select: partial credit = (correct picks - wrong picks) / number of correct options, never below 0.',
  `Pass mark: ${Math.round(PASS_MARK * 100)}% of the points. Any question not answered in full counts as missed and can be retaken.`,
  'An answer that cannot be read (an unknown letter, text for a number, an empty line) is asked again and never counted.',
];

/** How to answer each question type, shown under the choices. */
export const ANSWER_HINTS = {
  single: 'Type one letter, such as B.',
  multiple: 'Select every correct answer: type letters separated by commas, such as A,C.',
  numeric: 'Type a number, such as 256.',
} as const;
