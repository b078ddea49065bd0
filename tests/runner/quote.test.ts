import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { InvalidHostError, isValidRunId, newRunId, quote, quoteAll, validateHost } from '../../src/runner/quote.js';

describe('quote', () => {
  it.each(["plain", "it's", "a b\tc\nd", '$(id) `id` ${HOME} \\ " ; | & > <', '', "''", '-n'])('round-trips %j through sh', (value) => {
    const echoed = execFileSync('sh', ['-c', `printf '%s' ${quote(value)}`], { encoding: 'utf8' });

    expect(echoed).toBe(value);
  });

  it('joins quoted words', () => {
    expect(quoteAll(['a', "b'c"])).toBe(`'a' 'b'\\''c'`);
  });

  it('rejects a NUL byte', () => {
    expect(() => quote('a\0b')).toThrow(/NUL byte/);
  });
});

describe('validateHost', () => {
  it.each(['gpu', 'gpu-server.example.org', 'ana@10.0.0.5', 'node_7', 'fe80::1%eth0', '[::1]', 'ana@[::1]'])('accepts %s', (host) => {
    expect(validateHost(host)).toBe(host);
  });

  it.each([
    ['-oProxyCommand=sh', 'it starts with "-"'],
    ['gpu server', 'it contains whitespace'],
    ['gpu;reboot', 'it contains the character ";"'],
    ['gpu$(id)', 'it contains the character "$"'],
    ['gpu|cat', 'it contains the character "|"'],
    ['', 'the name is empty'],
    ['@host', 'the user name before "@" is empty'],
    ['user@', 'the host name after "@" is empty'],
    ['user@.host', 'the host name starts with "."'],
  ])('rejects %j: %s', (host, reason) => {
    expect(() => validateHost(host)).toThrow(InvalidHostError);
    expect(() => validateHost(host)).toThrow(reason);
  });
});

describe('run ids', () => {
  it('makes valid ids from the stage and time', () => {
    const id = newRunId('finetune', new Date('2026-12-04T19:53:01Z'));

    expect(id).toMatch(/^finetune-20261204-195301-[a-z0-9]{4}$/);
    expect(isValidRunId(id)).toBe(true);
  });

  it.each(['../x', 'finetune-2026', "finetune-20261204-195301-ab'c", ''])('rejects %j', (id) => {
    expect(isValidRunId(id)).toBe(false);
  });
});
