import { Marked, type MarkedExtension, type Token, type Tokens } from 'marked';
import { markedTerminal } from 'marked-terminal';
import stripAnsi from 'strip-ansi';
import { findStage, stageCommand } from '../stages/catalog.js';
import { createTheme, type Theme } from '../util/theme.js';
import { usableColumns, wrapLines } from '../util/width.js';
import type { Diagram, Lesson } from './schema.js';
import { renderTable } from './table.js';

export interface RenderOptions {
  /** Terminal columns; no returned line is wider. */
  width: number;
  /** Emit ANSI styles; when false the output contains no escape codes at all. */
  color: boolean;
}

export interface LessonRenderOptions extends RenderOptions {
  /** Start with the lesson's title line; the reader leaves it out because its own header shows it. */
  title?: boolean;
}

export interface RenderedLesson {
  lines: string[];
  /** Section id to the index of its heading line in `lines`. */
  anchors: Map<string, number>;
}

type Identity = (text: string) => string;

/**
 * Renders a lesson to terminal lines: a title block, the markdown body through marked-terminal with
 * each diagram's art (or its text alternative when `width` is below the diagram's width), and the
 * references. Every line fits `width`.
 */
export function renderLesson(lesson: Lesson, diagrams: Map<string, Diagram>, options: LessonRenderOptions): RenderedLesson {
  const width = usableColumns(options.width);
  const theme = createTheme(options.color);
  const marked = createMarked(width, theme);
  const lines: string[] = [];
  const anchors = new Map<string, number>();
  const pendingSections = [...lesson.sections];

  const push = (block: string[]): void => {
    if (lines.length > 0 && block.length > 0) {
      lines.push('');
    }
    lines.push(...wrapLines(block, width));
  };

  const summary = theme.paint('muted', `${lesson.summary} (${lesson.minutes} min)`);
  push(options.title === false ? [summary] : [theme.paint('title', `Lesson ${lesson.id} · ${lesson.title}`), summary]);

  for (const token of marked.lexer(lesson.body)) {
    if (token.type === 'space') {
      continue;
    }
    if (token.type === 'code' && (token as Tokens.Code).lang === 'diagram') {
      push(renderDiagram(diagrams, (token as Tokens.Code).text.trim(), width, theme));
      continue;
    }
    if (token.type === 'heading') {
      const section = pendingSections.find((candidate) => candidate.title === (token as Tokens.Heading).text);
      if (section) {
        pendingSections.splice(pendingSections.indexOf(section), 1);
        anchors.set(section.id, lines.length === 0 ? 0 : lines.length + 1);
      }
    }
    push(renderBlock(marked, token, options.color));
  }

  if (lesson.references.length > 0) {
    push([theme.paint('heading', '## References')]);
    lesson.references.forEach((reference, index) => {
      lines.push(...wrapLines([`${index + 1}. ${reference}`], width));
    });
  }

  return { lines, anchors };
}

/** Renders a markdown fragment (a quiz explanation, a panel text) to lines that fit `width`. */
export function renderMarkdown(markdown: string, options: RenderOptions): string[] {
  const width = usableColumns(options.width);
  const marked = createMarked(width, createTheme(options.color));
  const lines: string[] = [];
  for (const token of marked.lexer(markdown)) {
    if (token.type === 'space') {
      continue;
    }
    if (lines.length > 0) {
      lines.push('');
    }
    lines.push(...wrapLines(renderBlock(marked, token, options.color), width));
  }
  return lines;
}

/** Lists the hands-on facts of a lesson's stage as lines, or nothing for lessons without a stage. */
export function renderHandsOn(lesson: Lesson, options: RenderOptions): string[] {
  if (!lesson.stage) {
    return [];
  }

  const width = usableColumns(options.width);
  const theme = createTheme(options.color);
  const stage = findStage(lesson.stage);
  const lines = [
    theme.paint('heading', `Hands-on: ${stage.title}`),
    stage.does,
    `Time: about ${stage.minutes} min`,
    `Hardware: ${stage.hardware}`,
    ...stage.downloads.map((download) => `Downloads: ${download}`),
    `Run it: ${theme.paint('code', stageCommand(stage.id))}`,
    `Check the set-up first on a tiny synthetic input: ${theme.paint('code', `${stageCommand(stage.id)} --smoke`)}`,
    `On a GPU server over SSH, add ${theme.paint('code', '--host user@server')}.`,
  ];
  return wrapLines(lines, width);
}

