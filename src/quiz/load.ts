import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { Lesson } from '../lessons/schema.js';
import { ContentError } from '../util/content-error.js';
import { BankFileSchema, QuestionSchema, TOPICS, type Question, type QuestionBank, type Topic } from './schema.js';
import { packagePath } from '../util/package-root.js';

/** `quiz/` at the package root, both from `src/quiz` (tests) and `dist/quiz` (installed). */
export const DEFAULT_QUIZ_DIR = packagePath('quiz');

/**
 * Loads and validates every `<topic>.yaml` in `dir`. Throws a ContentError naming the file, the question id
 * and the field at fault: invalid fields, an answer that is not among the choices, a duplicate id, or a
 * question filed under the wrong topic.
 */
export function loadBank(dir = DEFAULT_QUIZ_DIR): QuestionBank {
  const files = fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort();

  const bank: QuestionBank = { questions: [], byId: new Map(), fileOf: new Map() };

  for (const name of files) {
    const file = path.join(dir, name);
    for (const question of parseBankFile(file)) {
      const other = bank.fileOf.get(question.id);
      if (other) {
        throw new ContentError(file, `${question.id}.id`, `"${question.id}" is also used in ${other}; give each question its own id`);
      }
      bank.questions.push(question);
      bank.byId.set(question.id, question);
      bank.fileOf.set(question.id, file);
    }
  }

  if (bank.questions.length === 0) {
    throw new ContentError(dir, '', 'no question files (*.yaml) found');
  }

  return bank;
}

/** Parses one bank file; its name without `.yaml` must be the topic of every question in it. */
export function parseBankFile(file: string): Question[] {
  const topic = path.basename(file, '.yaml');
  if (!(TOPICS as readonly string[]).includes(topic)) {
    throw new ContentError(file, '', `"${topic}" is not a quiz topic; name the file after one of: ${TOPICS.join(', ')}`);
  }

  let raw: unknown;
  try {
    raw = YAML.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ContentError(file, '', `not valid YAML: ${(error as Error).message}`);
  }

  const parsedFile = BankFileSchema.safeParse(raw);
  if (!parsedFile.success) {
    throw ContentError.fromZod(file, parsedFile.error);
  }

  const seen = new Set<string>();
  return parsedFile.data.questions.map((item, index) => {
    const rawId = (item as { id?: unknown } | null)?.id;
    const prefix = typeof rawId === 'string' && rawId !== '' ? rawId : `questions.${index}`;

    const parsed = QuestionSchema.safeParse(item);
    if (!parsed.success) {
      throw ContentError.fromZod(file, parsed.error, prefix);
    }

    const question = parsed.data;
    if (seen.has(question.id)) {
      throw new ContentError(file, `${question.id}.id`, `"${question.id}" is used twice in this file`);
    }
    seen.add(question.id);

    if (question.topic !== (topic as Topic)) {
      throw new ContentError(file, `${question.id}.topic`, `"${question.topic}" does not match the file's topic "${topic}"`);
    }
    checkAnswer(question, file);
    return question;
  });
}

function checkAnswer(question: Question, file: string): void {
  if (question.type === 'numeric') {
    return;
  }

  const ids = question.choices.map((choice) => choice.id);
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
  if (duplicate) {
    throw new ContentError(file, `${question.id}.choices`, `choice id "${duplicate}" is used twice`);
  }

  const answers = question.type === 'single' ? [question.answer] : question.answer;
  for (const answer of answers) {
    if (!ids.includes(answer)) {
      throw new ContentError(file, `${question.id}.answer`, `"${answer}" is not among the choice ids (${ids.join(', ')})`);
    }
  }

  if (question.type === 'multiple') {
    if (new Set(answers).size !== answers.length) {
      throw new ContentError(file, `${question.id}.answer`, 'lists the same choice twice');
    }
    if (answers.length === ids.length) {
      throw new ContentError(file, `${question.id}.answer`, 'marks every choice correct; add at least one wrong choice');
    }
  }
}

export interface MissingReference {
  questionId: string;
  lesson: string;
  section: string;
  problem: string;
}

/** Lists the questions whose `ref` names a lesson or section that the loaded lessons do not have. */
export function findMissingReferences(bank: QuestionBank, lessons: readonly Lesson[]): MissingReference[] {
  const missing: MissingReference[] = [];

  for (const question of bank.questions) {
    const { lesson: lessonId, section } = question.ref;
    const lesson = lessons.find((candidate) => candidate.id === lessonId);
    if (!lesson) {
      missing.push({ questionId: question.id, lesson: lessonId, section, problem: `lesson ${lessonId} does not exist` });
    } else if (!lesson.sections.some((candidate) => candidate.id === section)) {
      missing.push({
        questionId: question.id,
        lesson: lessonId,
        section,
        problem: `lesson ${lessonId} (${path.basename(lesson.path)}) has no section {#${section}}`,
      });
    }
  }

  return missing;
}
