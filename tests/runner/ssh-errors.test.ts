import { describe, expect, it } from 'vitest';
import { classifySshFailure } from '../../src/runner/ssh-errors.js';

describe('classifySshFailure', () => {
  it.each([
    ['@@@@@@@@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n', 'host-key-changed'],
    ['Host key verification failed.\n', 'host-key-unknown'],
    ['ssh: Could not resolve hostname gpu: Name or service not known\n', 'unknown-host'],
    ['ssh: connect to host 127.0.0.1 port 2222: Connection refused\n', 'connection-refused'],
    ['ssh: connect to host 10.1.1.1 port 22: Connection timed out\n', 'timeout'],
    ['root@gpu: Permission denied (publickey).\n', 'auth'],
    ['Connection closed by 10.0.0.5 port 22\n', 'connection-lost'],
    ['Timeout, server gpu not responding.\n', 'connection-lost'],
    ['ssh: something new happened\n', 'other'],
  ])('classifies %j', (stderr, kind) => {
    expect(classifySshFailure('gpu', 255, stderr)?.kind).toBe(kind);
  });

  it('leaves a remote exit status 255 to the caller', () => {
    expect(classifySshFailure('gpu', 255, 'the remote command printed this\n')).toBeUndefined();
  });

  it('ignores other exit statuses', () => {
    expect(classifySshFailure('gpu', 1, 'Connection refused')).toBeUndefined();
  });

  it('tells how to fix a changed host key', () => {
    const error = classifySshFailure('gpu', 255, 'WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!');

    expect(error?.message).toContain('`ssh-keygen -R <hostname>`');
    expect(error?.message).toContain('`mllm-course test-connection --host gpu`');
  });
});
