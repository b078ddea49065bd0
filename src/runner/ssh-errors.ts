/**
 * Turns ssh's exit status and stderr into one actionable error. ssh exits with 255 both when the
 * connection fails and when the remote command itself exits with 255, so the messages ssh prints on
 * stderr decide which of the two happened.
 */

export type SshFailureKind =
  | 'host-key-changed'
  | 'host-key-unknown'
  | 'unknown-host'
  | 'connection-refused'
  | 'timeout'
  | 'auth'
  | 'connection-lost'
  | 'other';

export class SshConnectionError extends Error {
  constructor(
    readonly kind: SshFailureKind,
    readonly host: string,
    message: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'SshConnectionError';
  }
}

interface Signature {
  kind: SshFailureKind;
  pattern: RegExp;
  message: (host: string) => string;
}

const SIGNATURES: readonly Signature[] = [
  {
    kind: 'host-key-changed',
    pattern: /REMOTE HOST IDENTIFICATION HAS CHANGED/,
    message: (host) =>
      `The host key of ${host} has changed since you last connected. This can mean the server was reinstalled, ` +
      `or that someone is intercepting the connection. Ask the server's administrator, and if the new key is ` +
      `expected, remove the old one with \`ssh-keygen -R <hostname>\` (the HostName of ${host}), then run ` +
      `\`mllm-course test-connection --host ${host}\` to accept the new key.`,
  },
  {
    kind: 'host-key-unknown',
    pattern: /Host key verification failed|No ED25519 host key is known|host key for .* is not known/i,
    message: (host) =>
      `ssh could not verify the host key of ${host}. Run \`mllm-course test-connection --host ${host}\` ` +
      'once to check and accept it.',
  },
  {
    kind: 'unknown-host',
    pattern: /Could not resolve hostname|Name or service not known|nodename nor servname/i,
    message: (host) =>
      `Host ${host} was not found: ssh could not resolve the name. Check the spelling, or add a Host entry ` +
      'for it to ~/.ssh/config.',
  },
  {
    kind: 'connection-refused',
    pattern: /Connection refused/i,
    message: (host) =>
      `The connection to ${host} was refused: no SSH server listens on that address and port. Check the Port ` +
      'in ~/.ssh/config and that sshd runs on the server.',
  },
  {
    kind: 'timeout',
    pattern: /timed out|Operation timed out|No route to host|Network is unreachable/i,
    message: (host) =>
      `The connection to ${host} timed out. Check that the server is up and reachable (VPN, ProxyJump in ` +
      '~/.ssh/config).',
  },
  {
    kind: 'auth',
    pattern: /Permission denied|Too many authentication failures|passphrase/i,
    message: (host) =>
      `${host} rejected the login. Run \`mllm-course test-connection --host ${host}\` to log in once ` +
      'interactively, or load your key into ssh-agent (`ssh-add`).',
  },
  {
    kind: 'connection-lost',
    pattern:
      /Connection closed by|Connection reset|Broken pipe|not responding|kex_exchange_identification|client_loop|ssh_exchange_identification/i,
    message: (host) =>
      `The connection to ${host} was lost. A run started on it goes on; attach again with \`mllm-course logs <id> --follow\`.`,
  },
];

/**
 * Returns the connection error that ssh's stderr shows, or undefined when the exit status 255 came from the
 * remote side (a command that exited 255 or was killed) rather than from ssh itself.
 */
export function classifySshFailure(host: string, exitCode: number | undefined, stderr: string): SshConnectionError | undefined {
  if (exitCode !== 255) {
    return undefined;
  }

  for (const signature of SIGNATURES) {
    if (signature.pattern.test(stderr)) {
      return new SshConnectionError(signature.kind, host, signature.message(host), stderr);
    }
  }

  // ssh prefixes its own failures with "ssh:" or "ssh_..."; a bare 255 without them is the remote command's.
  if (/^ssh[:_]/m.test(stderr)) {
    const firstLine = stderr.split('\n').find((line) => /^ssh[:_]/.test(line)) ?? stderr.trim();
    return new SshConnectionError('other', host, `ssh to ${host} failed: ${firstLine.trim()}`, stderr);
  }

  return undefined;
}
