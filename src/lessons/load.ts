import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { ContentError } from '../util/content-error.js';
import { DiagramSchema, LessonFrontMatterSchema, type Diagram, type Lesson, type LessonSection } from './schema.js';
import { packagePath } from '../util/package-root.js';

/** `lessons/` at the package root, both from `src/lessons` (tests) and `dist/lessons` (installed). */
export const DEFAULT_LESSONS_DIR = packagePath('lessons');

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;
const ANCHORED_HEADING = /^(#{2,3})\s+(.+?)\s+\{#([a-z0-9]+(?:-[a-z0-9]+)*)\}\s*$/;
const DIAGRAM_FENCE = /^```diagram\s*\r?\n\s*([a-z0-9-]+)\s*\r?\n```/gm;

export interface CourseContent {
  lessons: Lesson[];
  diagrams: Map<string, Diagram>;
}

/** Loads and validates every lesson and diagram; throws a ContentError naming the file and field at fault. */
export function loadCourse(dir = DEFAULT_LESSONS_DIR): CourseContent {
  const diagrams = loadDiagrams(path.join(dir, 'diagrams'));
  const lessons = loadLessons(dir);

  for (const lesson of lessons) {
    for (const id of lesson.diagramIds) {
      if (!diagrams.has(id)) {
        throw new ContentError(lesson.path, 'body', `places diagram "${id}", but lessons/diagrams/${id}.yaml does not exist`);
      }
    }
  }

  return { lessons, diagrams };
}

export function loadLessons(dir = DEFAULT_LESSONS_DIR): Lesson[] {
  const files = fs
    .readdirSync(dir)
    .filter((name) => /^\d{2}-.+\.md$/.test(name))
    .sort();

  const lessons = files.map((name) => parseLessonFile(path.join(dir, name)));
  const seen = new Map<string, string>();

  for (const lesson of lessons) {
    const other = seen.get(lesson.id);
    if (other) {
      throw new ContentError(lesson.path, 'id', `"${lesson.id}" is also used by ${other}`);
    }
    seen.set(lesson.id, lesson.path);

    const prefix = path.basename(lesson.path).slice(0, 2);
    if (prefix !== lesson.id) {
      throw new ContentError(lesson.path, 'id', `"${lesson.id}" does not match the file name prefix "${prefix}"`);
    }
  }

  return lessons;
}

export function parseLessonFile(file: string): Lesson {
  const text = fs.readFileSync(file, 'utf8');
  return parseLesson(text, file);
}

export function parseLesson(text: string, file: string): Lesson {
  const match = FRONT_MATTER.exec(text);
  if (!match) {
    throw new ContentError(file, '', 'missing front matter: the file must start with a --- YAML block ---');
  }

  let raw: unknown;
  try {
    raw = YAML.parse(match[1] ?? '');
  } catch (error) {
    throw new ContentError(file, '', `front matter is not valid YAML: ${(error as Error).message}`);
  }

  const parsed = LessonFrontMatterSchema.safeParse(raw);
  if (!parsed.success) {
    throw ContentError.fromZod(file, parsed.error);
  }

  const markdown = text.slice(match[0].length);
  const { body, sections } = extractSections(markdown, file);
  const diagramIds = [...body.matchAll(DIAGRAM_FENCE)].map((found) => found[1] ?? '');

  return { ...parsed.data, body, sections, diagramIds, path: file };
}

/** Strips `{#id}` from headings and lists the anchored sections; ids must be unique within a lesson. */
function extractSections(markdown: string, file: string): { body: string; sections: LessonSection[] } {
  const sections: LessonSection[] = [];
  let inFence = false;

  const lines = markdown.split(/\r?\n/).map((line) => {
    if (line.startsWith('```')) {
      inFence = !inFence;
    }
    const heading = inFence ? null : ANCHORED_HEADING.exec(line);
    if (!heading) {
      return line;
    }

    const [, hashes = '##', title = '', id = ''] = heading;
    if (sections.some((section) => section.id === id)) {
      throw new ContentError(file, 'body', `section id "${id}" is used twice`);
    }
    sections.push({ id, title, depth: hashes.length });
    return `${hashes} ${title}`;
  });

  return { body: lines.join('\n'), sections };
}

export function loadDiagrams(dir: string): Map<string, Diagram> {
  const diagrams = new Map<string, Diagram>();
  if (!fs.existsSync(dir)) {
    return diagrams;
  }

  const files = fs.readdirSync(dir).filter((name) => name.endsWith('.yaml')).sort();
  for (const name of files) {
    const file = path.join(dir, name);
    const diagram = parseDiagramFile(file);
    if (`${diagram.id}.yaml` !== name) {
      throw new ContentError(file, 'id', `"${diagram.id}" does not match the file name ${name}`);
    }
    diagrams.set(diagram.id, diagram);
  }

  return diagrams;
}

export function parseDiagramFile(file: string): Diagram {
  let raw: unknown;
  try {
    raw = YAML.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ContentError(file, '', `not valid YAML: ${(error as Error).message}`);
  }

  const parsed = DiagramSchema.safeParse(raw);
  if (!parsed.success) {
    throw ContentError.fromZod(file, parsed.error);
  }

  const diagram = { ...parsed.data, art: parsed.data.art.replace(/\s+$/, '') };
  const lines = diagram.art.split('\n');
  lines.forEach((line, index) => {
    if ([...line].length > diagram.width) {
      throw new ContentError(file, 'art', `line ${index + 1} is ${[...line].length} columns, wider than the declared width ${diagram.width}`);
    }
  });

  return diagram;
}

/** Finds a lesson by its number ("2", "02") or slug; returns undefined when none matches. */
export function findLesson(lessons: Lesson[], key: string): Lesson | undefined {
  const trimmed = key.trim().toLowerCase();
  const asNumber = /^\d{1,2}$/.test(trimmed) ? trimmed.padStart(2, '0') : undefined;
  return lessons.find((lesson) => lesson.id === asNumber || lesson.slug === trimmed);
}
