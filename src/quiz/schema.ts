import { z } from 'zod';

/** Topics of the question bank; each has its own file `quiz/<topic>.yaml`. */
export const TOPICS = ['alignment', 'vision-decoder', 'qlora', 'pipeline'] as const;
export type Topic = (typeof TOPICS)[number];

export const TOPIC_TITLES: Record<Topic, string> = {
  alignment: 'Alignment styles',
  'vision-decoder': 'MedSigLIP and Gemma 3',
  qlora: 'QLoRA',
  pipeline: 'Pipeline and evaluation',
};

/** Question types as shown to the student. */
export const QUESTION_TYPE_LABELS = {
  single: 'single choice',
  multiple: 'multiple select',
  numeric: 'numeric',
} as const;

/** Fewest questions each topic must have in the bank. */
export const TOPIC_MINIMUMS: Record<Topic, number> = {
  alignment: 12,
  'vision-decoder': 16,
  qlora: 12,
  pipeline: 8,
};

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export const LessonRefSchema = z.object({
  lesson: z.string().regex(/^\d{2}$/, 'must be a two-digit lesson id, such as "02"'),
  section: z.string().regex(SLUG, 'must be a section id: lowercase words joined by hyphens'),
});

export const ChoiceSchema = z.object({
  id: z.string().regex(SLUG, 'must be lowercase words joined by hyphens'),
  text: z.string().min(1),
});

const common = {
  id: z.string().regex(SLUG, 'must be lowercase words joined by hyphens, such as "vd-patches-896"'),
  topic: z.enum(TOPICS),
  prompt: z.string().min(1),
  explanation: z.string().min(1),
  ref: LessonRefSchema,
};

const choices = z.array(ChoiceSchema).min(3, 'needs at least 3 choices').max(8, 'allows at most 8 choices');

export const SingleQuestionSchema = z.strictObject({
  ...common,
  type: z.literal('single'),
  choices,
  /** Id of the one correct choice. */
  answer: z.string().min(1),
});

export const MultipleQuestionSchema = z.strictObject({
  ...common,
  type: z.literal('multiple'),
  choices,
  /** Ids of every correct choice; at least two, so that it differs from a single-choice question. */
  answer: z.array(z.string().min(1)).min(2, 'needs at least 2 correct choices'),
});

export const NumericQuestionSchema = z.strictObject({
  ...common,
  type: z.literal('numeric'),
  answer: z.number().finite(),
  /** Largest accepted absolute difference from `answer`, for values that the student rounds. */
  tolerance: z.number().min(0).default(0),
  /** Unit shown after the prompt, such as "tokens". */
  unit: z.string().min(1).optional(),
});

export const QuestionSchema = z.discriminatedUnion('type', [
  SingleQuestionSchema,
  MultipleQuestionSchema,
  NumericQuestionSchema,
]);

export const BankFileSchema = z.strictObject({
  questions: z.array(z.unknown()).min(1, 'needs at least one question'),
});

export type LessonRef = z.infer<typeof LessonRefSchema>;
export type Choice = z.infer<typeof ChoiceSchema>;
export type SingleQuestion = z.infer<typeof SingleQuestionSchema>;
export type MultipleQuestion = z.infer<typeof MultipleQuestionSchema>;
export type NumericQuestion = z.infer<typeof NumericQuestionSchema>;
export type Question = z.infer<typeof QuestionSchema>;
export type ChoiceQuestion = SingleQuestion | MultipleQuestion;

/** The validated bank: every question, and a lookup by id. */
export interface QuestionBank {
  questions: Question[];
  byId: Map<string, Question>;
  /** File each question came from, for error messages. */
  fileOf: Map<string, string>;
}
