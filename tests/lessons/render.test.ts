import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadCourse } from '../../src/lessons/load.js';
import { renderHandsOn, renderLesson, renderMarkdown } from '../../src/lessons/render.js';
import { displayWidth } from '../../src/util/width.js';

const WIDTHS = [60, 80, 120];
const ESCAPE = /\u001B/;

const real = loadCourse();

/** Writes a small course that exercises what the real lessons may not: wide tables, long code, links. */
function writeFixtureCourse(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mllm-course-render-'));
  fs.mkdirSync(path.join(dir, 'diagrams'));
  fs.writeFileSync(
    path.join(dir, 'diagrams', 'wide-box.yaml'),
    [
      'id: wide-box',
      'title: A box seventy columns wide',
      'width: 70',
      'art: |',
      `  +${'-'.repeat(68)}+`,
      `  |${' '.repeat(30)}ART-ONLY${' '.repeat(30)}|`,
      `  +${'-'.repeat(68)}+`,
      'alt: |',
      '  ALT-ONLY: a single box that spans the width,',
      '  described in words for narrow terminals.',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(dir, '01-fixture.md'),
    [
      '---',
      'id: "01"',
      'slug: fixture',
      'title: Fixture lesson',
      'summary: Exercises tables, code, diagrams and links.',
      'minutes: 5',
      'stage: finetune',
      'references:',
      '  - "A very long reference that will certainly need to wrap at sixty columns because it keeps going on and on."',
      '---',
      '',
      '## First section {#first}',
      '',
      'A paragraph with **bold** text, `inline code` and a [link](https://example.org/a/very/long/path/that/goes/on/and/on).',
      '',
      '| Parameter name | Value in the course configuration | Why it matters for training the adapter |',
      '| --- | --- | --- |',
      '| lora_alpha | 16 | scales the low-rank update relative to the rank so that the learning rate transfers |',
      '| gradient_accumulation_steps | 2 | gives an effective batch of sixteen on one GPU without more memory |',
      '',
      '```diagram',
      'wide-box',
      '```',
      '',
      '## Second section {#second}',
      '',
      '```python',
      `model = AutoModelForImageTextToText.from_pretrained("google/medgemma-1.5-4b-it", quantization_config=bnb_config, torch_dtype=torch.bfloat16)`,
      '```',
      '',
      '1. **First item** with enough words to wrap past the right edge of a sixty column terminal window.',
      '   - a nested bullet that also carries enough words to need wrapping at sixty columns wide',
      '',
    ].join('\n'),
  );
  return dir;
}

const fixtureDir = writeFixtureCourse();
const fixture = loadCourse(fixtureDir);

afterAll(() => {
  fs.rmSync(fixtureDir, { recursive: true, force: true });
});

/** Joins the lines with runs of whitespace collapsed, so that wrapped phrases still match. */
function flatten(lines: string[]): string {
  return lines.join(' ').replace(/\s+/g, ' ');
}

function widest(lines: string[]): number {
  return Math.max(0, ...lines.map(displayWidth));
}

describe('renderLesson widths', () => {
  for (const course of [
    { name: 'real lessons', content: real },
    { name: 'fixture lesson', content: fixture },
  ]) {
    for (const width of WIDTHS) {
      for (const color of [false, true]) {
        test(`${course.name} fit ${width} columns${color ? ' in colour' : ''}`, () => {
          expect(course.content.lessons.length).toBeGreaterThan(0);
          for (const lesson of course.content.lessons) {
            const { lines } = renderLesson(lesson, course.content.diagrams, { width, color });
            const tooWide = lines.filter((line) => displayWidth(line) > width);
            expect(tooWide, `lesson ${lesson.id} at ${width}`).toEqual([]);
            expect(lines.length).toBeGreaterThan(3);
          }
        });
      }
    }
  }

  test('all eight real lessons render', () => {
    expect(real.lessons.map((lesson) => lesson.id)).toEqual(['01', '02', '03', '04', '05', '06', '07', '08']);
  });
});

describe('renderLesson content', () => {
  const lesson = fixture.lessons[0]!;

  test('plain output has no escape codes', () => {
    for (const width of WIDTHS) {
      const { lines } = renderLesson(lesson, fixture.diagrams, { width, color: false });
      expect(lines.join('\n')).not.toMatch(ESCAPE);
    }
  });

  test('colour output has styles', () => {
    const { lines } = renderLesson(lesson, fixture.diagrams, { width: 80, color: true });
    expect(lines.join('\n')).toMatch(ESCAPE);
  });

  test('diagram switches to alt below width', () => {
    const wide = renderLesson(lesson, fixture.diagrams, { width: 80, color: false }).lines.join('\n');
    expect(wide).toContain('ART-ONLY');
    expect(wide).not.toContain('ALT-ONLY');

    const exact = renderLesson(lesson, fixture.diagrams, { width: 70, color: false }).lines.join('\n');
    expect(exact).toContain('ART-ONLY');

    const narrow = flatten(renderLesson(lesson, fixture.diagrams, { width: 69, color: false }).lines);
    expect(narrow).toContain('ALT-ONLY');
    expect(narrow).not.toContain('ART-ONLY');
    expect(narrow).toContain('described in words for narrow terminals');
  });

  test('real diagrams follow their width', () => {
    for (const lesson of real.lessons) {
      for (const id of lesson.diagramIds) {
        const diagram = real.diagrams.get(id)!;
        // The longest line of the art is drawing, not a phrase that the prose might repeat.
        const longestArtLine = diagram.art
          .split('\n')
          .map((line) => line.trimEnd())
          .reduce((longest, line) => (line.length > longest.length ? line : longest), '');
        for (const width of WIDTHS) {
          const lines = renderLesson(lesson, real.diagrams, { width, color: false }).lines;
          const text = lines.join('\n');
          if (width >= diagram.width) {
            expect(text, `${id} at ${width}`).toContain(longestArtLine);
          } else {
            expect(text, `${id} at ${width}`).not.toContain(longestArtLine);
            expect(flatten(lines), `${id} at ${width}`).toContain(`Figure (text version, the drawing needs ${diagram.width} columns): ${diagram.title}`);
          }
        }
      }
    }
  });

  test('wide table wraps its cells', () => {
    const lines = renderLesson(lesson, fixture.diagrams, { width: 60, color: false }).lines;
    const text = lines.join('\n');
    expect(text).toContain('lora_alpha');
    // A word longer than its column is broken across lines.
    expect(text).toContain('gradient_accumulat');
    expect(lines.some((line) => line.startsWith('+-'))).toBe(true);
    expect(widest(lines)).toBeLessThanOrEqual(60);
  });

  test('table turns into records when tiny', () => {
    const lines = renderLesson(lesson, fixture.diagrams, { width: 24, color: false }).lines;
    expect(flatten(lines)).toContain('Parameter name: lora_alpha');
    expect(widest(lines)).toBeLessThanOrEqual(24);
  });

  test('long code line wraps', () => {
    const lines = renderLesson(lesson, fixture.diagrams, { width: 60, color: false }).lines;
    expect(lines.some((line) => line.includes('model = AutoModelForImageTextToText'))).toBe(true);
    expect(lines.join(' ')).toContain('torch.bfloat16');
    expect(widest(lines)).toBeLessThanOrEqual(60);
  });

  test('list items keep inline styles', () => {
    const text = renderLesson(lesson, fixture.diagrams, { width: 80, color: false }).lines.join('\n');
    expect(text).toContain('First item');
    expect(text).not.toContain('**First item**');
  });

  test('links show their address', () => {
    const text = renderLesson(lesson, fixture.diagrams, { width: 120, color: true }).lines.join('\n');
    expect(text).toContain('https://example.org/a/very/long/path');
    // OSC 8 hyperlinks would hide the address from width measuring.
    expect(text).not.toContain('\u001B]8;');
  });

  test('anchors point at section headings', () => {
    for (const width of WIDTHS) {
      const { lines, anchors } = renderLesson(lesson, fixture.diagrams, { width, color: false });
      expect(lines[anchors.get('first')!]).toBe('## First section');
      expect(lines[anchors.get('second')!]).toBe('## Second section');
    }
  });

  test('real anchors cover every section', () => {
    for (const lesson of real.lessons) {
      const { lines, anchors } = renderLesson(lesson, real.diagrams, { width: 80, color: false });
      for (const section of lesson.sections) {
        const index = anchors.get(section.id);
        expect(index, `${lesson.id}#${section.id}`).toBeDefined();
        expect(lines[index!], `${lesson.id}#${section.id}`).toContain(section.title.replace(/[*`]/g, ''));
      }
    }
  });

  test('references come last', () => {
    const lines = renderLesson(lesson, fixture.diagrams, { width: 60, color: false }).lines;
    const heading = lines.indexOf('## References');
    expect(heading).toBeGreaterThan(0);
    expect(lines.slice(heading).join(' ')).toContain('keeps going on and on');
  });

  test('title line can be left out', () => {
    const withTitle = renderLesson(lesson, fixture.diagrams, { width: 80, color: false }).lines;
    const withoutTitle = renderLesson(lesson, fixture.diagrams, { width: 80, color: false, title: false }).lines;
    expect(withTitle[0]).toBe('Lesson 01 · Fixture lesson');
    expect(withoutTitle[0]).toContain('Exercises tables');
  });
});

describe('renderHandsOn', () => {
  test('shows stage facts and command', () => {
    const lines = renderHandsOn(fixture.lessons[0]!, { width: 60, color: false });
    const text = lines.join(' ');
    expect(text).toContain('Hands-on: Fine-tune with QLoRA');
    expect(text).toContain('Time: about 15 min');
    expect(text).toContain('mllm-course run finetune');
    expect(text).toContain('mllm-course run finetune --smoke');
    expect(text).toContain('--host user@server');
    expect(widest(lines)).toBeLessThanOrEqual(60);
  });

  test('empty for lessons without stage', () => {
    const lesson = real.lessons.find((candidate) => candidate.id === '02')!;
    expect(renderHandsOn(lesson, { width: 80, color: false })).toEqual([]);
  });

  test('real hands-on lessons have panels', () => {
    const stages = real.lessons.filter((lesson) => renderHandsOn(lesson, { width: 80, color: false }).length > 0).map((lesson) => lesson.id);
    expect(stages).toEqual(['03', '04', '05', '06']);
  });
});

describe('renderMarkdown', () => {
  test('fragment fits width', () => {
    const lines = renderMarkdown('Some **markdown** with a long sentence that needs to wrap at forty columns wide.', { width: 40, color: false });
    expect(lines.length).toBeGreaterThan(1);
    expect(widest(lines)).toBeLessThanOrEqual(40);
    expect(lines.join(' ')).not.toContain('**');
  });
});
