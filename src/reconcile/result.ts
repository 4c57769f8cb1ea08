// Pure. What a reconcile tells the loop about its key, as controller-runtime's Result does: done (optionally
// looked at again after a while, the resync), or retried with per-key backoff because something may recover.

/** What the worker does with a key after reconciling it. */
export type Result =
  { kind: 'done'; requeueAfterMs?: number } | { kind: 'retry'; afterMs?: number; error: string };

/** Done; looked at again after `requeueAfterMs` when given. */
export function done(requeueAfterMs?: number): Result {
  return requeueAfterMs === undefined ? { kind: 'done' } : { kind: 'done', requeueAfterMs };
}

/** Retried with the key's backoff, or after `afterMs` when the provider asked for longer. */
export function retry(error: string, afterMs?: number): Result {
  return afterMs === undefined ? { kind: 'retry', error } : { kind: 'retry', afterMs, error };
}
