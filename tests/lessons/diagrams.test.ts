import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { DEFAULT_LESSONS_DIR, loadDiagrams, loadLessons } from '../../src/lessons/load.js';

const DIAGRAMS_DIR = path.join(DEFAULT_LESSONS_DIR, 'diagrams');
const MAX_TERMINAL_COLUMNS = 80;

/** Where each diagram belongs: its id and the lesson that places it. */
const EXPECTED_PLACEMENT: Record<string, string> = {
  'mllm-anatomy': '01',
  'align-llava': '01',
  'align-blip2': '01',
  'align-flamingo': '01',
  'align-kosmos': '01',
  pipeline: '01',
  'medgemma-path': '02',
  'gemma3-block': '02',
  'local-global': '02',
  lora: '04',
  qlora: '04',
};

const diagramFiles = fs
  .readdirSync(DIAGRAMS_DIR)
  .filter((name) => name.endsWith('.yaml'))
  .sort();

const lessons = loadLessons();

interface RawDiagram {
  id: unknown;
  title: unknown;
  width: unknown;
  art: unknown;
  alt: unknown;
}

function readRaw(name: string): RawDiagram {
  return YAML.parse(fs.readFileSync(path.join(DIAGRAMS_DIR, name), 'utf8')) as RawDiagram;
}

describe('diagram files', () => {
  it('has every expected diagram', () => {
    expect(diagramFiles.map((name) => name.replace(/\.yaml$/, ''))).toEqual(Object.keys(EXPECTED_PLACEMENT).sort());
  });

  it.each(diagramFiles)('%s parses with id, width, art and alt', (name) => {
    const raw = readRaw(name);

    expect(raw.id).toBe(name.replace(/\.yaml$/, ''));
    expect(typeof raw.title).toBe('string');
    expect(typeof raw.width).toBe('number');
    expect(typeof raw.art).toBe('string');
    expect(typeof raw.alt).toBe('string');
    expect((raw.alt as string).trim().length).toBeGreaterThan(0);
  });

  it.each(diagramFiles)('%s art fits its width', (name) => {
    const raw = readRaw(name);
    const width = raw.width as number;
    const lines = (raw.art as string).replace(/\s+$/, '').split('\n');

    expect(width).toBeLessThanOrEqual(MAX_TERMINAL_COLUMNS);
    for (const [index, line] of lines.entries()) {
      expect([...line].length, `line ${index + 1}: ${line}`).toBeLessThanOrEqual(width);
    }
  });

  it.each(diagramFiles)('%s art is plain ASCII', (name) => {
    const art = readRaw(name).art as string;

    expect(art).toMatch(/^[\x20-\x7e\n]+$/);
  });

  it('loader accepts every diagram', () => {
    const diagrams = loadDiagrams(DIAGRAMS_DIR);

    expect([...diagrams.keys()].sort()).toEqual(Object.keys(EXPECTED_PLACEMENT).sort());
  });
});

describe('diagram placement', () => {
  const knownIds = new Set(diagramFiles.map((name) => name.replace(/\.yaml$/, '')));
  const placed = lessons.flatMap((lesson) => lesson.diagramIds.map((id) => ({ lesson: lesson.id, id })));

  it.each(placed)('lesson $lesson places existing diagram $id', ({ id }) => {
    expect(knownIds.has(id)).toBe(true);
  });

  it.each(Object.entries(EXPECTED_PLACEMENT))('%s is placed in lesson %s', (id, lessonId) => {
    const places = placed.filter((entry) => entry.id === id).map((entry) => entry.lesson);

    expect(places).toEqual([lessonId]);
  });
});

describe('diagram contents', () => {
  // Parsed inside each test, so an invalid file fails its own checks above instead of the whole file.
  function art(id: string): string {
    const diagram = loadDiagrams(DIAGRAMS_DIR).get(id);
    if (!diagram) {
      throw new Error(`diagram ${id} not found`);
    }
    return diagram.art;
  }

  it('medgemma-path shows the token arithmetic', () => {
    const text = art('medgemma-path');

    expect(text).toContain('896 / 14 = 64');
    expect(text).toContain('64 x 64 = 4,096');
    expect(text).toContain('64 / 4 = 16');
    expect(text).toContain('16 x 16 = 256');
    expect(text).toContain('1,152 -> 2,560');
  });

  it('local-global marks layers 5, 11, 17, 23, 29 global', () => {
    const pattern = art('local-global')
      .split('\n')
      .map((line) => line.trim())
      .find((line) => /^[LG]{34}$/.test(line));

    expect(pattern).toBeDefined();
    const globalLayers = [...(pattern ?? '')].flatMap((kind, index) => (kind === 'G' ? [index] : []));
    expect(globalLayers).toEqual([5, 11, 17, 23, 29]);
  });

  it('gemma3-block names the block parts', () => {
    const text = art('gemma3-block');

    expect(text).toContain('RMSNorm (pre)');
    expect(text).toContain('RMSNorm (post)');
    expect(text).toContain('QK-norm');
    expect(text).toContain('GQA');
    expect(text).toContain('GeGLU');
  });

  it('pipeline shows every stage in order', () => {
    const text = art('pipeline');
    const positions = ['[prepare]', '[finetune]', '[infer]', '[evaluate]'].map((stage) => text.indexOf(stage));

    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });
});
