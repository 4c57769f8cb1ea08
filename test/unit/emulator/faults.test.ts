import { describe, expect, it } from 'vitest';
import { FaultInjector, type FaultSpec } from '../../../src/emulator/graph/faults.js';

const APP = '00000000-0000-4000-8000-0000000000a1';
const OTHER = '00000000-0000-4000-8000-0000000000b2';

describe('FaultInjector', () => {
  it.each<{ reason: string; spec: FaultSpec; requests: number; clientId?: string; hits: number }>([
    { reason: 'a fault hits once by default', spec: { status: 429 }, requests: 3, hits: 1 },
    { reason: 'times bounds the hits', spec: { status: 429, times: 2 }, requests: 5, hits: 2 },
    {
      reason: 'untilCleared hits every request: a tenant throttled for as long as needed',
      spec: { status: 429, retryAfter: '120', untilCleared: true },
      requests: 50,
      hits: 50,
    },
    {
      reason: 'a slow tenant: every answer late until cleared',
      spec: { delayMs: 5000, untilCleared: true },
      requests: 10,
      hits: 10,
    },
    {
      reason: 'clientId narrows the fault to one application, as Graph throttles per app',
      spec: { status: 429, untilCleared: true, match: { clientId: APP.toUpperCase() } },
      requests: 4,
      clientId: APP,
      hits: 4,
    },
    {
      reason: 'another application of the tenant is not throttled',
      spec: { status: 429, untilCleared: true, match: { clientId: APP } },
      requests: 4,
      clientId: OTHER,
      hits: 0,
    },
    {
      reason: 'a request of unknown application does not match a per-application fault',
      spec: { status: 429, untilCleared: true, match: { clientId: APP } },
      requests: 2,
      hits: 0,
    },
  ])('$reason', ({ spec, requests, clientId, hits }) => {
    const f = new FaultInjector();
    f.inject(spec);
    let n = 0;
    for (let i = 0; i < requests; i++)
      if (f.take('GET', '/v1.0/roleDefinitions', false, clientId)) n++;
    expect(n).toBe(hits);
  });

  it('counts a fault until cleared as one pending firing, and clear() ends it', () => {
    const f = new FaultInjector();
    f.inject({ status: 429, untilCleared: true });
    f.take('GET', '/v1.0/x', false);
    expect(f.pending()).toBe(1);
    f.clear();
    expect(f.pending()).toBe(0);
    expect(f.take('GET', '/v1.0/x', false)).toBeUndefined();
  });

  it.each([
    { reason: 'zero times', spec: { status: 429 as const, times: 0 } },
    { reason: 'a status fault without a status', spec: { kind: 'status' as const } },
  ])('refuses a fault that could never fire: $reason', ({ spec }) => {
    expect(() => new FaultInjector().inject(spec)).toThrow();
  });
});
