import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Lesson } from '../lessons/schema.js';
import type { ProgressStore } from '../progress/store.js';
import { createAttemptReducer, currentItem, currentNumber, questionOf, type AttemptState } from './attempt.js';
import { choiceLetter, describeCorrectAnswer, parseResponse } from './grade.js';
import { recordAttempt, saveCurrentAttempt } from './history.js';
import { formatScore, formatTopicLines, PASS_MARK, summarizeAttempt, toAttemptRecord, type AttemptSummary } from './result.js';
import { ANSWER_HINTS, GRADING_RULES } from './rules.js';
import { QUESTION_TYPE_LABELS, TOPIC_TITLES, type Question, type QuestionBank } from './schema.js';

export interface PlainSessionOptions {
  bank: QuestionBank;
  store: ProgressStore;
  state: AttemptState;
  input: Readable;
  /** Stream for questions and feedback: stdout, or stderr when stdout carries JSON. */
  output: Writable;
  /** Lessons for titles in "read more" lines; ids alone are shown without them. */
  lessons?: readonly Lesson[];
  /** Command that continues an attempt, shown when the input ends early. */
  resumeCommand?: string;
  now?: () => Date;
}

export interface PlainSessionResult {
  state: AttemptState;
  summary: AttemptSummary;
  /** `finished` when every question was answered; `input-ended` when stdin closed first (the attempt is saved). */
  outcome: 'finished' | 'input-ended';
}

/**
 * Runs an attempt on plain text streams. It prints each question and reads one answer per line (LF or CRLF).
 * An answer that cannot be parsed is requested again with the reason, and a parsed one gets feedback at once.
 * The attempt is saved after every answer, and a finished attempt goes to the history.
 */
export async function runPlainSession(options: PlainSessionOptions): Promise<PlainSessionResult> {
  const { bank, store, output } = options;
  const now = options.now ?? (() => new Date());
  const reduce = createAttemptReducer(bank);
  const write = (text = ''): void => {
    output.write(`${text}\n`);
  };

  const lines = readline.createInterface({ input: options.input, crlfDelay: Infinity, terminal: false });
  const iterator = lines[Symbol.asyncIterator]();
  const readLine = async (): Promise<string | undefined> => {
    const next = await iterator.next();
    return next.done ? undefined : next.value.replace(/\r$/, '');
  };

  const echo = !(options.input as { isTTY?: boolean }).isTTY;
  let state = options.state;
  try {
    if (state.phase === 'intro') {
      const questions = state.items.length === 1 ? '1 question' : `${state.items.length} questions`;
      write(state.retake ? `Retake of ${questions} missed last time (seed ${state.seed}).` : `Quiz: ${questions} (seed ${state.seed}).`);
      GRADING_RULES.forEach((rule) => write(`- ${rule}`));
      write('Answer each question on its own line.');
      state = reduce(state, { type: 'begin' });
      saveCurrentAttempt(store, state);
    } else if (state.answers.length > 0) {
      write(`Resuming the saved attempt at question ${Math.min(state.answers.length + 1, state.items.length)} of ${state.items.length}.`);
    }

    if (state.phase === 'feedback') {
      state = reduce(state, { type: 'next', at: now().toISOString() });
    }

    while (state.phase === 'question') {
      const item = currentItem(state);
      if (!item) {
        break;
      }
      const question = questionOf(bank, item);
      write();
      writeQuestion(write, question, item.choiceOrder, currentNumber(state), state.items.length);

      let accepted = false;
      while (!accepted) {
        output.write('Answer: ');
        const line = await readLine();
        if (line === undefined) {
          const saved = state.answers.length === 1 ? 'Your 1 answer is saved' : `Your ${state.answers.length} answers are saved`;
          write();
          write(`Input ended before question ${currentNumber(state)} of ${state.items.length} was answered. ${saved}.`);
          write(`Run "${options.resumeCommand ?? 'mllm-course quiz --plain'}" to continue where you stopped.`);
          return { state, summary: summarizeAttempt(state, bank), outcome: 'input-ended' };
        }
        if (echo) {
          // A terminal echoes typed answers, but a pipe does not; show them so the transcript reads in order.
          write(line);
        }
        const parsed = parseResponse(question, item.choiceOrder, line);
        if (!parsed.ok) {
          write(`Not counted. ${parsed.reason}`);
          continue;
        }
        accepted = true;
        state = reduce(state, { type: 'answer', response: parsed.response });
      }

      writeFeedback(write, question, item.choiceOrder, state.answers.at(-1)?.score ?? 0, options.lessons);
      state = reduce(state, { type: 'next', at: now().toISOString() });
      if (state.phase !== 'finished') {
        saveCurrentAttempt(store, state);
      }
    }
  } finally {
    lines.close();
  }

  const summary = summarizeAttempt(state, bank);
  recordAttempt(store, toAttemptRecord(state, summary));
  write();
  writeSummary(write, summary);
  return { state, summary, outcome: 'finished' };
}

function writeQuestion(write: (text?: string) => void, question: Question, choiceOrder: readonly string[], number: number, count: number): void {
  write(`Question ${number} of ${count} (${TOPIC_TITLES[question.topic]}, ${QUESTION_TYPE_LABELS[question.type]})`);
  write(question.prompt.trim());

  if (question.type === 'numeric') {
    write(question.unit ? `${ANSWER_HINTS.numeric} Unit: ${question.unit}.` : ANSWER_HINTS.numeric);
    return;
  }
  choiceOrder.forEach((id, index) => {
    write(`  ${choiceLetter(index)}. ${question.choices.find((choice) => choice.id === id)?.text ?? id}`);
  });
  write(ANSWER_HINTS[question.type]);
}

/** Describes a score from 0 to 1 as a verdict: "Right", "Wrong" or "Partly right: 0.5 of 1 point". */
export function verdict(score: number): string {
  if (score >= 1) {
    return 'Right (1 point).';
  }
  if (score <= 0) {
    return 'Wrong (0 points).';
  }
  return `Partly right (${Number(score.toFixed(2))} of 1 point).`;
}

/** Names the lesson section a question refers to, with titles when the lessons are loaded. */
export function describeReference(question: Question, lessons: readonly Lesson[] = []): string {
  const lesson = lessons.find((candidate) => candidate.id === question.ref.lesson);
  const section = lesson?.sections.find((candidate) => candidate.id === question.ref.section);
  const lessonName = lesson ? `lesson ${lesson.id} "${lesson.title}"` : `lesson ${question.ref.lesson}`;
  const sectionName = section ? `section "${section.title}"` : `section ${question.ref.section}`;
  return `${lessonName}, ${sectionName}`;
}

function writeFeedback(write: (text?: string) => void, question: Question, choiceOrder: readonly string[], score: number, lessons?: readonly Lesson[]): void {
  write(verdict(score));
  write(`Correct answer: ${describeCorrectAnswer(question, choiceOrder)}`);
  write(question.explanation.trim());
  write(`Read more: ${describeReference(question, lessons)}.`);
}

function writeSummary(write: (text?: string) => void, summary: AttemptSummary): void {
  write(`Score: ${formatScore(summary.total)}. ${summary.passed ? 'Passed' : 'Not passed'}: the pass mark is ${Math.round(PASS_MARK * 100)}%.`);
  formatTopicLines(summary.byTopic).forEach((line) => write(`  ${line}`));
  if (summary.missed.length > 0) {
    write(`Missed: ${summary.missed.join(', ')}`);
    write('Retake only these with "mllm-course quiz --retake-missed".');
  }
}
