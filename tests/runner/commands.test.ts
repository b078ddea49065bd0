import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GPU_RUNNER_DIR_ENV, SSH_CONFIG_ENV } from '../../src/commands/runner.js';
import { runCli } from '../../src/program.js';
import { ProgressStore } from '../../src/progress/store.js';
import { RUNNER_EXIT, RUNNER_EXIT_HELP } from '../../src/runner/exit-codes.js';
import { Capture, runPlain } from './cli-io.js';
import { FakeGpuBin } from './fake-gpu.js';
import { FIXTURES, killRunGroups, livePidsOfGroup, tempDir, waitFor } from './helpers.js';
import { HOST_ALIAS, SshdHarness, skipSshTests } from './sshd-harness.js';

const root = tempDir('cli');
const fakeBin = new FakeGpuBin(path.join(root, 'bin'));
const work = path.join(root, 'work');
const configDir = path.join(root, 'config');
const TOKEN = 'hf_commandTestToken0123456789';

const env: NodeJS.ProcessEnv = {
  PATH: fakeBin.pathWithFirst(),
  HOME: process.env.HOME,
  MLLM_COURSE_CONFIG_DIR: configDir,
  MLLM_COURSE_PYTHON312: fakeBin.python,
  HF_HOME: path.join(root, 'hf-home'),
  HF_TOKEN: TOKEN,
  // The Hub check of `run` stays offline here; the tests that need it point HF_ENDPOINT at a local stand-in.
  HF_HUB_OFFLINE: '1',
  [GPU_RUNNER_DIR_ENV]: path.join(FIXTURES, 'gpu-runner'),
};

function runIdFrom(output: string): string {
  const id = /Started run (\S+) /.exec(output)?.[1];
  if (!id) {
    throw new Error(`no run id in output:\n${output}`);
  }
  return id;
}

