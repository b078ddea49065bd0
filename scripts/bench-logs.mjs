#!/usr/bin/env node
// Pushes log lines and events through the real runner pipeline: a detached child process on this machine,
// the follower script, the frame reader, log pipeline and events parser, the live store and the Ink live
// view rendering to a counting stream. It prints throughput and peak memory. It also prints the delay
// from a line being written by the stage to it being written to the terminal. Asserts nothing: timings depend on the machine.
// Run with `npm run bench:logs` (it builds first). Needs Linux or macOS with sh, setsid and coreutils.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { render } from 'ink';
import React from 'react';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

// The CLI bundle exports nothing, so the modules under test are bundled here on their own, with the same
// esbuild the build uses. Packages stay external so that Ink and React are the copies this script imports.
const ENTRY = path.join(ROOT, 'dist', 'bench-logs-entry.mjs');
await build({
  stdin: {
    contents: [
      "export { createRunner } from './src/runner/runner.ts';",
      "export { LiveStore, MAX_LINES_PER_FRAME } from './src/ui/runner/live-store.ts';",
      "export { LiveView } from './src/ui/runner/live-view.tsx';",
    ].join('\n'),
    resolveDir: ROOT,
    loader: 'ts',
  },
  outfile: ENTRY,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  jsx: 'automatic',
  logLevel: 'warning',
});
const { createRunner, LiveStore, MAX_LINES_PER_FRAME, LiveView } = await import(ENTRY);

const LINES = Number(process.env.BENCH_LINES ?? 200_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const PACED_RATE = 5_000;
const PACED_SECONDS = Number(process.env.BENCH_PACED_SECONDS ?? 4);
const TARGETS = { linesPerSecond: 50_000, peakRssMb: 150, delayMs: 250 };

// The stage: writes `lines` log lines and `events` progress events. With a rate, it paces the lines and
// stamps each with the time it was written, so that the terminal side can measure the delay.
const STAGE = String.raw`
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
const [lines, events, rate] = process.argv.slice(2).map(Number);
const eventsFd = fs.openSync(process.env.MLLM_EVENTS_PATH, 'a');
const eventEvery = Math.max(1, Math.floor(lines / Math.max(1, events)));
let seq = 0;
function event(step) {
  seq += 1;
  return JSON.stringify({ v: 1, seq, ts: Date.now() / 1000, stage: 'finetune', kind: 'progress', step, total: events, loss: 1 / (step + 1), lr: 2e-4, eta_s: events - step }) + '\n';
}
if (!rate) {
  let logChunk = '';
  let eventChunk = '';
  for (let index = 1; index <= lines; index += 1) {
    logChunk += 'step ' + index + ' loss 0.' + (index % 1000) + ' \u001b[32mok\u001b[0m\n';
    if (index % eventEvery === 0 && seq < events) eventChunk += event(seq + 1);
    if (index % 5000 === 0) {
      process.stdout.write(logChunk);
      fs.writeSync(eventsFd, eventChunk);
      logChunk = '';
      eventChunk = '';
    }
  }
  process.stdout.write(logChunk);
  fs.writeSync(eventsFd, eventChunk);
} else {
  const perTick = rate / 100;
  let written = 0;
  const timer = setInterval(() => {
    let chunk = '';
    for (let index = 0; index < perTick && written < lines; index += 1) {
      written += 1;
      chunk += 'paced ' + written + ' t=' + Date.now() + '\n';
    }
    process.stdout.write(chunk);
    fs.writeSync(eventsFd, event(written));
    if (written >= lines) clearInterval(timer);
  }, 10);
}
`;

/** A terminal stand-in: counts bytes and, for paced runs, the delay of each stamped line it receives. */
class Terminal extends Writable {
  columns = 120;
  rows = 40;
  isTTY = true;
  bytes = 0;
  delays = [];

  _write(chunk, _encoding, callback) {
    const text = chunk.toString();
    this.bytes += text.length;
    const now = Date.now();
    for (const match of text.matchAll(/ t=(\d+)/g)) {
      this.delays.push(now - Number(match[1]));
    }
    callback();
  }
}

/** A keyboard that never types: the live view reads keys in raw mode, which a pipe does not offer. */
class IdleKeyboard extends EventEmitter {
  isTTY = true;
  setRawMode() {}
  setEncoding() {}
  read() {
    return null;
  }
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

function trackMemory() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage().rss);
  };
}