/** Renders a diagram for this width: the art when it fits, otherwise the text alternative. */
export function renderDiagram(diagrams: Map<string, Diagram>, id: string, width: number, theme: Theme): string[] {
  const diagram = diagrams.get(id);
  if (!diagram) {
    return [theme.paint('warning', `[diagram "${id}" is missing from lessons/diagrams]`)];
  }

  if (diagram.width <= width) {
    return [theme.paint('muted', `Figure: ${diagram.title}`), ...diagram.art.split('\n').map((line) => line.replace(/\s+$/, ''))];
  }

  const alt = reflowParagraphs(diagram.alt.replace(/\s+$/, '').split('\n'));
  return wrapLines([theme.paint('muted', `Figure (text version, the drawing needs ${diagram.width} columns): ${diagram.title}`), ...alt], width);
}

const PARAGRAPH_START = /^\s*(?:$|\d+\.\s|[-*•]\s)/;

/** Joins hand-wrapped lines back into paragraphs; a blank line or a list marker starts a new one. */
function reflowParagraphs(lines: string[]): string[] {
  const paragraphs: string[] = [];
  for (const line of lines) {
    const last = paragraphs.length - 1;
    if (last >= 0 && paragraphs[last] !== '' && !PARAGRAPH_START.test(line)) {
      paragraphs[last] = `${paragraphs[last]} ${line.trim()}`;
    } else {
      paragraphs.push(line.trim() === '' ? '' : line.replace(/\s+$/, ''));
    }
  }
  return paragraphs;
}

function renderBlock(marked: Marked, token: Token, color: boolean): string[] {
  const text = marked.parser([token]).replace(/\n+$/, '');
  const plain = color ? text : stripAnsi(text);
  return plain.split('\n').map((line) => line.replace(/\s+$/, ''));
}

const markedCache = new Map<string, Marked>();

function createMarked(width: number, theme: Theme): Marked {
  const key = `${width}:${theme.name}`;
  const cached = markedCache.get(key);
  if (cached) {
    return cached;
  }

  const paint = (role: Parameters<Theme['paint']>[0]): Identity => (text) => theme.paint(role, text);
  const identity: Identity = (text) => text;
  const marked = new Marked(
    markedTerminal({
      width,
      reflowText: true,
      showSectionPrefix: true,
      tab: 2,
      emoji: false,
      code: paint('code'),
      codespan: paint('code'),
      blockquote: paint('muted'),
      html: paint('muted'),
      heading: paint('heading'),
      firstHeading: paint('title'),
      hr: identity,
      listitem: identity,
      table: identity,
      paragraph: identity,
      strong: theme.name === 'plain' ? identity : (text: string) => `\u001b[1m${text}\u001b[22m`,
      em: theme.name === 'plain' ? identity : (text: string) => `\u001b[3m${text}\u001b[23m`,
      del: identity,
      link: paint('accent'),
      href: paint('accent'),
      // @types/marked-terminal describes the renderer of version 6; version 7 returns a marked extension.
    }) as unknown as MarkedExtension,
  );

  marked.use({
    renderer: {
      // marked-terminal 7 prints the raw text of list items, so `**bold**` would show its asterisks.
      text(token) {
        if ('tokens' in token && token.tokens) {
          return this.parser.parseInline(token.tokens).replace(/ *\n */g, ' ');
        }
        return false;
      },
      // Links print as `text (url)`, because marked-terminal's OSC 8 hyperlinks hide the address from width measuring.
      link(token) {
        const label = this.parser.parseInline(token.tokens);
        const plainLabel = stripAnsi(label);
        return plainLabel === token.href ? theme.paint('accent', token.href) : `${label} (${theme.paint('accent', token.href)})`;
      },
      // Code blocks skip cli-highlight, whose colours ignore the theme. Long lines are wrapped later with the rest.
      code(token) {
        const body = token.text
          .split('\n')
          .map((line) => `  ${theme.paint('code', line)}`)
          .join('\n');
        return `${body}\n\n`;
      },
      table(token) {
        const cell = (item: Tokens.TableCell): string => this.parser.parseInline(item.tokens);
        const header = token.header.map(cell);
        const rows = token.rows.map((row) => row.map(cell));
        const tableLines = renderTable(header, rows, width, {
          header: paint('heading'),
          border: paint('border'),
          ascii: theme.name === 'plain',
        });
        return `${tableLines.join('\n')}\n\n`;
      },
    },
  });

  markedCache.set(key, marked);
  return marked;
}
