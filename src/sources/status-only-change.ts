// Which watch updates are only the echo of a status write, so that they need no reconcile.
import { jsonEqual } from '../api/json-equal.js';

/**
 * Whether `after` differs from `before` in nothing but `status` and the server's bookkeeping
 * (`metadata.resourceVersion`, `metadata.managedFields`): what a status write — rolegate's own, mostly — looks like
 * when it comes back through the watch. Reconciling it again would find nothing to do, and at a first convergence
 * it doubled the reconciles (controller-runtime controllers filter the same updates with
 * GenerationChangedPredicate). Any other change counts: spec, labels, annotations (pause, reconcile interval),
 * finalizers, deletionTimestamp. A status someone else rewrote is put right by the provider's resync.
 */
export function isStatusOnlyChange(before: object, after: object): boolean {
  return jsonEqual(withoutStatus(before), withoutStatus(after));
}

/** The object with what a status write changes set to undefined, which jsonEqual counts as absent. */
function withoutStatus(o: object): object {
  const metadata = (o as { metadata?: object }).metadata;
  return {
    ...o,
    status: undefined,
    metadata: { ...metadata, resourceVersion: undefined, managedFields: undefined },
  };
}
