import { Box, Static, Text, useInput, type Key } from 'ink';
import React, { useCallback, useEffect, useRef, useState } from 'react';
import { describeRunState } from '../../runner/state.js';
import { commandsOf, matchCommand, screenHintLine } from '../keymap.js';
import { Styled } from '../theme.js';
import type { LiveSnapshot, LiveStore, LogLine } from './live-store.js';
import { formatProgressLine } from './progress-bar.js';

/** Printed lines kept in one <Static> before it is replaced by a fresh one, so its item list stays bounded. */
const STATIC_BATCH_LINES = 1_000;
/** Rows of the live area at most: live line, progress, message, metrics, status, log path, hints. */
const LIVE_AREA_ROWS = 8;

export interface LiveViewProps {
  store: LiveStore;
  runId: string;
  target: string;
  /** Stage name to show until the first event names it. */
  stage?: string;
  /** Path of the full log on the target, always shown. */
  logPath: string;
  columns: number;
  rows: number;
  onDetach: () => void;
  /** Called once the user confirmed the cancel. */
  onCancel: () => void;
  /** Shown while the cancel runs, such as "Cancelling: SIGINT sent". */
  cancelling?: string;
  /** Called after the final state has been rendered, so that the caller can unmount without losing it. */
  onFinalRendered?: () => void;
}

function describeViewState(state: LiveSnapshot['state']): { text: string; role: 'accent' | 'success' | 'error'; glyph: string } {
  if (state === undefined) {
    return { text: 'running', role: 'accent', glyph: '▶' };
  }
  if (state === 'detached') {
    return { text: 'detached', role: 'accent', glyph: '⏏' };
  }
  if (state.kind === 'succeeded') {
    return { text: describeRunState(state), role: 'success', glyph: '✓' };
  }
  return { text: describeRunState(state), role: 'error', glyph: '✗' };
}

interface StaticBatch {
  key: number;
  items: LogLine[];
}

function appendToBatch(batch: StaticBatch, snapshot: LiveSnapshot, logPath: string): StaticBatch {
  const added: LogLine[] = [];
  if (snapshot.skippedLines > 0) {
    // The number 0 - n keeps the key unique and apart from real line numbers.
    added.push({ number: -snapshot.totalLines, text: `… ${snapshot.skippedLines} lines skipped here; full log: ${logPath}` });
  }
  added.push(...snapshot.newLines);
  if (added.length === 0) {
    return batch;
  }
  if (batch.items.length + added.length > STATIC_BATCH_LINES) {
    return { key: batch.key + 1, items: added };
  }
  return { key: batch.key, items: [...batch.items, ...added] };
}

/**
 * Live view of a run: finished log lines printed once above (Ink <Static>), and below them a live area
 * bounded to fewer rows than the terminal: the line being rewritten, progress, metrics, the log path and
 * the keys. It re-renders only when the store sends a snapshot, about ten times a second.
 */
