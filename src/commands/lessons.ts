import readline from 'node:readline';
import type { Command } from 'commander';
import { loadCourse, findLesson, type CourseContent } from '../lessons/load.js';
import { continueTarget, lessonStatus, markRead, readCount, resetLessons } from '../lessons/progress.js';
import type { Lesson } from '../lessons/schema.js';
import { ProgressStore } from '../progress/store.js';
import { messageForOutput } from '../ui/wrap-message.js';
import { createTheme } from '../util/theme.js';
import { truncate, usableColumns } from '../util/width.js';
import type { CliContext } from './context.js';

/** Glyph and word per status, the same as the home screen shows. */
/** Characters of an unknown lesson key repeated in the error message. */
const MAX_SHOWN_KEY = 40;

const STATUS_TEXT = { read: '✓ read', started: '◐ started', new: '· new' } as const;

/**
 * Registers `list`, `read`, `reset` and the default command `tutor`: the tutor in an interactive terminal,
 * the outline with a hint otherwise (never raw mode without a TTY).
 */
export function registerLessonsCommands(program: Command, context: CliContext): void {
  program
    .command('tutor', { isDefault: true })
    .description('open the interactive tutor (the default when no command is given)')
    // Commander hands a mistyped command to the default command; report it instead of "too many arguments".
    .allowExcessArguments(true)
    .action(async (_options: unknown, command: Command) => {
      const [unknown] = command.args;
      if (unknown !== undefined) {
        context.stderr.write(`Unknown command "${unknown}". Run \`mllm-course --help\` to list the commands.\n`);
        context.exitCode = 2;
        return;
      }
      await startOrOutline(context);
    });

  program
    .command('list')
    .description('print the lessons with your progress')
    .action(() => {
      const { course, store } = openCourse(context);
      writeLines(context, outlineLines(course, store, context));
    });

  program
    .command('read')
    .description('print a lesson as text and mark it as read')
    .argument('<lesson>', 'lesson number (1-8 or 01-08) or slug, such as 02 or architecture')
    .action(async (key: string) => {
      const { course, store } = openCourse(context);
      const lesson = findLesson(course.lessons, key);
      if (!lesson) {
        reportUnknownLesson(context, course, key);
        return;
      }
      writeLines(context, await readLines(course, lesson, context));
      markRead(store, lesson.id);
    });

  program
    .command('reset')
    .description('forget which lessons you read and where you stopped (asks first)')
    .argument('[lesson]', 'reset only this lesson (number or slug)')
    .option('-y, --yes', 'reset without asking')
    .action(async (key: string | undefined, options: { yes?: boolean }) => {
      const { course, store } = openCourse(context);
      const lesson = key === undefined ? undefined : findLesson(course.lessons, key);
      if (key !== undefined && !lesson) {
        reportUnknownLesson(context, course, key);
        return;
      }

      const subject = lesson ? `the progress of lesson ${lesson.id} (${lesson.title})` : `the progress of all ${course.lessons.length} lessons`;
      if (!options.yes) {
        const answer = await ask(context, `Reset ${subject}? Quiz history is kept. [y/N] `);
        if (answer === undefined) {
          context.stderr.write('No answer on stdin; nothing was reset. Run `mllm-course reset --yes` to reset without asking.\n');
          context.exitCode = 1;
          return;
        }
        if (!/^y(es)?$/i.test(answer.trim())) {
          context.stdout.write('Nothing was reset.\n');
          return;
        }
      }

      resetLessons(store, lesson?.id);
      reportWarnings(context, store);
      context.stdout.write(`Reset ${subject}.\n`);
    });
}

async function startOrOutline(context: CliContext): Promise<void> {
  const { course, store } = openCourse(context, { warnOnStderr: !context.mode.interactive });

  if (!context.mode.interactive) {
    writeLines(context, [
      ...outlineLines(course, store, context),
      '',
      'This terminal is not interactive, so the tutor printed its outline instead of starting.',
      'Read a lesson as text with `mllm-course read 01` (a number or a slug).',
      'Run `mllm-course` in an interactive terminal for the full tutor.',
    ]);
    return;
  }

  // Ink and React load only here, so that `read` and `list` start fast.
  const { startTutor } = await import('../ui/start.js');
  await startTutor({ course, store, context });
}

function openCourse(context: CliContext, options = { warnOnStderr: true }): { course: CourseContent; store: ProgressStore } {
  const course = loadCourse();
  const store = ProgressStore.open({ cwd: context.env.MLLM_COURSE_CONFIG_DIR });
  if (options.warnOnStderr) {
    reportWarnings(context, store);
  }
  return { course, store };
}

function reportWarnings(context: CliContext, store: ProgressStore): void {
  for (const warning of store.warnings.splice(0)) {
    context.stderr.write(`Warning: ${warning}\n`);
  }
}

function reportUnknownLesson(context: CliContext, course: CourseContent, key: string): void {
  const known = course.lessons.map((lesson) => `${lesson.id} ${lesson.slug}`).join(', ');
  const shownKey = key.length > MAX_SHOWN_KEY ? `${key.slice(0, MAX_SHOWN_KEY)}…` : key;
  context.stderr.write(messageForOutput(context, `No lesson matches "${shownKey}". Use a number or a slug: ${known}.`, context.stderr));
  context.exitCode = 2;
}

/** Builds the outline: one line per lesson with its status, then overall progress and where to continue. */
export function outlineLines(course: CourseContent, store: ProgressStore, context: CliContext): string[] {
  const width = usableColumns(context.mode.columns);
  const theme = createTheme(context.mode.color);
  const lines = [theme.paint('title', 'mllm-course · Multimodal LLMs in medicine'), ''];

  for (const lesson of course.lessons) {
    const status = STATUS_TEXT[lessonStatus(store, lesson.id)].padEnd(10);
    const stage = lesson.stage ? ` [hands-on: ${lesson.stage}]` : '';
    lines.push(truncate(`${lesson.id}  ${status} ${lesson.title} (${lesson.minutes} min)${stage}`, width));
  }

  lines.push('', `Lessons read: ${readCount(store, course.lessons)}/${course.lessons.length}`);
  const target = continueTarget(store, course.lessons);
  if (target) {
    lines.push(`Continue with lesson ${target.lesson.id}: mllm-course read ${target.lesson.slug}`);
  }
  return lines;
}

async function readLines(course: CourseContent, lesson: Lesson, context: CliContext): Promise<string[]> {
  // The markdown renderer loads only for `read`, so that other commands start without it.
  const { renderHandsOn, renderLesson } = await import('../lessons/render.js');
  const options = { width: context.mode.columns, color: context.mode.color };
  const rendered = renderLesson(lesson, course.diagrams, options);
  const handsOn = renderHandsOn(lesson, options);
  return handsOn.length > 0 ? [...rendered.lines, '', ...handsOn] : rendered.lines;
}

function writeLines(context: CliContext, lines: string[]): void {
  context.stdout.write(`${lines.join('\n')}\n`);
}

/** Reads one line from stdin; undefined when stdin ends first (nothing piped in, or Ctrl-D). */
function ask(context: CliContext, question: string): Promise<string | undefined> {
  context.stdout.write(question);
  const reader = readline.createInterface({ input: context.stdin, terminal: false });
  return new Promise((resolve) => {
    let answered = false;
    reader.once('line', (line) => {
      answered = true;
      reader.close();
      resolve(line);
    });
    reader.once('close', () => {
      if (!answered) {
        resolve(undefined);
      }
    });
  });
}
