import { render as inkRender } from 'ink';
import { render } from 'ink-testing-library';
import React from 'react';
import stripAnsi from 'strip-ansi';
import { describe, expect, it } from 'vitest';
import { evaluatePreflight } from '../../../src/runner/preflight.js';
import { LiveStore } from '../../../src/ui/runner/live-store.js';
import { LiveView } from '../../../src/ui/runner/live-view.js';
import { PreflightChecklist } from '../../../src/ui/runner/preflight-checklist.js';
import { RunsList } from '../../../src/ui/runner/runs-list.js';
import { FakeStdin, FakeStdout, KEYS, renderWithSize } from '../harness.js';

const RUN_ID = 'finetune-20261204-195301-abcd';
const LOG_PATH = `/home/ana/mllm-course/runs/${RUN_ID}/log`;
const base = { seq: 1, ts: 0, stage: 'finetune', nonfinite: [] };

function view(store: LiveStore, calls: string[], rows = 24): React.ReactElement {
  return (
    <LiveView
      store={store}
      runId={RUN_ID}
      target="gpu-server"
      logPath={LOG_PATH}
      columns={100}
      rows={rows}
      onDetach={() => calls.push('detach')}
      onCancel={() => calls.push('cancel')}
    />
  );
}

function setup(rows = 24) {
  const store = new LiveStore({ intervalMs: 10 });
  const calls: string[] = [];
  const harness = renderWithSize(view(store, calls, rows), 100, rows);
  return { store, calls, harness };
}

describe('LiveView', () => {
  it('shows finished lines, the live line, progress and the log path', async () => {
    const { store, harness } = setup();

    store.addLines(['loading model', 'model loaded']);
    store.setLiveLine(' 45%|####      |');
    store.addEvents([{ ...base, kind: 'progress', step: 45, total: 100, loss: 0.5, lr: 1e-4, etaS: 30 }]);
    const frame = await harness.waitFor((text) => text.includes('45/100'), 'the progress line');

    expect(frame).toContain('loading model\nmodel loaded\n');
    expect(frame).toContain(' 45%|####      |');
    expect(frame).toContain('45/100  45%  loss 0.5000  lr 1.00e-4  ETA 30s');
    expect(frame).toContain(`Full log: ${LOG_PATH}`);
    expect(frame).toContain(`▶ finetune on gpu-server, run ${RUN_ID}: running`);
    expect(frame).toContain('d detach (the run goes on) · c cancel the run');
    harness.instance.unmount();
  });

  it('writes each finished line to the terminal once', async () => {
    const store = new LiveStore({ intervalMs: 10 });
    const stdout = new FakeStdout(100, 24);
    const instance = inkRender(view(store, []), {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: new FakeStdin() as unknown as NodeJS.ReadStream,
      patchConsole: false,
      exitOnCtrlC: false,
    });
    const written = (): string => stripAnsi(stdout.frames.join(''));
    const waitUntil = async (predicate: () => boolean): Promise<void> => {
      while (!predicate()) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };

    store.addLines(['alpha']);
    await waitUntil(() => written().includes('alpha'));
    store.addLines(['beta']);
    await waitUntil(() => written().includes('beta'));
    store.setLiveLine('gamma');
    store.addLines(['delta']);
    await waitUntil(() => written().includes('delta'));
    instance.unmount();

    for (const word of ['alpha', 'beta', 'delta']) {
      expect(written().split(word).length - 1, word).toBe(1);
    }
  });

  it('notes lines skipped in a burst with the log path', async () => {
    const store = new LiveStore({ intervalMs: 10, maxLinesPerFrame: 5 });
    const harness = renderWithSize(view(store, []), 100, 24);

    store.addLines(Array.from({ length: 50 }, (_, index) => `burst ${index + 1}`));
    const frame = await harness.waitFor((text) => text.includes('burst 50'), 'the last burst line');

    expect(frame).toContain(`… 45 lines skipped here; full log: ${LOG_PATH}\nburst 46\n`);
    expect(frame).not.toContain('burst 45\n');
    harness.instance.unmount();
  });

  it('keeps the live area shorter than a small terminal', async () => {
    const { store, harness } = setup(6);

    store.addEvents([
      { ...base, kind: 'progress', step: 1, total: 2 },
      { ...base, kind: 'metric', name: 'loss', value: 1 },
      { ...base, kind: 'error', message: 'boom' },
    ]);
    store.setLiveLine('live');
    store.warn('first warning');
    const frame = await harness.waitFor((text) => text.includes('1/2'), 'the progress line');

    expect(frame.trimEnd().split('\n').length).toBeLessThanOrEqual(4);
    expect(frame).toContain('▶ finetune on gpu-server');
    harness.instance.unmount();
  });

  it('detaches on d and cancels only after confirmation', async () => {
    const { store, calls, harness } = setup();
    store.addLines(['ready']);
    await harness.waitFor((frame) => frame.includes('ready'), 'the first line');

    await harness.press('c');
    await harness.waitFor((frame) => frame.includes(`Cancel run ${RUN_ID}? y yes, cancel it · n/Esc no, keep it running`), 'the confirmation');
    await harness.press('n');
    await harness.waitFor((frame) => frame.includes('d detach'), 'the hints again');
    await harness.press('c');
    await harness.waitFor((frame) => frame.includes('y yes'), 'the confirmation again');
    await harness.press(KEYS.escape);
    await harness.waitFor((frame) => frame.includes('d detach'), 'the hints after Escape');
    expect(calls).toEqual([]);

    await harness.press('c');
    await harness.waitFor((frame) => frame.includes('y yes'), 'the third confirmation');
    await harness.press('y');
    await harness.waitFor(() => calls.length === 1, 'the cancel call');
    await harness.waitFor((frame) => frame.includes('d detach'), 'the hints after the cancel');
    await harness.press('d');
    await harness.waitFor(() => calls.length === 2, 'the detach call');
    await harness.press(KEYS.ctrlC);
    await harness.waitFor(() => calls.length === 3, 'the detach call from Ctrl-C');

    expect(calls).toEqual(['cancel', 'detach', 'detach']);
    harness.instance.unmount();
  });

  it('shows a reconnection notice until it is cleared', async () => {
    const { store, harness } = setup();

    store.setNotice('Connection to gpu-server lost; reconnecting (attempt 1 of 5). The run goes on.');
    await harness.waitFor((frame) => frame.includes('… Connection to gpu-server lost; reconnecting (attempt 1 of 5)'), 'the notice');
    store.setNotice(undefined);
    store.addLines(['back again']);
    const frame = await harness.waitFor((text) => text.includes('back again'), 'the next line');

    expect(frame).not.toContain('reconnecting');
    harness.instance.unmount();
  });

  it('shows the final state', async () => {
    const { store, harness } = setup();

    store.finish({ kind: 'failed', exitCode: 3 });
    const frame = await harness.waitFor((text) => text.includes('failed'), 'the final state');

    expect(frame).toContain(`✗ run on gpu-server, run ${RUN_ID}: failed (exit 3:`);
    expect(frame).toContain('The run has ended.');
    harness.instance.unmount();
  });
});

