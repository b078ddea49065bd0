import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBank, parseBankFile } from '../../src/quiz/load.js';
import { ContentError } from '../../src/util/content-error.js';
import { makeTempDir } from './helpers.js';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');

const valid = `
  - id: pl-ok
    topic: pipeline
    type: single
    prompt: Which?
    choices:
      - { id: one, text: One }
      - { id: two, text: Two }
      - { id: three, text: Three }
    answer: one
    explanation: Because.
    ref: { lesson: "05", section: generation }
`;

function writeBank(files: Record<string, string>): string {
  const dir = makeTempDir('bank');
  for (const [name, body] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), body);
  }
  return dir;
}

function contentError(run: () => unknown): ContentError {
  try {
    run();
  } catch (error) {
    if (error instanceof ContentError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a ContentError, but loading succeeded');
}

describe('invalid bank files', () => {
  it('fixture with an answer outside the choices names path, id and field', () => {
    const file = path.join(FIXTURES, 'invalid-answer', 'pipeline.yaml');
    const error = contentError(() => parseBankFile(file));
    expect(error.file).toBe(file);
    expect(error.field).toBe('pl-bad-answer.answer');
    expect(error.message).toContain(file);
    expect(error.message).toContain('"four" is not among the choice ids');
  });

  it.each([
    ['missing explanation', valid.replace('    explanation: Because.\n', ''), 'pl-ok.explanation'],
    ['unknown type', valid.replace('type: single', 'type: essay'), 'pl-ok.type'],
    ['bad lesson id', valid.replace('lesson: "05"', 'lesson: "5"'), 'pl-ok.ref.lesson'],
    ['unknown field', valid.replace('prompt: Which?', 'prompt: Which?\n    hint: none'), 'pl-ok'],
    ['too few choices', valid.replace('      - { id: three, text: Three }\n', '').replace('      - { id: two, text: Two }\n', ''), 'pl-ok.choices'],
    ['duplicate choice id', valid.replace('{ id: three', '{ id: two'), 'pl-ok.choices'],
    ['numeric answer as text', valid.replace('type: single', 'type: numeric').replace(/    choices:\n(.*\n){3}/, '').replace('answer: one', 'answer: "256"'), 'pl-ok.answer'],
    ['multiple with every choice correct', valid.replace('type: single', 'type: multiple').replace('answer: one', 'answer: [one, two, three]'), 'pl-ok.answer'],
    ['topic that does not match the file', valid.replace('topic: pipeline', 'topic: qlora'), 'pl-ok.topic'],
    ['question without an id', valid.replace('  - id: pl-ok\n    topic', '  - topic'), 'questions.0.id'],
  ])('%s', (_name, questions, field) => {
    const dir = writeBank({ 'pipeline.yaml': `questions:\n${questions}` });
    const error = contentError(() => loadBank(dir));
    expect(error.file).toBe(path.join(dir, 'pipeline.yaml'));
    expect(error.field).toBe(field);
  });

  it('rejects the same id in two files, naming both', () => {
    const dir = writeBank({
      'pipeline.yaml': `questions:\n${valid}`,
      'qlora.yaml': `questions:\n${valid.replace('topic: pipeline', 'topic: qlora')}`,
    });
    const error = contentError(() => loadBank(dir));
    expect(error.file).toBe(path.join(dir, 'qlora.yaml'));
    expect(error.field).toBe('pl-ok.id');
    expect(error.message).toContain(path.join(dir, 'pipeline.yaml'));
  });

  it('rejects a file named after no topic', () => {
    const dir = writeBank({ 'misc.yaml': `questions:\n${valid}` });
    expect(contentError(() => loadBank(dir)).message).toContain('"misc" is not a quiz topic');
  });

  it('rejects YAML that does not parse', () => {
    const dir = writeBank({ 'pipeline.yaml': 'questions: [\n' });
    expect(contentError(() => loadBank(dir)).message).toContain('not valid YAML');
  });

  it('loads a valid file', () => {
    const dir = writeBank({ 'pipeline.yaml': `questions:\n${valid}` });
    const bank = loadBank(dir);
    expect(bank.questions.map((question) => question.id)).toEqual(['pl-ok']);
  });
});
