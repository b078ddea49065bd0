import { describe, expect, it } from 'vitest';
import { describeCorrectAnswer, gradeResponse, parseResponse } from '../../src/quiz/grade.js';
import type { MultipleQuestion, NumericQuestion, Question, SingleQuestion } from '../../src/quiz/schema.js';

const ref = { lesson: '02', section: 'gqa' };

const single: SingleQuestion = {
  id: 'test-single',
  topic: 'vision-decoder',
  type: 'single',
  prompt: 'Head dimension?',
  explanation: 'It is 256.',
  ref,
  choices: [
    { id: 'd256', text: '256' },
    { id: 'd320', text: '320' },
    { id: 'd128', text: '128' },
    { id: 'd72', text: '72' },
  ],
  answer: 'd256',
};

const multiple: MultipleQuestion = {
  id: 'test-multiple',
  topic: 'vision-decoder',
  type: 'multiple',
  prompt: 'Global layers?',
  explanation: '5, 11, 17, 23, 29.',
  ref,
  choices: [
    { id: 'i5', text: '5' },
    { id: 'i11', text: '11' },
    { id: 'i23', text: '23' },
    { id: 'i6', text: '6' },
    { id: 'i33', text: '33' },
  ],
  answer: ['i5', 'i11', 'i23'],
};

const exact: NumericQuestion = {
  id: 'test-exact',
  topic: 'vision-decoder',
  type: 'numeric',
  prompt: 'Patches?',
  explanation: '64 x 64.',
  ref,
  answer: 4096,
  tolerance: 0,
};

const rounded: NumericQuestion = { ...exact, id: 'test-rounded', answer: 0.373, tolerance: 0.0005 };

// Displayed order: A = d320, B = d256, C = d72, D = d128.
const singleOrder = ['d320', 'd256', 'd72', 'd128'];
// Displayed order: A = i6, B = i5, C = i33, D = i23, E = i11.
const multipleOrder = ['i6', 'i5', 'i33', 'i23', 'i11'];

function grade(question: Question, order: string[], input: string): number | string {
  const parsed = parseResponse(question, order, input);
  return parsed.ok ? gradeResponse(question, parsed.response) : `rejected: ${parsed.reason}`;
}

describe('grading', () => {
  it.each([
    ['single right letter', single, singleOrder, 'B', 1],
    ['single right lowercase with spaces', single, singleOrder, '  b ', 1],
    ['single wrong letter', single, singleOrder, 'A', 0],
    ['single another wrong letter', single, singleOrder, 'D', 0],
    ['multiple all correct', multiple, multipleOrder, 'B,D,E', 1],
    ['multiple all correct, other order and spaces', multiple, multipleOrder, 'e d b', 1],
    ['multiple repeated letter counts once', multiple, multipleOrder, 'B,B,D,E', 1],
    ['multiple two of three correct', multiple, multipleOrder, 'B,D', 2 / 3],
    ['multiple one of three correct', multiple, multipleOrder, 'E', 1 / 3],
    ['multiple two correct one wrong', multiple, multipleOrder, 'B,D,A', 1 / 3],
    ['multiple all correct one wrong', multiple, multipleOrder, 'B,D,E,C', 2 / 3],
    ['multiple one correct one wrong', multiple, multipleOrder, 'B,A', 0],
    ['multiple more wrong than correct floors at 0', multiple, multipleOrder, 'B,A,C', 0],
    ['multiple every option', multiple, multipleOrder, 'A,B,C,D,E', 1 / 3],
    ['multiple only wrong', multiple, multipleOrder, 'A,C', 0],
    ['numeric exact', exact, [], '4096', 1],
    ['numeric with thousands separator', exact, [], '4,096', 1],
    ['numeric off by one without tolerance', exact, [], '4097', 0],
    ['numeric decimal equal to integer', exact, [], '4096.0', 1],
    ['numeric within tolerance above', rounded, [], '0.3734', 1],
    ['numeric within tolerance below', rounded, [], '0.3726', 1],
    ['numeric on the tolerance edge', rounded, [], '0.3735', 1],
    ['numeric plausible mistake outside tolerance', rounded, [], '0.375', 0],
    ['numeric leading dot', rounded, [], '.373', 1],
  ] as const)('%s', (_name, question, order, input, expected) => {
    const result = grade(question, [...order], input);
    expect(typeof result).toBe('number');
    expect(result as number).toBeCloseTo(expected, 10);
  });
});

describe('bad answers', () => {
  it.each([
    ['single empty', single, singleOrder, '', 'empty'],
    ['single only spaces', single, singleOrder, '   ', 'empty'],
    ['single out-of-range letter', single, singleOrder, 'E', 'Letter E is out of range: choose from A to D'],
    ['single two letters', single, singleOrder, 'A,B', 'single letter'],
    ['single digit', single, singleOrder, '2', '"2" is not a choice letter'],
    ['single word', single, singleOrder, 'two', '"two" is not a choice letter'],
    ['multiple out-of-range letter', multiple, multipleOrder, 'B,F', 'Letter F is out of range: choose from A to E'],
    ['multiple empty', multiple, multipleOrder, '', 'empty'],
    ['numeric text', exact, [], 'four thousand', '"four thousand" is not a number'],
    ['numeric letter', exact, [], 'B', '"B" is not a number'],
    ['numeric two numbers', exact, [], '4096 256', 'is not a number'],
    ['numeric malformed thousands', exact, [], '40,96', 'is not a number'],
    ['numeric empty', exact, [], '', 'type a number'],
  ] as const)('%s', (_name, question, order, input, reason) => {
    const parsed = parseResponse(question, [...order], input);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.reason).toContain(reason);
  });
});

describe('describeCorrectAnswer', () => {
  it('names the letters of the displayed order', () => {
    expect(describeCorrectAnswer(multiple, multipleOrder)).toBe('B. 5; D. 23; E. 11');
  });

  it('shows the tolerance of a rounded number', () => {
    expect(describeCorrectAnswer(rounded, [])).toBe('0.373 (within ±0.0005)');
  });
});
