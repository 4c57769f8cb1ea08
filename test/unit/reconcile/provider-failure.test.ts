import { describe, expect, it } from 'vitest';
import {
  decideProviderFailure,
  type ProviderFailure,
} from '../../../src/reconcile/provider-failure.js';

const cases: {
  name: string;
  reason: string;
  failure: ProviderFailure;
  want: { reason: string; stalled: boolean; retry?: { afterMs?: number } };
  message: RegExp;
}[] = [
  {
    name: 'Throttled',
    reason: 'a 429 is retried after the delay the provider asked for',
    failure: { kind: 'Throttled', message: 'slow down', retryAfterMs: 45_000 },
    want: { reason: 'Throttled', stalled: false, retry: { afterMs: 45_000 } },
    message: /^Throttled by the identity provider: slow down$/,
  },
  {
    name: 'ThrottledNoDelay',
    reason: 'a 429 without Retry-After is retried with the key backoff (afterMs 0)',
    failure: { kind: 'Throttled', message: 'slow down' },
    want: { reason: 'Throttled', stalled: false, retry: { afterMs: 0 } },
    message: /slow down/,
  },
  {
    name: 'Unavailable',
    reason: '5xx and resets are transient: Reconciling, retried with backoff',
    failure: { kind: 'Unavailable', message: 'HTTP 503' },
    want: { reason: 'ProviderError', stalled: false, retry: {} },
    message: /^Identity provider unavailable: HTTP 503$/,
  },
  {
    name: 'Timeout',
    reason: 'a request past its deadline is transient and says it timed out',
    failure: { kind: 'Timeout', message: 'no answer within 30s' },
    want: { reason: 'ProviderError', stalled: false, retry: {} },
    message: /did not answer in time: no answer within 30s/,
  },
  {
    name: 'PermissionDenied',
    reason: 'a 403 will not pass until someone grants the permission: Stalled, no retry',
    failure: { kind: 'PermissionDenied', message: 'needs RoleManagementPolicy.Read.Directory' },
    want: { reason: 'PermissionDenied', stalled: true },
    message: /RoleManagementPolicy/,
  },
  {
    name: 'Invalid',
    reason: 'a 400 will not pass on a retry: Stalled',
    failure: { kind: 'Invalid', message: 'bad request' },
    want: { reason: 'ProviderError', stalled: true },
    message: /bad request/,
  },
  {
    name: 'NotFound',
    reason: 'a missing provider object: Stalled',
    failure: { kind: 'NotFound', message: 'no such policy' },
    want: { reason: 'ProviderError', stalled: true },
    message: /no such policy/,
  },
  {
    name: 'Config',
    reason: 'missing credentials stall until the Secret is fixed',
    failure: { kind: 'Config', message: 'Secret x has no key y' },
    want: { reason: 'CredentialsMissing', stalled: true },
    message: /Secret x/,
  },
  {
    name: 'Unexpected',
    reason: 'anything else is retried: it may be a passing fault',
    failure: { kind: 'Unexpected', message: 'socket hang up' },
    want: { reason: 'ProviderError', stalled: false, retry: {} },
    message: /^Identity provider error: socket hang up$/,
  },
];

describe('decideProviderFailure', () => {
  it.each(cases)('$name: $reason', (c) => {
    const d = decideProviderFailure(c.failure);
    expect(d.problem.reason, c.reason).toBe(c.want.reason);
    expect(d.problem.stalled, c.reason).toBe(c.want.stalled);
    expect(d.problem.message).toMatch(c.message);
    if (c.want.retry) {
      expect(d.retry?.kind).toBe('retry');
      expect(d.retry && 'afterMs' in d.retry ? d.retry.afterMs : undefined).toBe(
        c.want.retry.afterMs,
      );
    } else {
      expect(d.retry, 'stalled: the key is not retried').toBeUndefined();
    }
  });
});
