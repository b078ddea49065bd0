import type { Question } from './schema.js';

/** A student's answer to one question: the chosen choice ids, or a number. */
export type AnswerResponse = { kind: 'choices'; choiceIds: string[] } | { kind: 'number'; value: number };

export type ParseResult = { ok: true; response: AnswerResponse } | { ok: false; reason: string };

/** Rounding slack for comparing numeric answers, far below any tolerance a question sets. */
const FLOAT_EPSILON = 1e-9;
const THOUSANDS = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/;
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** Letter shown for the choice at `index` of the displayed order: 0 is A. */
export function choiceLetter(index: number): string {
  return String.fromCharCode(65 + index);
}

/**
 * Parses a typed answer: one letter for single choice, letters separated by commas or spaces for multiple
 * select, a number for numeric questions. `choiceOrder` is the displayed order of choice ids, so letter A
 * means `choiceOrder[0]`. A rejected answer comes back with the reason, so the caller can ask again.
 */
export function parseResponse(question: Question, choiceOrder: readonly string[], input: string): ParseResult {
  const text = input.trim();
  if (text === '') {
    return { ok: false, reason: question.type === 'numeric' ? 'The answer is empty: type a number.' : 'The answer is empty: type a letter.' };
  }

  if (question.type === 'numeric') {
    return parseNumber(text);
  }

  const lastLetter = choiceLetter(choiceOrder.length - 1);
  const tokens = text.split(/[\s,;]+/).filter((token) => token !== '');
  const picked: string[] = [];

  for (const token of tokens) {
    const letter = token.toUpperCase();
    if (!/^[A-Z]$/.test(letter)) {
      return { ok: false, reason: `"${token}" is not a choice letter: answer with letters A to ${lastLetter}.` };
    }
    const index = letter.charCodeAt(0) - 65;
    const id = choiceOrder[index];
    if (id === undefined) {
      return { ok: false, reason: `Letter ${letter} is out of range: choose from A to ${lastLetter}.` };
    }
    if (!picked.includes(id)) {
      picked.push(id);
    }
  }

  if (question.type === 'single' && picked.length > 1) {
    return { ok: false, reason: 'This question has one correct answer: type a single letter.' };
  }

  return { ok: true, response: { kind: 'choices', choiceIds: picked } };
}

function parseNumber(text: string): ParseResult {
  let normalized = text.replaceAll('_', '');
  if (THOUSANDS.test(normalized)) {
    normalized = normalized.replaceAll(',', '');
  }
  if (!PLAIN_NUMBER.test(normalized)) {
    return { ok: false, reason: `"${text}" is not a number: type digits, such as 256 or 0.5.` };
  }
  return { ok: true, response: { kind: 'number', value: Number(normalized) } };
}

/**
 * Scores a response between 0 and 1. Single choice and numeric answers are right (1) or wrong (0); a numeric
 * answer is right within the question's tolerance. Multiple select earns partial credit:
 * max(0, (correct picks - wrong picks) / number of correct options).
 */
export function gradeResponse(question: Question, response: AnswerResponse): number {
  switch (question.type) {
    case 'single':
      return response.kind === 'choices' && response.choiceIds.length === 1 && response.choiceIds[0] === question.answer ? 1 : 0;

    case 'multiple': {
      if (response.kind !== 'choices') {
        return 0;
      }
      const picks = new Set(response.choiceIds);
      const correct = question.answer.filter((id) => picks.has(id)).length;
      const wrong = picks.size - correct;
      return Math.max(0, (correct - wrong) / question.answer.length);
    }

    case 'numeric':
      if (response.kind !== 'number') {
        return 0;
      }
      return Math.abs(response.value - question.answer) <= question.tolerance + FLOAT_EPSILON ? 1 : 0;

    default:
      return assertNever(question);
  }
}

/** Renders the correct answer with the letters of the displayed order, such as "B, D" or "256 tokens". */
export function describeCorrectAnswer(question: Question, choiceOrder: readonly string[]): string {
  if (question.type === 'numeric') {
    const tolerance = question.tolerance > 0 ? ` (within ±${formatNumber(question.tolerance)})` : '';
    return `${formatNumber(question.answer)}${question.unit ? ` ${question.unit}` : ''}${tolerance}`;
  }

  const ids = question.type === 'single' ? [question.answer] : question.answer;
  return ids
    .map((id) => choiceOrder.indexOf(id))
    .sort((a, b) => a - b)
    .map((index) => `${choiceLetter(index)}. ${question.choices.find((choice) => choice.id === choiceOrder[index])?.text ?? ''}`)
    .join('; ');
}

/** Renders a response the way the student gave it, such as "A, C" or "4096". */
export function describeResponse(response: AnswerResponse, choiceOrder: readonly string[]): string {
  if (response.kind === 'number') {
    return formatNumber(response.value);
  }
  return response.choiceIds
    .map((id) => choiceOrder.indexOf(id))
    .sort((a, b) => a - b)
    .map(choiceLetter)
    .join(', ');
}

export function formatNumber(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString('en-US') : String(value);
}

export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
