/** Plain-text forms of runner results, for headless commands, piped output and bug reports. */
import type { ProgressEvent, StageEvent } from './events.js';
import type { PreflightReport, CheckStatus } from './preflight.js';
import type { CancelResult } from './runner.js';
import { describeRunState, type RunState } from './state.js';

/** Glyph and word for each check status, so that the status never depends on colour alone. */
export const CHECK_MARKS: Record<CheckStatus, { glyph: string; word: string }> = {
  pass: { glyph: '✓', word: 'ok' },
  warn: { glyph: '!', word: 'warning' },
  fail: { glyph: '✗', word: 'failed' },
  skip: { glyph: '·', word: 'skipped' },
};

export function formatPreflight(report: PreflightReport): string {
  const where = report.host ? `${report.target} (${report.host})` : report.target;
  const lines = [`Preflight on ${where}`];
  for (const check of report.checks) {
    const mark = CHECK_MARKS[check.status];
    lines.push(`${mark.glyph} ${mark.word.padEnd(8)} ${check.label}`);
    for (const detail of check.detail.split('\n')) {
      lines.push(`           ${detail}`);
    }
    if (check.fix && check.status !== 'pass') {
      lines.push(`           Next: ${check.fix}`);
    }
  }
  lines.push(report.ok ? 'All required checks passed.' : 'A required check failed.');
  return `${lines.join('\n')}\n`;
}

function number(value: number | null | undefined, digits: number): string {
  if (value === null) {
    return 'NaN';
  }
  return value === undefined ? '-' : value.toPrecision(digits);
}

/** Formats seconds as `1h02m`, `4m05s` or `12s`. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) {
    return '--';
  }
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  if (hours > 0) {
    return `${hours}h${String(minutes).padStart(2, '0')}m`;
  }
  return minutes > 0 ? `${minutes}m${String(rest).padStart(2, '0')}s` : `${rest}s`;
}

/** Formats step/total with the unit, then loss, learning rate, ETA and message when the event has them. */
function formatProgressFields(event: ProgressEvent): string {
  const unit = event.unit && event.unit !== 'steps' ? event.unit : 'step';
  const parts = [`${unit} ${event.step}${event.total === null ? '' : `/${event.total}`}`];
  if (event.loss !== undefined) {
    parts.push(`loss ${number(event.loss, 4)}`);
  }
  if (event.lr !== undefined) {
    parts.push(`lr ${event.lr === null ? 'NaN' : event.lr.toExponential(2)}`);
  }
  if (event.etaS !== undefined) {
    parts.push(`ETA ${formatDuration(event.etaS)}`);
  }
  if (event.message) {
    parts.push(event.message);
  }
  return parts.join('  ');
}

/** Formats an event as one line of plain output; a progress line gives step/total, loss, learning rate and ETA. */
export function formatEvent(event: StageEvent): string {
  switch (event.kind) {
    case 'start':
      return `[${event.stage}] start: ${event.message}`;
    case 'progress':
      return `[${event.stage}] ${formatProgressFields(event)}`;
    case 'metric':
      return `[${event.stage}] metric ${event.name}${event.model ? ` (${event.model})` : ''}: ${number(event.value, 4)}`;
    case 'artifact':
      return `[${event.stage}] wrote ${event.label}: ${event.path}`;
    case 'done':
      return `[${event.stage}] done: ${event.message}${event.elapsedS ? ` in ${formatDuration(event.elapsedS)}` : ''}`;
    case 'error':
      return `[${event.stage}] error: ${event.message}${event.hint ? `\n[${event.stage}] hint: ${event.hint}` : ''}`;
  }
}

export interface RunRow {
  id: string;
  target: string;
  stage: string;
  state: RunState | { kind: 'unreachable'; message: string };
  /** ISO 8601 start time, when the run recorded one. */
  startedAt?: string;
}

/** Formats an ISO start time as local `YYYY-MM-DD HH:MM`, or `-` when missing or invalid. */
export function formatStartTime(startedAt: string | undefined): string {
  const time = startedAt ? new Date(startedAt) : undefined;
  if (!time || Number.isNaN(time.getTime())) {
    return '-';
  }
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${time.getFullYear()}-${pad(time.getMonth() + 1)}-${pad(time.getDate())} ${pad(time.getHours())}:${pad(time.getMinutes())}`;
}

export function formatRunsTable(rows: readonly RunRow[]): string {
  if (rows.length === 0) {
    return 'No runs yet. Start one with `mllm-course run <stage>`.\n';
  }
  const states = rows.map((row) => (row.state.kind === 'unreachable' ? 'unreachable' : describeRunState(row.state)));
  const idWidth = Math.max(2, ...rows.map((row) => row.id.length));
  const targetWidth = Math.max(6, ...rows.map((row) => row.target.length));
  const stageWidth = Math.max(5, ...rows.map((row) => row.stage.length));
  const starts = rows.map((row) => formatStartTime(row.startedAt));
  const startWidth = Math.max(7, ...starts.map((start) => start.length));
  const lines = [`${'STARTED'.padEnd(startWidth)}  ${'ID'.padEnd(idWidth)}  ${'TARGET'.padEnd(targetWidth)}  ${'STAGE'.padEnd(stageWidth)}  STATE`];
  rows.forEach((row, index) => {
    lines.push(`${starts[index]!.padEnd(startWidth)}  ${row.id.padEnd(idWidth)}  ${row.target.padEnd(targetWidth)}  ${row.stage.padEnd(stageWidth)}  ${states[index]}`);
  });
  return `${lines.join('\n')}\n`;
}

export function formatCancel(runId: string, target: string, result: CancelResult): string {
  if (result.alreadyEnded) {
    return `Run ${runId} on ${target} had already ended; nothing to cancel.\n`;
  }
  const lines = [`Cancelling run ${runId} on ${target}: processes ${result.pids.join(', ') || 'none'}.`];
  lines.push(`Sent ${result.signals.join(', then ') || 'no signal'} to the process group.`);
  lines.push(result.gone ? 'No process of the run is left.' : `Still running after SIGKILL: ${result.left.join(', ')}. Check them with \`ps -o pid,stat,cmd -p ${result.left.join(',')}\`.`);
  switch (result.gpu) {
    case 'released':
      lines.push('nvidia-smi lists no process of the run: its GPU memory is free.');
      break;
    case 'busy':
      lines.push(`nvidia-smi still lists processes of the run (pid:MiB ${result.gpuBusy.join(' ')}); check \`nvidia-smi\` in a minute.`);
      break;
    case 'unchecked':
      lines.push('GPU memory not checked: nvidia-smi is not available on the target.');
      break;
  }
  return `${lines.join('\n')}\n`;
}