describe('LiveView after a detach', () => {
  it('says detached without the ended note', async () => {
    const { store, harness } = setup();

    store.finish('detached');
    const frame = await harness.waitFor((text) => text.includes(': detached'), 'the detached state');

    expect(frame).toContain(`⏏ run on gpu-server, run ${RUN_ID}: detached`);
    expect(frame).not.toContain('The run has ended.');
    harness.instance.unmount();
  });
});

describe('PreflightChecklist and RunsList', () => {
  it('renders checks with glyph, word and next step', () => {
    const report = evaluatePreflight(
      'gpu-server',
      {
        'nvidia-smi-gpus': { text: '0, Tesla V100-SXM2-32GB, 32510, 0, 32183\n', rc: 0 },
        'nvidia-smi-apps': { text: '', rc: 0 },
        python: { text: 'python3.12 3.12.4\n', rc: 0 },
        disk: { text: '/srv\n/dev/sda 100000000 0 100000000 0% /srv\n', rc: 0 },
        tools: { text: 'setsid yes\ntar yes\nbash yes\nflock yes\nuv yes\n', rc: 0 },
      },
      { gpu: true, diskBytes: 1 },
    );

    const { lastFrame, unmount } = render(<PreflightChecklist report={report} />);
    const frame = lastFrame() ?? '';

    expect(frame).toContain('Preflight on gpu-server');
    expect(frame).toContain('✓ ok       NVIDIA driver and GPUs');
    expect(frame).toContain('✗ failed   GPU with at least 40 GB');
    expect(frame).toContain('Next: Use a server with an A100 40/80 GB');
    expect(frame).toContain('✗ A required check failed.');
    unmount();
  });

  it('lists runs with their state', () => {
    const { lastFrame, unmount } = render(
      <RunsList
        selected={1}
        rows={[
          { id: 'prepare-20261204-100000-aaaa', target: 'local', stage: 'prepare', state: { kind: 'succeeded', exitCode: 0 } },
          { id: 'finetune-20261204-110000-bbbb', target: 'gpu', stage: 'finetune', state: { kind: 'running' } },
          { id: '-', target: 'old-host', stage: '-', state: { kind: 'unreachable', message: 'refused' } },
        ]}
      />,
    );
    const frame = lastFrame() ?? '';

    expect(frame).toContain('  prepare-20261204-100000-aaaa   local     ✓ succeeded');
    expect(frame).toContain('› finetune-20261204-110000-bbbb  gpu       ▶ running');
    expect(frame).toContain('? unreachable');
    unmount();
  });
});