// A test that fails before its own cancel would leave its detached stage running after the folder is gone.
afterEach(() => {
  killRunGroups(root);
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('runner commands on this machine', () => {
  it('runs a stage after the preflight and records it', async () => {
    fakeBin.use('h100-80gb');

    const result = await runPlain(['run', 'finetune', '--smoke', '--work-dir', work], env);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(RUNNER_EXIT.ok);
    expect(result.stdout).toContain('Preflight on local');
    expect(result.stdout).toContain('✓ ok       GPU with at least 40 GB');
    expect(result.stdout).toContain('  venv.sh: environment ready');
    expect(result.stdout).toContain('[finetune] start: fixture finetune (smoke=True)');
    expect(result.stdout).toContain(`out ${work}/out`);
    expect(result.stdout).toContain('token file mode 0o600');
    expect(result.stdout).toContain('[finetune] step 5/5  loss 0.2000  lr 2.00e-4  ETA 0s');
    expect(result.stdout).toMatch(/Run finetune-\S+: succeeded\.\n$/);
    expect(result.stdout).not.toContain(TOKEN);

    const store = ProgressStore.open({ cwd: configDir });
    const id = runIdFrom(result.stdout);
    expect(store.data.runs.find((run) => run.id === id)).toMatchObject({ target: 'local', stage: 'finetune', workDir: work });
    expect(store.data.targets.last).toBe('local');
    expect(fs.readFileSync(path.join(store.path!), 'utf8')).not.toContain(TOKEN);
  });

  it('stops before launch when a preflight check fails', async () => {
    fakeBin.use('v100-32gb');
    const before = ProgressStore.open({ cwd: configDir }).data.runs.length;

    const result = await runPlain(['run', 'finetune', '--work-dir', work], env);

    expect(result.code).toBe(RUNNER_EXIT.preflight);
    expect(result.stdout).toContain('✗ failed   GPU with at least 40 GB');
    expect(result.stdout).toContain('Next: Use a server with an A100 40/80 GB');
    expect(result.stdout).toContain('A required check failed.\n');
    expect(result.stderr).toBe('The stage was not started. Fix the failed checks above, or pass --force to start anyway.\n');
    expect(ProgressStore.open({ cwd: configDir }).data.runs.length).toBe(before);
  });

  it('exits 1 with the stage error for a failing stage', async () => {
    fakeBin.use('h100-80gb');

    const result = await runPlain(['run', 'infer', '--work-dir', work], env);

    expect(result.code).toBe(RUNNER_EXIT.failed);
    expect(result.stdout).toContain('[infer] error: no GPU with bf16\n[infer] hint: use an A100 or H100');
    expect(result.stdout).toMatch(/: failed \(exit 3: an environment problem/);
  });

  it('runs all stages in order and stops at the first failure', async () => {
    fakeBin.use('h100-80gb');

    const result = await runPlain(['run', 'all', '--work-dir', work], env);
    const started = [...result.stdout.matchAll(/Started run \S+ \((\w+)\)/g)].map((match) => match[1]);

    expect(result.code).toBe(RUNNER_EXIT.failed);
    expect(started).toEqual(['prepare', 'finetune', 'infer']);
    expect(result.stdout).toMatch(/Run infer-\S+: failed \(exit 3/);
  });

  it('rejects --detach with all', async () => {
    const result = await runPlain(['run', 'all', '--detach', '--work-dir', work], env);

    expect(result.code).toBe(RUNNER_EXIT.usage);
    expect(result.stderr).toBe('error: --detach cannot be used with "all", which starts each stage after the previous one ends.\n');
  });

  it('detaches, lists, prints logs and cancels', async () => {
    fakeBin.use('h100-80gb');
    const started = await runPlain(['run', 'evaluate', '--detach', '--work-dir', work], env);
    expect(started.code).toBe(RUNNER_EXIT.ok);
    const id = runIdFrom(started.stdout);
    const runDir = path.join(work, 'runs', id);
    expect(await waitFor(() => fs.readFileSync(path.join(runDir, 'log'), 'utf8').includes('evaluating 3'))).toBe(true);

    const runs = await runPlain(['runs'], env);
    expect(runs.code).toBe(RUNNER_EXIT.ok);
    expect(runs.stdout).toMatch(new RegExp(`${id}\\s+local\\s+evaluate\\s+running`));

    const logs = await runPlain(['logs', id], env);
    expect(logs.code).toBe(RUNNER_EXIT.ok);
    expect(logs.stdout).toContain('evaluating 0\nevaluating 1\nevaluating 2\n');
    expect(logs.stderr).toBe(`Run ${id} on local: running.\n`);

    const pgid = Number(fs.readFileSync(path.join(runDir, 'pgid'), 'utf8'));
    const cancelled = await runPlain(['cancel', id], env);
    expect(cancelled.code).toBe(RUNNER_EXIT.ok);
    expect(cancelled.stdout).toContain('Sent INT to the process group.');
    expect(cancelled.stdout).toContain('No process of the run is left.');
    expect(livePidsOfGroup(pgid)).toEqual([]);

    const followed = await runPlain(['logs', id, '--follow'], env);
    expect(followed.code).toBe(RUNNER_EXIT.cancelled);
    expect(followed.stderr).toBe(`Run ${id} on local: cancelled.\n`);
  });

  it('lists runs newest first with their start time', async () => {
    const listed = path.join(root, 'listed');
    const runs = [
      { id: 'evaluate-20261204-100000-aaaa', stage: 'evaluate', startedAt: '2026-12-04T10:00:00.000Z' },
      { id: 'prepare-20261204-120000-bbbb', stage: 'prepare', startedAt: '2026-12-04T12:00:00.000Z' },
      { id: 'finetune-20261204-110000-cccc', stage: 'finetune', startedAt: '2026-12-04T11:00:00.000Z' },
      { id: 'infer-20261204-090000-dddd', stage: 'infer' },
    ];
    for (const run of runs) {
      fs.mkdirSync(path.join(listed, 'runs', run.id), { recursive: true });
      fs.writeFileSync(path.join(listed, 'runs', run.id, 'meta.json'), `${JSON.stringify(run)}\n`);
      fs.writeFileSync(path.join(listed, 'runs', run.id, 'exit_code'), '0\n');
    }

    const result = await runPlain(['runs', '--host', 'local', '--work-dir', listed], env);
    const lines = result.stdout.trimEnd().split('\n');

    expect(result.code).toBe(RUNNER_EXIT.ok);
    expect(lines[0]).toMatch(/^STARTED\s+ID\s+TARGET\s+STAGE\s+STATE$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/).find((word) => /^[a-z]+-\d{8}-/.test(word)))).toEqual([
      'prepare-20261204-120000-bbbb',
      'finetune-20261204-110000-cccc',
      'evaluate-20261204-100000-aaaa',
      'infer-20261204-090000-dddd',
    ]);
    expect(lines[1]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}  prepare-/);
    expect(lines[4]).toMatch(/^-\s+infer-/);
  });

  it('starts the status line of logs on its own line', async () => {
    const listed = path.join(root, 'unterminated');
    const id = 'finetune-20261204-130000-eeee';
    const runDir = path.join(listed, 'runs', id);
    fs.mkdirSync(runDir, { recursive: true });
    fs.writeFileSync(path.join(runDir, 'meta.json'), `${JSON.stringify({ id, stage: 'finetune' })}\n`);
    fs.writeFileSync(path.join(runDir, 'log'), 'error: input not found\nhint: run prepare first.');
    fs.writeFileSync(path.join(runDir, 'exit_code'), '2\n');

    const result = await runPlain(['logs', id, '--host', 'local', '--work-dir', listed], env);

    expect(result.stdout).toBe('error: input not found\nhint: run prepare first.\n');
    expect(result.stderr).toMatch(new RegExp(`^Run ${id} on local: failed`));
  });

  it.each([
    [['run', 'bogus'], 'error: unknown stage "bogus"; expected one of prepare, finetune, infer, evaluate, all.\n'],
    [['cancel', 'evaluate-20200101-000000-none'], 'error: Run "evaluate-20200101-000000-none" was not found on local. List the runs with `mllm-course runs`.\n'],
    [['logs', '../../etc'], 'error: Run "../../etc" was not found on local. List the runs with `mllm-course runs`.\n'],
  ])('rejects %j with exit 2', async (args, message) => {
    const result = await runPlain(args, env);

    expect(result.code).toBe(RUNNER_EXIT.usage);
    expect(result.stderr).toBe(message);
  });

  it.each([
    ['', '--out is empty'],
    ['   ', '--out is empty'],
    ['.', 'is the work folder itself'],
    ['../escape', 'leaves the work folder'],
    ['out/../..', 'leaves the work folder'],
    ['x'.repeat(300), 'a folder name of 300 bytes'],
  ])('rejects --out %j with exit 2', async (out, reason) => {
    const before = ProgressStore.open({ cwd: configDir }).data.runs.length;

    const result = await runPlain(['run', 'prepare', '--work-dir', work, '--out', out], env);

    expect(result.code).toBe(RUNNER_EXIT.usage);
    expect(result.stderr).toContain(reason);
    expect(ProgressStore.open({ cwd: configDir }).data.runs.length).toBe(before);
  });

  it('accepts an absolute --out', async () => {
    fakeBin.use('h100-80gb');
    const out = path.join(root, 'absolute-out');

    const result = await runPlain(['run', 'prepare', '--work-dir', work, '--out', out], env);

    expect(result.code).toBe(RUNNER_EXIT.ok);
    expect(result.stdout).toContain(`out ${out}\n`);
  });

  it('rejects a host with shell metacharacters before ssh runs', async () => {
    const result = await runPlain(['run', 'finetune', '--host', 'gpu;touch /tmp/mllm-cli-pwned'], env);

    expect(result.code).toBe(RUNNER_EXIT.usage);
    expect(result.stderr).toContain('Invalid host "gpu;touch /tmp/mllm-cli-pwned": it contains the character ";", which a host name cannot contain.');
    expect(fs.existsSync('/tmp/mllm-cli-pwned')).toBe(false);
  });

  it('prints the doctor report with terminal facts', async () => {
    fakeBin.use('a100-pcie-40gb');

    const result = await runPlain(['doctor', '--work-dir', work, '--no-hub'], env);

    expect(result.code).toBe(RUNNER_EXIT.ok);
    expect(result.stdout).not.toContain('Hugging Face');
    expect(result.stdout).toMatch(/^mllm-course \d+\.\d+\.\d+\nNode v\d+/);
    expect(result.stdout).toContain('TTY: stdin no, stdout no');
    expect(result.stdout).toContain('Mode: plain, colour no');
    expect(result.stdout).toContain('GPU 0: NVIDIA A100-PCIE-40GB, 40,536 MiB total (≈40 GB class), 40,109 MiB free');
    expect(result.stdout).toContain('Size: 100 columns x 30 rows (stdout is not a terminal, so COLUMNS and LINES or the defaults apply)');
  });

  it('reports the terminal size from stderr when stdout is piped', async () => {
    const stdout = new Capture();
    const stderr = Object.assign(new Capture(), { isTTY: true, columns: 60, rows: 40 });

    await runCli(['node', 'mllm-course', 'doctor', '--work-dir', work, '--no-hub'], {
      stdout,
      stderr,
      env,
      mode: { interactive: false, color: false, columns: 80, rows: 24 },
    });

    expect(stdout.text).toContain('Size: 80 columns x 24 rows (stdout is not a terminal, so COLUMNS and LINES or the defaults apply; the terminal on stderr is 60 columns x 40 rows)');
  });
});

describe('Hugging Face check against a stand-in Hub', () => {
  let server: http.Server;
  let endpoint: string;
  const requests: string[] = [];

  beforeAll(async () => {
    // A stand-in Hub on 127.0.0.1 that rejects every token, so that the section has something to report.
    server = http.createServer((request, response) => {
      requests.push(request.url ?? '');
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'Invalid credentials in Authorization header' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('adds the hub section without changing the exit code', async () => {
    fakeBin.use('h100-80gb');

    const result = await runPlain(['doctor', '--work-dir', work], { ...env, HF_HUB_OFFLINE: undefined, HF_ENDPOINT: endpoint });

    expect(result.code).toBe(RUNNER_EXIT.ok);
    expect(result.stdout).toMatch(/\nHugging Face: (warning|error)\n/);
    expect(result.stdout).not.toContain(TOKEN);
    expect(requests.length).toBeGreaterThan(0);
  });

  it('stops a run whose token the Hub rejects', async () => {
    fakeBin.use('h100-80gb');
    const before = ProgressStore.open({ cwd: configDir }).data.runs.length;

    const result = await runPlain(['run', 'prepare', '--host', 'local', '--work-dir', work], { ...env, HF_HUB_OFFLINE: undefined, HF_ENDPOINT: endpoint });

    expect(result.stdout).toContain('Hugging Face: error');
    expect(result.stdout).not.toContain(TOKEN);
    expect(result.code).toBe(RUNNER_EXIT.preflight);
    expect(result.stderr).toBe('The stage was not started. Fix the failed checks above, or pass --force to start anyway.\n');
    expect(ProgressStore.open({ cwd: configDir }).data.runs.length).toBe(before);
  });
});

describe.skipIf(skipSshTests())('runner commands over ssh', () => {
  let harness: SshdHarness;
  let sshEnv: NodeJS.ProcessEnv;
  const remoteWork = path.join(root, 'remote-work');

  beforeAll(async () => {
    harness = await SshdHarness.start({
      sessionEnv: { PATH: fakeBin.pathWithFirst('/usr/local/bin:/usr/bin:/bin'), MLLM_COURSE_PYTHON312: fakeBin.python },
    });
    sshEnv = { ...env, [SSH_CONFIG_ENV]: harness.clientConfig };
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it('runs a stage on the host, remembers it and lists its runs', async () => {
    fakeBin.use('h100-80gb');

    const result = await runPlain(['run', 'prepare', '--host', HOST_ALIAS, '--work-dir', remoteWork], sshEnv);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(RUNNER_EXIT.ok);
    expect(result.stdout).toContain(`Preflight on ${HOST_ALIAS}`);
    expect(result.stdout).toMatch(/Copied gpu-runner \(\d+ files\) to /);
    expect(result.stdout).toContain('token file mode 0o600');
    const id = runIdFrom(result.stdout);
    const store = ProgressStore.open({ cwd: configDir });
    expect(store.data.targets.hosts).toContain(HOST_ALIAS);
    expect(store.data.targets.workDirs[HOST_ALIAS]).toBe(remoteWork);

    const runs = await runPlain(['runs'], sshEnv);
    expect(runs.stdout).toMatch(new RegExp(`${id}\\s+${HOST_ALIAS}\\s+prepare\\s+succeeded`));

    const logs = await runPlain(['logs', id], sshEnv);
    expect(logs.stdout).toContain(`out ${remoteWork}/out`);
  });

  it('runs on the last target and its work folder by default', async () => {
    fakeBin.use('h100-80gb');

    const result = await runPlain(['run', 'prepare'], sshEnv);

    expect(result.code).toBe(RUNNER_EXIT.ok);
    expect(result.stdout).toContain(`Target: ${HOST_ALIAS}, the last one used (pass --host to choose another, --host local for this machine).`);
    expect(result.stdout).toContain(`gpu-runner is up to date in ${remoteWork}/gpu-runner/`);
    expect(result.stdout).toMatch(new RegExp(`Started run prepare-\\S+ \\(prepare\\) on ${HOST_ALIAS}\\.`));
  });

  it('runs the interactive connection test once the key is known', async () => {
    const result = await runPlain(['test-connection', '--host', HOST_ALIAS], sshEnv);

    expect(result.code).toBe(RUNNER_EXIT.ok);
    expect(result.stdout).toMatch(/mllm-course: connected to \S+ as root/);
  });

  it('reports a refused connection with exit 4', async () => {
    const result = await runPlain(['runs', '--host', 'mllm-test-refused'], sshEnv);

    expect(result.code).toBe(RUNNER_EXIT.connection);
    expect(result.stderr).toContain('The connection to mllm-test-refused was refused');
  });
});

describe('runner command help', () => {
  it.each([
    ['run', RUNNER_EXIT_HELP.run],
    ['runs', RUNNER_EXIT_HELP.runs],
    ['logs', RUNNER_EXIT_HELP.logs],
    ['cancel', RUNNER_EXIT_HELP.cancel],
    ['test-connection', RUNNER_EXIT_HELP.testConnection],
  ])('lists the exit codes for %s', async (command, table) => {
    const result = await runPlain([command, '--help'], env);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(table.trim());
  });

  it.each(['runs', 'logs', 'cancel', 'test-connection'])('omits the codes of run for %s', async (command) => {
    const result = await runPlain([command, '--help'], env);

    expect(result.stdout).not.toContain('a preflight check failed');
    expect(result.stdout).not.toContain('unknown stage');
  });

  it('shows --host of test-connection as required', async () => {
    const result = await runPlain(['test-connection', '--help'], env);

    expect(result.stdout).toContain('(required)');
    expect(result.stdout).not.toContain('`local` is this machine');
  });

  it.each([
    ['@host', 'the user name before "@" is empty'],
    ['user@', 'the host name after "@" is empty'],
  ])('rejects --host %j with exit 2', async (host, reason) => {
    const result = await runPlain(['runs', '--host', host], env);

    expect(result.code).toBe(RUNNER_EXIT.usage);
    expect(result.stderr).toContain(reason);
  });
});
