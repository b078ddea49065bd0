/**
 * A real OpenSSH server on 127.0.0.1 for the SSH runner tests, with its own host key, client key,
 * authorized_keys and sshd_config in a temporary folder, plus an ssh client config (`-F`) that names it
 * by host alias the way a user's ~/.ssh/config would. The client config allows nothing but this server:
 * no agent, no other identity, its own known_hosts.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const SSHD_PATH = '/usr/sbin/sshd';
/** Host alias of the harness server in the client config. */
export const HOST_ALIAS = 'mllm-test-gpu';
/** Alias whose port has no listener, for the refused-connection case. */
export const REFUSED_ALIAS = 'mllm-test-refused';
/** Alias whose host name cannot resolve (the .invalid top-level domain never exists). */
export const UNKNOWN_ALIAS = 'mllm-test-unknown';

export function sshdAvailable(): boolean {
  return fs.existsSync(SSHD_PATH) && process.getuid?.() === 0;
}

/**
 * Skips the SSH tests on a developer machine without sshd or root. In CI (`CI` set) they run anyway, so that
 * a missing openssh-server fails the build instead of hiding the tests.
 */
export function skipSshTests(): boolean {
  return !sshdAvailable() && !process.env.CI;
}

/** Finds a free TCP port on 127.0.0.1 by binding port 0 and closing it again. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface SshdHarnessOptions {
  /** Environment set for every session (sshd's SetEnv), such as PATH with a fake nvidia-smi first. */
  sessionEnv?: Record<string, string>;
}

export class SshdHarness {
  readonly dir: string;
  readonly configFile: string;
  readonly clientConfig: string;
  readonly knownHosts: string;
  port = 0;
  #process: ChildProcess | undefined;
  #stderr = '';

  private constructor(private readonly options: SshdHarnessOptions) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mllm-sshd-'));
    this.configFile = path.join(this.dir, 'sshd_config');
    this.clientConfig = path.join(this.dir, 'ssh_config');
    this.knownHosts = path.join(this.dir, 'known_hosts');
  }

  static async start(options: SshdHarnessOptions = {}): Promise<SshdHarness> {
    const harness = new SshdHarness(options);
    await harness.#setUp();
    await harness.#launch();
    return harness;
  }

  async #setUp(): Promise<void> {
    this.port = await freePort();
    const refusedPort = await freePort();
    this.#generateHostKey();
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'mllm-test-client', '-f', path.join(this.dir, 'client_key')]);
    fs.copyFileSync(path.join(this.dir, 'client_key.pub'), path.join(this.dir, 'authorized_keys'));
    // sshd refuses to start without its privilege separation folder.
    fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

    const sessionEnv = Object.entries(this.options.sessionEnv ?? {})
      .map(([name, value]) => `${name}=${value}`)
      .join(' ');
    fs.writeFileSync(
      this.configFile,
      [
        `Port ${this.port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${path.join(this.dir, 'host_key')}`,
        `PidFile ${path.join(this.dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${path.join(this.dir, 'authorized_keys')}`,
        'AuthenticationMethods publickey',
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        `AllowUsers ${os.userInfo().username}`,
        'UsePAM no',
        'StrictModes no',
        'X11Forwarding no',
        'AllowTcpForwarding no',
        'AllowAgentForwarding no',
        'PrintMotd no',
        'MaxStartups 100',
        'MaxSessions 100',
        'LogLevel VERBOSE',
        ...(sessionEnv ? [`SetEnv ${sessionEnv}`] : []),
        '',
      ].join('\n'),
    );

    const common = [
      `  User ${os.userInfo().username}`,
      `  IdentityFile ${path.join(this.dir, 'client_key')}`,
      '  IdentitiesOnly yes',
      '  IdentityAgent none',
      `  UserKnownHostsFile ${this.knownHosts}`,
      '  GlobalKnownHostsFile /dev/null',
      '  ControlMaster no',
    ];
    fs.writeFileSync(
      this.clientConfig,
      [
        `Host ${HOST_ALIAS}`,
        '  HostName 127.0.0.1',
        `  Port ${this.port}`,
        ...common,
        `Host ${REFUSED_ALIAS}`,
        '  HostName 127.0.0.1',
        `  Port ${refusedPort}`,
        ...common,
        `Host ${UNKNOWN_ALIAS}`,
        '  HostName no-such-host.invalid',
        ...common,
        // Every other name resolves nowhere useful and has no key, so a mistyped alias cannot reach a real host.
        'Host *',
        '  HostName 127.0.0.1',
        `  Port ${refusedPort}`,
        ...common,
        '',
      ].join('\n'),
    );
  }

  #generateHostKey(): void {
    const key = path.join(this.dir, 'host_key');
    fs.rmSync(key, { force: true });
    fs.rmSync(`${key}.pub`, { force: true });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'mllm-test-host', '-f', key]);
  }

  async #launch(): Promise<void> {
    this.#stderr = '';
    const child = spawn(SSHD_PATH, ['-D', '-e', '-f', this.configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.#process = child;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      // Keep only the end: the log is for a failure message, and a long test run must not grow it.
      this.#stderr = (this.#stderr + text).slice(-20_000);
    });

    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        throw new Error(`sshd exited with ${child.exitCode} before listening: ${this.#stderr}`);
      }
      if (await canConnect(this.port)) {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`sshd did not listen on 127.0.0.1:${this.port} within 15 s: ${this.#stderr}`);
  }

  /** Stops the server, gives it a new host key and starts it again on the same port. */
  async regenerateHostKey(): Promise<void> {
    await this.#kill();
    this.#generateHostKey();
    await this.#launch();
  }

  get log(): string {
    return this.#stderr;
  }

  async #kill(): Promise<void> {
    const child = this.#process;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      return;
    }
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    // The listener can outlive the parent for a moment; wait until the port is free again.
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && (await canConnect(this.port))) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<void> {
    await this.#kill();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
