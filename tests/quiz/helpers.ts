import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AttemptItem } from '../../src/quiz/draw.js';
import { choiceLetter } from '../../src/quiz/grade.js';
import type { Question } from '../../src/quiz/schema.js';

/** Typed answer that earns the full point, with letters taken from the displayed order. */
export function correctAnswerText(question: Question, item: AttemptItem): string {
  if (question.type === 'numeric') {
    return String(question.answer);
  }
  const ids = question.type === 'single' ? [question.answer] : question.answer;
  return ids.map((id) => choiceLetter(item.choiceOrder.indexOf(id))).join(',');
}

/** Typed answer that earns no point: a wrong choice, or a number far outside the tolerance. */
export function wrongAnswerText(question: Question, item: AttemptItem): string {
  if (question.type === 'numeric') {
    return String(question.answer + question.tolerance + 1000);
  }
  const correct = question.type === 'single' ? [question.answer] : question.answer;
  const wrong = item.choiceOrder.filter((id) => !correct.includes(id));
  if (question.type === 'single') {
    return choiceLetter(item.choiceOrder.indexOf(wrong[0] as string));
  }
  // One correct pick plus every wrong one scores max(0, (1 - wrong) / correct) = 0: a valid question has a wrong choice.
  return [correct[0] as string, ...wrong].map((id) => choiceLetter(item.choiceOrder.indexOf(id))).join(',');
}

export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `mllm-quiz-${prefix}-`));
}
