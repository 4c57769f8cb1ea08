// Errors a writer raises when the object it wrote about has moved on. They are normal in a level-based
// controller (someone edited the object, or deleted it, between read and write): the controller requeues the key
// without logging an error or counting a failure, and the next reconcile reads the new state.
import { KubeApiError } from '../kube/api-error.js';

/** Why a write was refused as stale. */
export type StaleReason = 'Conflict' | 'NotFound';

/** A StaleObjectError says a write was refused because the object changed (409) or is gone (404). */
export class StaleObjectError extends Error {
  override readonly name = 'StaleObjectError';
  constructor(
    readonly reason: StaleReason,
    /** The kind and key of the object, e.g. PrivilegedRole team-a/global-admin. */
    readonly object: string,
    options?: { cause?: unknown },
  ) {
    super(
      reason === 'Conflict'
        ? `${object} changed since it was read; requeue to reconcile the new version`
        : `${object} no longer exists`,
      options,
    );
  }
}

/** Runs one API-server write, turning 409 and 404 into a StaleObjectError about `what`. */
export async function guardStale(what: string, write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (err) {
    if (err instanceof KubeApiError && err.code === 409)
      throw new StaleObjectError('Conflict', what, { cause: err });
    if (err instanceof KubeApiError && err.code === 404)
      throw new StaleObjectError('NotFound', what, { cause: err });
    throw err;
  }
}

/** True for a StaleObjectError, or a raw API 409/404 from a write: both mean "requeue silently". */
export function isStale(err: unknown): boolean {
  return (
    err instanceof StaleObjectError ||
    (err instanceof KubeApiError && (err.code === 409 || err.code === 404))
  );
}

/** True when a write lost an optimistic-concurrency race (HTTP 409 Conflict). */
export function isConflict(err: unknown): boolean {
  return (
    (err instanceof StaleObjectError && err.reason === 'Conflict') ||
    (err instanceof KubeApiError && err.code === 409)
  );
}

/**
 * True when the API server refused a write for lack of permission (HTTP 403): unlike a stale write it will not
 * pass on a retry until someone changes the controller's RBAC, so the controller reports it.
 */
export function isForbidden(err: unknown): boolean {
  const cause = err instanceof Error ? err.cause : undefined;
  return (
    (err instanceof KubeApiError && err.code === 403) ||
    (cause instanceof KubeApiError && cause.code === 403)
  );
}
