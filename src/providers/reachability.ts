// Whether each provider endpoint is answering, for readiness: an endpoint that has answered nothing (only
// deadlines passed or connections failed) for a long time makes the controller not ready, so that a stalled
// provider shows in `/readyz` and in the rollout, not only in conditions. Any HTTP answer, an error status
// included, counts as answering: that is a different fault, reported through conditions.

interface Streak {
  /** When the first unanswered request of the current streak failed. */
  since: number;
  failures: number;
}

const failing = new Map<string, Streak>();

/** Records that `endpoint` answered (any HTTP status). */
export function recordAnswer(endpoint: string): void {
  failing.delete(endpoint);
}

/** Records that a request to `endpoint` got no answer (deadline, refused or reset connection). */
export function recordNoAnswer(endpoint: string, now = Date.now()): void {
  const s = failing.get(endpoint);
  if (s) s.failures++;
  else failing.set(endpoint, { since: now, failures: 1 });
}

/** The endpoints that have answered nothing for longer than `ms` (and at least twice), oldest first. */
export function unansweredFor(ms: number, now = Date.now()): string[] {
  return [...failing.entries()]
    .filter(([, s]) => s.failures >= 2 && now - s.since > ms)
    .sort((a, b) => a[1].since - b[1].since)
    .map(([e]) => e);
}
