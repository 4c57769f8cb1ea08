// Which watch updates are only the echo of a status write, so that they need no reconcile.
import { jsonEqual } from '../api/json-equal.js';

/** Metadata fields the API server changes on every write, which say nothing about what changed. */
const BOOKKEEPING = new Set(['resourceVersion', 'managedFields']);

/**
 * Whether `after` differs from `before` in nothing but `status` and the server's bookkeeping
 * (`metadata.resourceVersion`, `metadata.managedFields`): what a status write — rolegate's own, mostly — looks like
 * when it comes back through the watch. Reconciling it again would find nothing to do, and at a first convergence
 * it doubled the reconciles (controller-runtime controllers filter the same updates with
 * GenerationChangedPredicate). Any other change counts: spec, labels, annotations (pause, reconcile interval),
 * finalizers, deletionTimestamp. A status someone else rewrote is put right by the provider's resync.
 */
export function isStatusOnlyChange(before: object, after: object): boolean {
  const x = before as Record<string, unknown>;
  const y = after as Record<string, unknown>;
  for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
    if (k === 'status') continue;
    if (k === 'metadata') {
      if (!sameMetadata(x[k], y[k])) return false;
    } else if (!jsonEqual(x[k], y[k])) return false;
  }
  return true;
}

function sameMetadata(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null)
    return jsonEqual(a, b);
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
    if (!BOOKKEEPING.has(k) && !jsonEqual(x[k], y[k])) return false;
  }
  return true;
}