export function LiveView(props: LiveViewProps): React.JSX.Element {
  const { store, columns, rows } = props;
  const [snapshot, setSnapshot] = useState<LiveSnapshot | undefined>(undefined);
  const [batch, setBatch] = useState<StaticBatch>({ key: 0, items: [] });
  const [confirming, setConfirmingState] = useState(false);
  // Ink attaches the new input handler in an effect after the frame is written, so a key typed right after
  // the confirmation appears could reach the old handler. The ref gives every handler the current state.
  const confirmingRef = useRef(false);
  const setConfirming = (value: boolean): void => {
    confirmingRef.current = value;
    setConfirmingState(value);
  };

  useEffect(
    () =>
      store.subscribe((next) => {
        setSnapshot(next);
        setBatch((current) => appendToBatch(current, next, props.logPath));
      }),
    [store, props.logPath],
  );

  const ended = snapshot?.state !== undefined;
  const { onFinalRendered } = props;
  useEffect(() => {
    if (ended) {
      onFinalRendered?.();
    }
  }, [ended, onFinalRendered]);
  // One stable listener for the view's lifetime: Ink re-subscribes useInput whenever its handler changes, and
  // at ten renders a second a key could arrive while the listener is being replaced.
  const handleInput = useRef<(input: string, key: Key) => void>(() => undefined);
  const stableInput = useCallback((input: string, key: Key) => handleInput.current(input, key), []);
  useInput(stableInput, { isActive: !ended });
  handleInput.current =
    (input, key) => {
      // Ctrl-C detaches like `d`: raw mode delivers it as a key, and the run must not stop with the tutor.
      if (key.ctrl && input === 'c') {
        props.onDetach();
        return;
      }
      // Ink reports Escape with meta set, so only other meta and ctrl chords are ignored.
      if (key.ctrl || (key.meta && !key.escape)) {
        return;
      }
      const command = matchCommand([confirmingRef.current ? 'run.confirm' : 'run'], input, key);
      switch (command) {
        case 'run.detach':
          props.onDetach();
          return;
        case 'run.cancel':
          setConfirming(true);
          return;
        case 'run.confirm':
          setConfirming(false);
          props.onCancel();
          return;
        case 'run.refuse':
          setConfirming(false);
          return;
        default:
          return;
      }
    };

  const width = Math.max(20, columns - 1);
  const budget = Math.max(3, Math.min(LIVE_AREA_ROWS, rows - 2));
  const state = snapshot?.state;
  const { text: stateText, role: stateRole, glyph: stateGlyph } = describeViewState(state);

  // Rows in order of importance; what does not fit in a short terminal is dropped from the end of this list.
  const rowsByImportance: { key: string; element: React.JSX.Element }[] = [];
  rowsByImportance.push({ key: 'status', element: <Styled role={stateRole}>{`${stateGlyph} ${snapshot?.stage ?? props.stage ?? 'run'} on ${props.target}, run ${props.runId}: ${stateText}`}</Styled> });
  if (snapshot?.progress) {
    rowsByImportance.push({ key: 'progress', element: <Text wrap="truncate-end">{formatProgressLine(snapshot.progress, width)}</Text> });
  }
  const hints = confirming
    ? <Styled role="warning">{`Cancel run ${props.runId}? ${screenHintLine(commandsOf('run.confirm'))}`}</Styled>
    : props.cancelling
      ? <Styled role="warning">{props.cancelling}</Styled>
      : <Styled role="key">{ended ? 'The run has ended.' : screenHintLine(commandsOf('run'))}</Styled>;
  // After a detach the run goes on; the status row says "detached" and the command prints how to re-attach.
  if (state !== 'detached') {
    rowsByImportance.push({ key: 'hints', element: hints });
  }
  rowsByImportance.push({ key: 'log', element: <Styled role="muted">{`Full log: ${props.logPath}`}</Styled> });
  if (snapshot?.error) {
    const { message, hint } = snapshot.error;
    rowsByImportance.push({ key: 'error', element: <Styled role="error">{`✗ ${message}${hint ? ` (${hint})` : ''}`}</Styled> });
  }
  if (snapshot?.liveLine) {
    rowsByImportance.push({ key: 'live', element: <Text wrap="truncate-end">{snapshot.liveLine}</Text> });
  }
  if (snapshot && snapshot.metrics.length > 0) {
    const metrics = snapshot.metrics.map((metric) => `${metric.name}${metric.model ? ` (${metric.model})` : ''} ${metric.value === null ? 'NaN' : metric.value.toPrecision(4)}`);
    rowsByImportance.push({ key: 'metrics', element: <Text wrap="truncate-end">{`Metrics: ${metrics.join(', ')}`}</Text> });
  }
  if (snapshot?.notice) {
    rowsByImportance.push({ key: 'notice', element: <Styled role="warning">{`… ${snapshot.notice}`}</Styled> });
  }
  for (const [index, warning] of (snapshot?.warnings ?? []).entries()) {
    rowsByImportance.push({ key: `warning-${index}`, element: <Styled role="warning">{`! ${warning}`}</Styled> });
  }

  const visibleRows = new Map(rowsByImportance.slice(0, budget).map((row) => [row.key, row.element]));
  const displayOrder = ['live', 'progress', 'metrics', 'error', 'notice', 'warning-0', 'warning-1', 'warning-2', 'log', 'status', 'hints'];

  return (
    <>
      <Static key={batch.key} items={batch.items}>
        {(line) => (
          <Text key={line.number} wrap="wrap">
            {line.text === '' ? ' ' : line.text}
          </Text>
        )}
      </Static>
      <Box flexDirection="column" width={width}>
        {displayOrder
          .filter((key) => visibleRows.has(key))
          .map((key) => (
            <Box key={key}>{visibleRows.get(key)}</Box>
          ))}
      </Box>
    </>
  );
}
