import { z } from 'zod';

export const STAGE_IDS = ['prepare', 'finetune', 'infer', 'evaluate'] as const;
export type StageId = (typeof STAGE_IDS)[number];

export const LessonFrontMatterSchema = z.object({
  id: z.string().regex(/^\d{2}$/, 'must be two digits, such as "02"'),
  slug: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lowercase words joined by hyphens'),
  title: z.string().min(1),
  summary: z.string().min(1),
  /** Estimated reading time in minutes. */
  minutes: z.number().int().positive(),
  stage: z.enum(STAGE_IDS).optional(),
  references: z.array(z.string().min(1)).default([]),
});

export const DiagramSchema = z.object({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
  title: z.string().min(1),
  /** Columns the art needs; below this width the reader shows `alt` instead. */
  width: z.number().int().min(10).max(80),
  art: z.string().min(1),
  alt: z.string().min(1),
});

export type LessonFrontMatter = z.infer<typeof LessonFrontMatterSchema>;
export type Diagram = z.infer<typeof DiagramSchema>;

export interface LessonSection {
  id: string;
  title: string;
  /** Heading level: 2 for `##`, 3 for `###`. */
  depth: number;
}

export interface Lesson extends LessonFrontMatter {
  /** Markdown after the front matter, with the `{#id}` heading anchors removed. */
  body: string;
  sections: LessonSection[];
  /** Ids of the diagrams placed in the body, in order. */
  diagramIds: string[];
  path: string;
}
