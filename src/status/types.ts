// Where status goes: the /status subresource in Kubernetes mode, a report in directory mode.
import type {
  IdentityProvider,
  IdentityProviderStatus,
  PrivilegedRole,
  PrivilegedRoleStatus,
} from '../api/v1alpha1/types.js';

/** A StatusWriter persists computed status. Callers only call it when the status changed. */
export interface StatusWriter {
  writeRole(
    role: PrivilegedRole,
    status: PrivilegedRoleStatus,
    signal?: AbortSignal,
  ): Promise<void>;
  writeProvider(
    provider: IdentityProvider,
    status: IdentityProviderStatus,
    signal?: AbortSignal,
  ): Promise<void>;
}

/** Something that happened to an object, for humans (Kubernetes Events, or log lines in directory mode). */
export interface ObjectEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  /** Deterministic: no times, no request ids, so identical events can be deduplicated. */
  note: string;
  /** What was done: Detect, Update, Refuse, Observe. */
  action: string;
}

/** An EventRecorder records events about an object, deduplicating repeats. */
export interface EventRecorder {
  record(object: PrivilegedRole | IdentityProvider, event: ObjectEvent): void;
  /** Waits until recorded events are sent (shutdown, tests). */
  flush(): Promise<void>;
}

/**
 * A FinalizerWriter adds or removes rolegate's finalizer (RESET_FINALIZER) on a PrivilegedRole. It touches
 * `metadata.finalizers` only, never spec; removing the last finalizer of a deleted object lets it go.
 */
export interface FinalizerWriter {
  setFinalizer(role: PrivilegedRole, present: boolean, signal?: AbortSignal): Promise<void>;
}