async function runOnce(work, stageFile, args) {
  const runner = createRunner('local', { workDir: work });
  const run = await runner.launch({ stage: 'finetune', command: [process.execPath, stageFile, ...args.map(String)], cwd: work });
  const store = new LiveStore();
  const terminal = new Terminal();
  const instance = render(
    React.createElement(LiveView, {
      store,
      runId: run.id,
      target: 'local',
      logPath: `${run.runDir}/log`,
      columns: terminal.columns,
      rows: terminal.rows,
      onDetach: () => {},
      onCancel: () => {},
    }),
    { stdout: terminal, stdin: new IdleKeyboard(), patchConsole: false, exitOnCtrlC: false },
  );

  let lines = 0;
  let events = 0;
  const started = performance.now();
  const handle = runner.follow(run.id, {
    onLines: (batch) => {
      lines += batch.length;
      store.addLines(batch);
    },
    onLiveLine: (line) => store.setLiveLine(line),
    onEvents: (batch) => {
      events += batch.length;
      store.addEvents(batch);
    },
  }, { coalesceProgress: true });
  const state = await handle.finished;
  store.finish(state);
  const seconds = (performance.now() - started) / 1000;
  instance.unmount();
  await instance.waitUntilExit();
  return { state, lines, events, seconds, terminal };
}

function percentile(values, fraction) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mllm-bench-logs-'));
const stageFile = path.join(work, 'stage.mjs');
fs.writeFileSync(stageFile, STAGE);

try {
  const baselineRssMb = process.memoryUsage().rss / 1024 / 1024;
  const peakOf = trackMemory();
  const burst = await runOnce(work, stageFile, [LINES, EVENTS, 0]);
  const peakRssMb = peakOf() / 1024 / 1024;
  const linesPerSecond = burst.lines / burst.seconds;

  const pacedLines = PACED_RATE * PACED_SECONDS;
  const paced = await runOnce(work, stageFile, [pacedLines, PACED_SECONDS * 100, PACED_RATE]);
  const delays = paced.terminal.delays;

  const verdict = (ok) => (ok ? 'meets target' : 'MISSES target');
  console.log(
    `Burst: ${burst.lines.toLocaleString('en-US')} lines and ${EVENTS.toLocaleString('en-US')} events in ${burst.seconds.toFixed(2)} s (${burst.state.kind}); ` +
      `${burst.events.toLocaleString('en-US')} events reached the view, the rest were progress events coalesced away`,
  );
  console.log(`  throughput  ${Math.round(linesPerSecond).toLocaleString('en-US')} lines/s  (target >= ${TARGETS.linesPerSecond.toLocaleString('en-US')}: ${verdict(linesPerSecond >= TARGETS.linesPerSecond)})`);
  console.log(`  peak RSS    ${peakRssMb.toFixed(1)} MB  (target < ${TARGETS.peakRssMb}: ${verdict(peakRssMb < TARGETS.peakRssMb)}); ${baselineRssMb.toFixed(1)} MB before the run, with Ink and React loaded`);
  console.log(`  terminal    ${(burst.terminal.bytes / 1024 / 1024).toFixed(1)} MB written (lines beyond ${MAX_LINES_PER_FRAME} per frame are skipped on screen, kept in the log)`);
  console.log(`Paced: ${paced.lines.toLocaleString('en-US')} lines at ${PACED_RATE.toLocaleString('en-US')} lines/s, ${delays.length.toLocaleString('en-US')} reached the terminal`);
  console.log(`  delay       median ${percentile(delays, 0.5)} ms, p95 ${percentile(delays, 0.95)} ms, max ${Math.max(...delays)} ms  (target < ${TARGETS.delayMs} ms at p95: ${verdict(percentile(delays, 0.95) < TARGETS.delayMs)})`);
  console.log(`Machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, ${os.platform()}`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
  // dist/ is published, and this bundle is not part of the package.
  fs.rmSync(ENTRY, { force: true });
}
