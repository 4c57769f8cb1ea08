// Retry-After is a promise to the server: nothing goes to it before the time it named, from any caller. A gate
// per provider endpoint (base URL and tenant or realm) holds the time until which requests wait; every client
// of that endpoint in the process shares it, so a second reconcile, another role or a rebuilt client does not
// send the request the server just refused.

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
