// Retry-After is a promise to the server: nothing goes to it before the time it named, from any caller. A gate
// per provider endpoint (base URL and tenant or realm) holds the time until which requests wait; every client
// of that endpoint in the process shares it, so a second reconcile, another role or a rebuilt client does not
// send the request the server just refused.

import { ProviderError } from './types.js';
import { sleepUnlessAborted } from '../util/sleep.js';

const gates = new Map<string, number>();

/** The gate key of an endpoint: its base URL plus what the server throttles by (tenant, realm, application). */
export function gateKey(baseUrl: string, partition: string): string {
  return `${baseUrl.replace(/\/+$/, '').toLowerCase()} ${partition}`;
}

/** Closes the gate of `key` for `ms` from now (never shortens a longer pause already in force). */
export function holdGate(key: string, ms: number, now = Date.now()): void {
  if (!(ms > 0)) return;
  const until = now + ms;
  if ((gates.get(key) ?? 0) < until) gates.set(key, until);
}

/** How long requests to `key` must still wait (0 when the gate is open). */
export function gateWaitMs(key: string, now = Date.now()): number {
  const until = gates.get(key);
  if (until === undefined) return 0;
  if (until <= now) {
    gates.delete(key);
    return 0;
  }
  return until - now;
}

/**
 * Waits while the gate of `key` is closed (whoever received the Retry-After). A pause longer than `maxInPlaceMs`
 * is not slept through: it becomes a Throttled error carrying the time left, which the reconciler requeues at.
 * `request` names the call in that error (`Graph GET /path`). Rejects with the abort reason if `signal` aborts.
 */
export async function waitForGate(
  key: string,
  maxInPlaceMs: number,
  request: string,
  signal?: AbortSignal,
): Promise<void> {
  const wait = gateWaitMs(key);
  if (wait === 0) return;
  if (wait > maxInPlaceMs) {
    throw new ProviderError(
      'Throttled',
      `${request}: not sent, the server asked to wait ${Math.ceil(wait / 1000)} s more (Retry-After)`,
      { retryAfterMs: wait, code: 'RetryAfter' },
    );
  }
  await sleepUnlessAborted(wait, signal ?? new AbortController().signal);
  signal?.throwIfAborted();
}
