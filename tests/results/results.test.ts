import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatPrediction, formatScoreReport } from '../../src/results/format.js';
import { loadResults } from '../../src/results/load.js';
import { errorTotals, scoreRows } from '../../src/results/summary.js';
import { ContentError } from '../../src/util/content-error.js';

let outDir: string;

function write(relative: string, text: string): void {
  const file = path.join(outDir, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

const scores = {
  metrics: {
    crimson: { finetuned: { mean: 0.856, n: 16, parse_failures: 1 }, base: { mean: 0.698, n: 16, parse_failures: 0 } },
    green: { base: { mean: null, n: 0, parse_failures: 0 }, finetuned: { mean: null, n: 0, parse_failures: 0 } },
  },
  judges: {
    crimson: { model: 'rajpurkarlab/medgemma-4b-it-crimson', ran: true },
    green: { model: 'StanfordAIMI/GREEN-radllama2-7b', ran: false, reason: 'Smoke mode runs on the CPU, where the 7B judge cannot run.' },
  },
};

beforeEach(() => {
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mllm-results-'));
});

afterEach(() => {
  fs.rmSync(outDir, { recursive: true, force: true });
});

describe('loadResults', () => {
  it('returns empty parts before any stage ran', () => {
    const results = loadResults(outDir);
    expect(results.predictions).toEqual([]);
    expect(results.scores).toBeUndefined();
    expect(results.details).toEqual([]);
  });

  it('reads predictions, scores and details', () => {
    write('infer/predictions.jsonl', `${JSON.stringify({ id: 'a', image: '/x/a-0.png', question: 'Heart?', reference: 'Normal heart size.', base: 'Heart normal.', finetuned: 'Normal heart size.' })}\n\n`);
    write('evaluate/scores.json', JSON.stringify(scores));
    write('evaluate/details.jsonl', [
      JSON.stringify({ id: 'a', metric: 'crimson', model: 'base', score: 0.5, errors: { false_finding: 1, missing_finding: 2 }, explanation: 'One false finding.' }),
      JSON.stringify({ id: 'b', metric: 'crimson', model: 'base', score: 1, errors: { false_finding: 2 } }),
    ].join('\r\n'));

    const results = loadResults(outDir);

    expect(results.predictions).toHaveLength(1);
    expect(results.predictions[0]?.finetuned).toBe('Normal heart size.');
    expect(results.scores?.judges.green?.ran).toBe(false);
    expect(results.details).toHaveLength(2);
    expect(results.details[1]?.explanation).toBeNull();
  });

  it('skips a bad prediction line and names it', () => {
    write('infer/predictions.jsonl', `${JSON.stringify({ id: 'a', image: '', question: 'q', reference: 'r', base: 'b', finetuned: 'f' })}\n{"id": "b", "image": 3}\nnot json\n`);

    const results = loadResults(outDir);

    expect(results.predictions.map((prediction) => prediction.id)).toEqual(['a']);
    expect(results.skipped).toHaveLength(2);
    expect(results.skipped[0]).toMatch(/predictions\.jsonl: field "line 2\.image"/);
    expect(results.skipped[1]).toMatch(/field "line 3": not valid JSON/);
  });

  it('names an output file that is a folder', () => {
    fs.mkdirSync(path.join(outDir, 'infer', 'predictions.jsonl'), { recursive: true });

    expect(() => loadResults(outDir)).toThrow(ContentError);
    expect(() => loadResults(outDir)).toThrow(/predictions\.jsonl: file: cannot be read \(EISDIR\)/);
  });

  it('strips escape sequences from model output', () => {
    const evil = 'Clear\u001b[2J lungs\r\u001b[?1049h\u001b]0;title\u0007 end';
    const lines = formatPrediction({ id: 'x', image: '/i.png', question: 'q', reference: 'r', base: evil, finetuned: 'f' }, 0, 1, 80);
    const text = lines.join('\n');

    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('Base: Clear lungs end');
  });

  it('rejects scores that are not JSON', () => {
    write('evaluate/scores.json', '{"metrics": ');
    expect(() => loadResults(outDir)).toThrow(/scores\.json: file: not valid JSON/);
  });
});

describe('score summary', () => {
  it('orders base before fine-tuned within each metric', () => {
    write('evaluate/scores.json', JSON.stringify(scores));
    const rows = scoreRows(loadResults(outDir).scores!);

    expect(rows.map((row) => `${row.metric}/${row.model}`)).toEqual(['crimson/base', 'crimson/finetuned', 'green/base', 'green/finetuned']);
    expect(rows[1]?.mean).toBe(0.856);
    expect(rows[1]?.parseFailures).toBe(1);
    expect(rows[2]?.mean).toBeUndefined();
  });

  it('sums error categories per metric and model', () => {
    const totals = errorTotals([
      { id: 'a', metric: 'green', model: 'base', score: 0.5, errors: { a: 1, b: 2 }, explanation: null },
      { id: 'b', metric: 'green', model: 'base', score: 0.5, errors: { a: 3 }, explanation: null },
      { id: 'a', metric: 'green', model: 'finetuned', score: 1, errors: { a: 0 }, explanation: null },
    ]);

    expect(totals.get('green/base')?.get('a')).toBe(4);
    expect(totals.get('green/base')?.get('b')).toBe(2);
    expect(totals.get('green/finetuned')?.get('a')).toBe(0);
  });

  it('reports a judge that did not run instead of a score', () => {
    write('evaluate/scores.json', JSON.stringify(scores));
    const text = formatScoreReport(loadResults(outDir), 60).join('\n');

    expect(text).toContain('crimson   base       0.698');
    expect(text).toMatch(/green     base       n\/a/);
    expect(text).toContain('green: not scored. Smoke mode runs on the CPU');
    expect(text).not.toMatch(/green\s+base\s+0\.\d/);
  });

  it('keeps every line within the width', () => {
    write('evaluate/scores.json', JSON.stringify(scores));
    for (const width of [40, 60, 80]) {
      const lines = formatScoreReport(loadResults(outDir), width);
      for (const line of lines) {
        expect(line.length).toBeLessThanOrEqual(width);
      }
    }
  });

  it('wraps a long prediction within the width', () => {
    const long = 'The cardiomediastinal silhouette is within normal limits and there is no focal consolidation. '.repeat(3);
    const lines = formatPrediction({ id: 'x', image: '/data/a.png', question: 'Lungs?', reference: long, base: null, finetuned: long }, 0, 16, 50);

    expect(lines[0]).toBe('Sample 1 of 16: x');
    expect(lines.some((line) => line.startsWith('Base: (not generated)'))).toBe(true);
    for (const line of lines) {
      expect(line.length).toBeLessThanOrEqual(50);
    }
  });
});

describe('side-by-side layout', () => {
  const prediction = {
    id: 'iu-7',
    image: '/data/7-0.png',
    question: 'Describe the heart.',
    reference: 'The heart is mildly enlarged.',
    base: 'Normal heart size.',
    finetuned: 'Mild cardiomegaly.',
  };

  it('puts the three answers in columns from 100 columns', async () => {
    const { formatPredictionSideBySide } = await import('../../src/results/format.js');
    const lines = formatPredictionSideBySide(prediction, 2, 16, 120);
    const header = lines.find((line) => line.startsWith('Reference'));

    expect(lines[0]).toBe('Sample 3 of 16: iu-7');
    expect(header).toMatch(/^Reference\s+\| Base\s+\| Fine-tuned$/);
    expect(lines.some((line) => /The heart is mildly enlarged\.\s+\| Normal heart size\.\s+\| Mild cardiomegaly\./.test(line))).toBe(true);
    for (const line of lines) {
      expect(line.length).toBeLessThanOrEqual(120);
    }
  });

  it('stacks the answers below 100 columns', async () => {
    const { formatPredictionSideBySide } = await import('../../src/results/format.js');
    const lines = formatPredictionSideBySide(prediction, 0, 1, 80);

    expect(lines).toContain('Base: Normal heart size.');
    expect(lines.some((line) => line.includes(' | '))).toBe(false);
  });
});
