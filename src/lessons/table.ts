import wrapAnsi from 'wrap-ansi';
import { displayWidth } from '../util/width.js';

/** Narrowest column a bordered table gives a cell; below that the table is shown as stacked records. */
const MIN_CELL_COLUMNS = 6;

interface Borders {
  top: [string, string, string, string];
  middle: [string, string, string, string];
  bottom: [string, string, string, string];
  vertical: string;
}

// Box-drawing borders for colour terminals; plain output uses ASCII, which screen readers pass over quietly.
const BOX: Borders = {
  top: ['┌', '─', '┬', '┐'],
  middle: ['├', '─', '┼', '┤'],
  bottom: ['└', '─', '┴', '┘'],
  vertical: '│',
};
const ASCII: Borders = {
  top: ['+', '-', '+', '+'],
  middle: ['+', '-', '+', '+'],
  bottom: ['+', '-', '+', '+'],
  vertical: '|',
};

export interface TableStyle {
  /** Applied to header cells. */
  header: (text: string) => string;
  /** Applied to borders. */
  border: (text: string) => string;
  ascii: boolean;
}

/**
 * Lays out a table within `width` columns. Columns keep their natural width when the table fits,
 * shrink and wrap their cells when it does not, and below MIN_CELL_COLUMNS per column each row is
 * printed as `header: value` lines instead.
 */
export function renderTable(header: string[], rows: string[][], width: number, style: TableStyle): string[] {
  const columnCount = header.length;
  const chrome = 3 * columnCount + 1;
  const available = width - chrome;

  if (columnCount === 0) {
    return [];
  }
  if (available < MIN_CELL_COLUMNS * columnCount) {
    return renderStacked(header, rows, width, style);
  }

  const natural = header.map((cell, column) =>
    Math.max(1, cellWidth(cell), ...rows.map((row) => cellWidth(row[column] ?? ''))),
  );
  const widths = fitColumns(natural, available);
  const borders = style.ascii ? ASCII : BOX;

  const lines = [ruleLine(borders.top, widths, style)];
  lines.push(...rowLines(header.map(style.header), widths, borders, style));
  lines.push(ruleLine(borders.middle, widths, style));
  for (const row of rows) {
    lines.push(...rowLines(row, widths, borders, style));
  }
  lines.push(ruleLine(borders.bottom, widths, style));
  return lines;
}

/** Gives each column its natural width when all fit, otherwise caps the widest columns equally. */
export function fitColumns(natural: number[], available: number): number[] {
  const total = natural.reduce((sum, value) => sum + value, 0);
  if (total <= available) {
    return natural;
  }

  let cap = Math.max(...natural);
  while (cap > MIN_CELL_COLUMNS && natural.reduce((sum, value) => sum + Math.min(value, cap), 0) > available) {
    cap -= 1;
  }
  const widths = natural.map((value) => Math.min(value, cap));

  // Hand columns left over by the cap back to the columns that were cut, left to right.
  let spare = available - widths.reduce((sum, value) => sum + value, 0);
  for (let column = 0; column < widths.length && spare > 0; column += 1) {
    const missing = (natural[column] ?? 0) - (widths[column] ?? 0);
    const extra = Math.min(missing, spare);
    widths[column] = (widths[column] ?? 0) + extra;
    spare -= extra;
  }
  return widths;
}

function cellWidth(cell: string): number {
  return Math.max(0, ...cell.split('\n').map((line) => displayWidth(line)));
}

function ruleLine(parts: [string, string, string, string], widths: number[], style: TableStyle): string {
  const [left, fill, join, right] = parts;
  return style.border(left + widths.map((width) => fill.repeat(width + 2)).join(join) + right);
}

function rowLines(cells: string[], widths: number[], borders: Borders, style: TableStyle): string[] {
  const wrapped = widths.map((width, column) => wrapCell(cells[column] ?? '', width));
  const height = Math.max(...wrapped.map((lines) => lines.length));
  const vertical = style.border(borders.vertical);
  const lines: string[] = [];

  for (let index = 0; index < height; index += 1) {
    const parts = widths.map((width, column) => {
      const text = wrapped[column]?.[index] ?? '';
      return ` ${text}${' '.repeat(Math.max(0, width - displayWidth(text)))} `;
    });
    lines.push(vertical + parts.join(vertical) + vertical);
  }
  return lines;
}

function wrapCell(cell: string, width: number): string[] {
  return cell.split('\n').flatMap((line) => wrapAnsi(line, width, { hard: true, trim: true }).split('\n'));
}

function renderStacked(header: string[], rows: string[][], width: number, style: TableStyle): string[] {
  const lines: string[] = [];
  rows.forEach((row, index) => {
    if (index > 0) {
      lines.push('');
    }
    header.forEach((name, column) => {
      const text = `${style.header(name)}: ${row[column] ?? ''}`;
      lines.push(...wrapAnsi(text, width, { hard: true, trim: true }).split('\n'));
    });
  });
  return lines;
}
