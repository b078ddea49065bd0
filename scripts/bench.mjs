#!/usr/bin/env node
// Measures the tutor's start-up, `read` time, memory and scroll latency, each beside a bare `node -e 0`.
// Prints medians; asserts nothing, because timings depend on the machine. Run with `npm run bench`
// (it builds first). Needs Linux: `script` (util-linux) for a pseudo-terminal and /proc for memory.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = path.join(ROOT, 'dist', 'cli.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const SCROLL_PRESSES = 30;
const WAIT_MS = 20_000;

const TARGETS = {
  firstFrameRatio: 4,
  readRatio: 3,
  scrollMs: 30,
  rssMb: 120,
};

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 0 ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle];
}

function nowMs() {
  return Number(process.hrtime.bigint()) / 1e6;
}

function timeSync(command, args, env) {
  const start = nowMs();
  const result = spawnSync(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const elapsed = nowMs() - start;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status}: ${result.stderr}`);
  }
  return elapsed;
}

/** Starts the tutor in a pseudo-terminal of 80x24 through `script`, with a helper to wait for output. */
function startInTerminal(env) {
  const command = `stty cols 80 rows 24; exec node '${CLI}'`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  const waiters = [];

  child.stdout.on('data', (chunk) => {
    output += chunk.toString();
    for (const waiter of [...waiters]) {
      if (waiter.predicate(output)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        clearTimeout(waiter.timer);
        waiter.resolve(nowMs());
      }
    }
  });

  const waitFor = (predicate, description, timeoutMs = WAIT_MS) =>
    new Promise((resolve, reject) => {
      if (predicate(output)) {
        resolve(nowMs());
        return;
      }
      const waiter = { predicate, resolve };
      waiter.timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error(`Timed out waiting for ${description}; output so far:\n${output.slice(-2000)}`));
      }, timeoutMs);
      waiters.push(waiter);
    });

  const clear = () => {
    output = '';
  };

  return { child, waitFor, clear, output: () => output };
}

/** Resident memory of the tutor's node process (the child of `script`), in MB, from /proc. */
function tutorRssMb(scriptPid) {
  const children = fs.readFileSync(`/proc/${scriptPid}/task/${scriptPid}/children`, 'utf8').trim().split(/\s+/);
  for (const pid of children) {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    if (match && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('cli.js')) {
      return Number(match[1]) / 1024;
    }
  }
  throw new Error(`No tutor process found under script (pid ${scriptPid})`);
}

async function measureSession(env) {
  const start = nowMs();
  const session = startInTerminal(env);
  const firstFrame = (await session.waitFor((text) => text.includes('Lessons read:'), 'the home screen')) - start;

  session.clear();
  session.child.stdin.write('2');
  await session.waitFor((text) => text.includes('lines 1-'), 'lesson 02');
  const rss = tutorRssMb(session.child.pid);

  // The first press is untimed and repeated until the reader scrolls, in case the reader was still loading.
  for (let attempt = 0; ; attempt += 1) {
    session.clear();
    session.child.stdin.write('j');
    try {
      await session.waitFor((text) => text.includes('lines 2-'), 'the first scroll', 500);
      break;
    } catch (error) {
      if (attempt === 10) {
        throw error;
      }
    }
  }

  const scrolls = [];
  for (let press = 2; press <= SCROLL_PRESSES; press += 1) {
    session.clear();
    const sent = nowMs();
    session.child.stdin.write('j');
    const frameAt = await session.waitFor((text) => text.includes(`lines ${press + 1}-`), `line ${press + 1}`);
    scrolls.push(frameAt - sent);
  }

  session.child.stdin.write('q');
  await new Promise((resolve) => session.child.once('exit', resolve));
  return { firstFrame, rss, scroll: median(scrolls) };
}

async function main() {
  if (!fs.existsSync(CLI)) {
    throw new Error(`${CLI} is missing; run \`npm run build\` first (npm run bench does).`);
  }
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mllm-course-bench-'));
  // Ink renders nothing until exit when CI is set, so the benchmark runs without it.
  const env = { ...process.env, MLLM_COURSE_CONFIG_DIR: configDir, TERM: 'xterm-256color', CI: '', CONTINUOUS_INTEGRATION: '' };
  delete env.CI;
  delete env.CONTINUOUS_INTEGRATION;

  try {
    const bare = [];
    const reads = [];
    const sessions = [];
    for (let run = 0; run < RUNS; run += 1) {
      bare.push(timeSync(process.execPath, ['-e', '0'], env));
      reads.push(timeSync(process.execPath, [CLI, 'read', '02'], env));
      // A fresh progress folder per session, so that lesson 02 opens at its first line every time.
      const sessionConfig = fs.mkdtempSync(path.join(configDir, 'session-'));
      sessions.push(await measureSession({ ...env, MLLM_COURSE_CONFIG_DIR: sessionConfig }));
    }

    const bareMs = median(bare);
    const readMs = median(reads);
    const firstFrameMs = median(sessions.map((session) => session.firstFrame));
    const rssMb = median(sessions.map((session) => session.rss));
    const scrollMs = median(sessions.map((session) => session.scroll));

    const rows = [
      ['bare `node -e 0`', `${bareMs.toFixed(0)} ms`, ''],
      ['first home frame', `${firstFrameMs.toFixed(0)} ms`, `${(firstFrameMs / bareMs).toFixed(1)}x bare (target < ${TARGETS.firstFrameRatio}x)`],
      ['`read 02` to exit', `${readMs.toFixed(0)} ms`, `${(readMs / bareMs).toFixed(1)}x bare (target < ${TARGETS.readRatio}x)`],
      ['keypress to frame (scroll)', `${scrollMs.toFixed(1)} ms`, `target < ${TARGETS.scrollMs} ms`],
      ['RSS with lesson 02 open', `${rssMb.toFixed(0)} MB`, `target < ${TARGETS.rssMb} MB`],
    ];

    process.stdout.write(`mllm-course bench: medians of ${RUNS} runs on ${os.cpus().length} CPUs, Node ${process.version}\n`);
    for (const [name, value, note] of rows) {
      process.stdout.write(`${name.padEnd(28)} ${value.padStart(9)}  ${note}\n`);
    }
  } finally {
    fs.rmSync(configDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error.message}\n`);
  process.exitCode = 1;
});
