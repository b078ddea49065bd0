import { describe, expect, it } from 'vitest';
import { classifyFailure, networkErrorReason, type HubFailure } from '../../src/hub/classify.js';

const withToken = { tokenSent: true, canReadGatedRepos: null };
const withoutToken = { tokenSent: false, canReadGatedRepos: null };

function failure(status: number, errorCode: string | null, message = ''): HubFailure {
  return { status, errorCode, message };
}

describe('classifyFailure', () => {
  it.each([
    [failure(404, 'RepoNotFound'), withToken, 'not-found'],
    [failure(404, 'EntryNotFound'), withToken, 'path-missing'],
    [failure(401, null, 'Invalid credentials in Authorization header'), withToken, 'invalid-token'],
    [failure(401, 'RepoNotFound', 'Repository not found'), withoutToken, 'not-found'],
    [failure(401, 'GatedRepo', 'Access to model x/y is restricted. Please log in.'), withoutToken, 'needs-token'],
    [failure(403, 'GatedRepo', 'Access to model x/y is restricted and you are not in the authorized list.'), withToken, 'not-accepted'],
    [failure(403, 'GatedRepo', 'Your request to access model x/y is awaiting a review from the repo authors.'), withToken, 'pending'],
    [failure(403, null, 'Please enable access to public gated repositories in your fine-grained token settings'), withToken, 'fine-grained'],
    [failure(403, null, 'Forbidden'), { tokenSent: true, canReadGatedRepos: false }, 'fine-grained'],
    [failure(403, null, 'This repository is disabled'), withToken, 'error'],
    [failure(500, null, 'Internal Error'), withToken, 'error'],
  ] as const)('classifies %o', (input, context, expected) => {
    expect(classifyFailure(input, context)).toBe(expected);
  });
});

describe('networkErrorReason', () => {
  it('recognises a refused connection', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    expect(networkErrorReason(new TypeError('fetch failed', { cause }))).toBe('connect ECONNREFUSED 127.0.0.1:9');
  });

  it('recognises a DNS failure', () => {
    const cause = Object.assign(new Error('getaddrinfo ENOTFOUND hub.invalid'), { code: 'ENOTFOUND' });
    expect(networkErrorReason(new TypeError('fetch failed', { cause }))).toContain('ENOTFOUND');
  });

  it('recognises a timeout', () => {
    const error = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(networkErrorReason(error)).toContain('timed out');
  });

  it('ignores other errors', () => {
    expect(networkErrorReason(new Error('Api error with status 500'))).toBeNull();
    expect(networkErrorReason('text')).toBeNull();
  });
});
