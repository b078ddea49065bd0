import { render } from 'ink';
import React from 'react';
import type { CliContext } from '../commands/context.js';
import type { CourseContent } from '../lessons/load.js';
import type { ProgressStore } from '../progress/store.js';
import { createTheme } from '../util/theme.js';
import { App } from './app.js';
import type { Screen } from './state.js';

export interface StartOptions {
  course: CourseContent;
  store: ProgressStore;
  context: CliContext;
  initialScreen?: Screen;
}

/**
 * Runs the full-screen tutor until the student quits. Ctrl-C is routed through the keymap like `q`,
 * so the reader saves its position before Ink restores the terminal.
 */
export async function startTutor({ course, store, context, initialScreen }: StartOptions): Promise<void> {
  const instance = render(
    <App course={course} store={store} theme={createTheme(context.mode.color)} initialScreen={initialScreen} notices={store.warnings} />,
    {
      stdin: context.stdin as NodeJS.ReadStream,
      stdout: context.stdout as NodeJS.WriteStream,
      stderr: context.stderr as NodeJS.WriteStream,
      exitOnCtrlC: false,
      patchConsole: false,
      // Ink's default of 30 frames per second delays a keypress by up to 33 ms; 60 keeps scrolling under 20 ms.
      maxFps: 60,
      // NOTE: Ink 6.8's incrementalRendering left the reader's loading line on screen and shifted the
      // frame down one row in tmux, so full-frame rendering stays on.
    },
  );
  await instance.waitUntilExit();
  // Ink 6 leaves the cursor at the end of the last frame line; put the shell prompt on a line of its own.
  context.stdout.write('\n');
}
