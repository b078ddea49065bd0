/**
 * Interactive forms of the `run` command: the preflight checklist and the live view, rendered with Ink on
 * the command's own streams. Plain mode never reaches here (decided once in the CLI entry).
 */
import { render } from 'ink';
import React, { useState } from 'react';
import type { CliContext } from '../../commands/context.js';
import type { PreflightReport } from '../../runner/preflight.js';
import { DEFAULT_FOLLOW_RETRIES, type LaunchedRun, type Runner } from '../../runner/runner.js';
import { takeInterrupt } from '../../runner/interrupt.js';
import type { RunState } from '../../runner/state.js';
import { createTheme } from '../../util/theme.js';
import { ThemeProvider } from '../theme.js';
import { LiveStore } from './live-store.js';
import { LiveView } from './live-view.js';
import { PreflightChecklist } from './preflight-checklist.js';
import { formatEvent } from '../../runner/format.js';

type InkStreams = Parameters<typeof render>[1];

function streams(context: CliContext): InkStreams {
  return {
    stdout: context.stdout as NodeJS.WriteStream,
    stdin: context.stdin as NodeJS.ReadStream,
    stderr: context.stderr as NodeJS.WriteStream,
    patchConsole: false,
    exitOnCtrlC: false,
  };
}

/** Prints the checklist once; it stays in the scrollback above what follows. */
export async function showPreflight(report: PreflightReport, context: CliContext): Promise<void> {
  const instance = render(
    <ThemeProvider theme={createTheme(context.mode.color)}>
      <PreflightChecklist report={report} />
    </ThemeProvider>,
    streams(context),
  );
  instance.unmount();
  await instance.waitUntilExit();
  // Ink leaves the cursor at the end of its last line; what follows starts on a line of its own.
  context.stdout.write('\n');
}

/** The parts of a run the live view shows. */
export type RunToFollow = Pick<LaunchedRun, 'id' | 'target' | 'runDir'> & { stage?: string };

interface RunScreenProps {
  store: LiveStore;
  run: RunToFollow;
  columns: number;
  rows: number;
  onDetach: () => void;
  cancel: (report: (status: string) => void) => void;
  onFinalRendered: () => void;
}

function RunScreen(props: RunScreenProps): React.JSX.Element {
  const [cancelling, setCancelling] = useState<string | undefined>(undefined);
  return (
    <LiveView
      store={props.store}
      runId={props.run.id}
      target={props.run.target}
      {...(props.run.stage ? { stage: props.run.stage } : {})}
      logPath={`${props.run.runDir}/log`}
      columns={props.columns}
      rows={props.rows}
      onDetach={props.onDetach}
      onCancel={() => props.cancel(setCancelling)}
      onFinalRendered={props.onFinalRendered}
      {...(cancelling ? { cancelling } : {})}
    />
  );
}

/** Follows a run in the live view until it ends or the user detaches (`d` or Ctrl-C). */
export async function followInteractive(runner: Runner, run: RunToFollow, context: CliContext): Promise<RunState | 'detached'> {
  const store = new LiveStore();
  // New data after a reconnection ends the notice about it.
  const received = (): void => store.setNotice(undefined);
  const handle = runner.followWithReconnect(run.id, {
    onLines: (lines) => {
      received();
      store.addLines(lines);
    },
    onLiveLine: (line) => store.setLiveLine(line),
    onEvents: (events) => {
      received();
      store.addEvents(events);
      // The stage's own messages (start, metrics, files written, done, errors) join the log; progress has its bar.
      const messages = events.filter((event) => event.kind !== 'progress').map(formatEvent);
      if (messages.length > 0) {
        store.addLines(messages.flatMap((message) => message.split('\n')));
      }
    },
    onWarning: (message) => store.warn(message),
  }, {
    coalesceProgress: true,
    onReconnect: (attempt) => store.setNotice(`Connection to ${run.target} lost; reconnecting (attempt ${attempt} of ${DEFAULT_FOLLOW_RETRIES}). The run goes on.`),
  });

  const cancel = (report: (status: string) => void): void => {
    report('Cancelling: SIGINT, then SIGTERM, then SIGKILL to the process group…');
    runner.cancel(run.id).then(
      (result) => report(result.gone ? 'Cancelled: no process of the run is left.' : `Some processes are still alive: ${result.left.join(', ')}`),
      (error: unknown) => report(`Cancel failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  };

  let finalRendered: () => void = () => {};
  const finalShown = new Promise<void>((resolve) => {
    finalRendered = resolve;
  });
  const instance = render(
    <ThemeProvider theme={createTheme(context.mode.color)}>
      <RunScreen
        store={store}
        run={run}
        columns={context.mode.columns}
        rows={context.mode.rows}
        onDetach={() => handle.detach()}
        cancel={cancel}
        onFinalRendered={() => finalRendered()}
      />
    </ThemeProvider>,
    streams(context),
  );

  // Ctrl-C detaches too: the stage runs in its own session and does not get the terminal's SIGINT.
  const releaseInterrupt = takeInterrupt(() => handle.detach());
  try {
    const state = await handle.finished;
    store.finish(state);
    await finalShown;
    return state;
  } finally {
    releaseInterrupt();
    instance.unmount();
    await instance.waitUntilExit();
    context.stdout.write('\n');
    store.dispose();
  }
}
