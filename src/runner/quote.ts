/**
 * POSIX shell quoting and target name checks. Every value placed into a remote command or script goes
 * through `quote`, so that a host name, path or run id cannot end a string and start a command.
 */

/** Quotes a value for a POSIX shell: single quotes, with each `'` written as `'\''`. */
export function quote(value: string): string {
  if (value.includes('\0')) {
    throw new Error(`cannot pass a value containing a NUL byte to a shell: ${JSON.stringify(value)}`);
  }
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Quotes each value and joins them with spaces, for a command line. */
export function quoteAll(values: readonly string[]): string {
  return values.map(quote).join(' ');
}

/** Name of the target that runs stages on this machine instead of over SSH. */
export const LOCAL_TARGET = 'local';

// Letters, digits and the characters that user@host, host aliases, IPv4 and IPv6 addresses (with a zone
// after `%`, or in brackets) need.
const HOST_CHARACTER = /[A-Za-z0-9._@:%[\]-]/;
const MAX_HOST_LENGTH = 255;

export class InvalidHostError extends Error {
  constructor(readonly host: string, reason: string) {
    super(
      `Invalid host ${JSON.stringify(host)}: ${reason}. Use a name from ~/.ssh/config or user@hostname, ` +
        'made of letters, digits and . _ - @ : % [ ] only.',
    );
    this.name = 'InvalidHostError';
  }
}

/**
 * Checks a host as the user typed it. A leading `-` would be read by ssh as an option, and whitespace
 * or shell metacharacters have no place in a host name, so both are rejected before ssh runs. In
 * `user@host`, ssh splits at the last `@`, so neither side of it may be empty.
 */
export function validateHost(host: string): string {
  if (host.length === 0) {
    throw new InvalidHostError(host, 'the name is empty');
  }
  if (host.length > MAX_HOST_LENGTH) {
    throw new InvalidHostError(host.slice(0, 40) + '…', `the name is longer than ${MAX_HOST_LENGTH} characters`);
  }
  if (host.startsWith('-')) {
    throw new InvalidHostError(host, 'it starts with "-", which ssh would read as an option');
  }
  const invalid = [...host].find((character) => !HOST_CHARACTER.test(character));
  if (invalid !== undefined) {
    const description = /\s/.test(invalid) ? 'whitespace' : `the character ${JSON.stringify(invalid)}`;
    throw new InvalidHostError(host, `it contains ${description}, which a host name cannot contain`);
  }
  const at = host.lastIndexOf('@');
  if (at === 0) {
    throw new InvalidHostError(host, 'the user name before "@" is empty');
  }
  if (at === host.length - 1) {
    throw new InvalidHostError(host, 'the host name after "@" is empty');
  }
  if (/^[.:%]/.test(host.slice(at + 1))) {
    throw new InvalidHostError(host, `the host name starts with ${JSON.stringify(host[at + 1])}`);
  }
  return host;
}

const RUN_ID_PATTERN = /^[a-z]+-\d{8}-\d{6}-[a-z0-9]{4}$/;

/** Checks a run id such as `finetune-20261204-195301-k3x9`; the id becomes part of a remote path. */
export function isValidRunId(id: string): boolean {
  return RUN_ID_PATTERN.test(id);
}

/** Makes a new run id from the stage name and the start time (UTC). */
export function newRunId(stage: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const suffix = Math.random().toString(36).slice(2, 6).padEnd(4, '0');
  const name = stage.toLowerCase().replace(/[^a-z]/g, '') || 'run';
  return `${name}-${stamp}-${suffix}`;
}
