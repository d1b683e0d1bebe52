import { describe, expect, it } from 'vitest';
import { backoffDelay, isRetryableNetworkError, isRetryableStatus, parseRetryAfter } from '../../../src/adapters/http/retry-policy.js';
import { createRedactor } from '../../../src/adapters/http/redact.js';

const now = new Date('2026-11-20T12:00:00Z');

describe('retry policy', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 0.5 ', now)).toBe(500);
    expect(parseRetryAfter('Fri, 20 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Fri, 20 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('retries 429 and 5xx only', () => {
    expect([429, 500, 502, 503, 504, 599].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409, 422, 301].some(isRetryableStatus)).toBe(false);
  });

  it('recognises transport failures, also inside a cause', () => {
    expect(isRetryableNetworkError(Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' }))).toBe(true);
    expect(isRetryableNetworkError(new Error('x', { cause: Object.assign(new Error('y'), { code: 'ECONNRESET' }) }))).toBe(true);
    expect(isRetryableNetworkError(Object.assign(new Error('x'), { code: 'ENOTFOUND' }))).toBe(false);
    expect(isRetryableNetworkError(new TypeError('bad'))).toBe(false);
  });

  it('never waits longer than the ceiling', () => {
    for (let retry = 1; retry <= 20; retry += 1) {
      expect(backoffDelay(retry, 500, 30_000, () => 0.9999999)).toBeLessThan(30_000);
    }
    expect(backoffDelay(3, 500, 30_000, () => 0.5)).toBe(1000);
    expect(backoffDelay(1, 500, 30_000, () => 0)).toBe(0);
  });
});

describe('redactor', () => {
  it('masks every occurrence, longest secret first', () => {
    const redact = createRedactor(['abc', 'abcdef', '']);
    expect(redact('key abcdef and abc and abcdefabc')).toBe('key *** and *** and ******');
  });
});
