// The contract between where desired state comes from (a Kubernetes API server or a directory of YAML) and the
// controller. Sources only enqueue keys; the reconciler reads the current object from the store.
import type { IdentityProvider, PrivilegedRole } from '../api/v1alpha1/types.js';
import type { ObjectKey } from '../api/keys.js';
import type { SourceProblem } from '../reconcile/source-problem.js';

/** A read-only view of the objects a source currently holds. */
export interface Store<T> {
  get(key: ObjectKey): T | undefined;
  list(): readonly T[];
  /** Adds a secondary index (see MemoryStore); stores without one are scanned instead. */
  addIndex?(name: string, fn: (obj: T) => string[]): void;
  /** The objects whose index `name` has `value`. */
  byIndex?(name: string, value: string): T[];
}

/** The kinds a source delivers. */
export type WatchedKind = 'PrivilegedRole' | 'IdentityProvider';

/** A problem with one object that a source found before the reconciler ever saw it (directory mode). */
export interface SourceIssue {
  key: ObjectKey;
  message: string;
}

/** A Source delivers desired state. `start` must not block; `waitForSync` resolves once the stores are full. */
export interface Source {
  readonly roles: Store<PrivilegedRole>;
  readonly providers: Store<IdentityProvider>;
  start(enqueue: (kind: WatchedKind, key: ObjectKey) => void, signal: AbortSignal): Promise<void>;
  waitForSync(signal: AbortSignal): Promise<void>;
  stop(): Promise<void>;
  /**
   * The file an object comes from when that file cannot be used now (unreadable, or no longer parses): the
   * object in the store is the file's last good content. Sources without files (Kubernetes) leave it out.
   */
  sourceProblem?(kind: WatchedKind, key: ObjectKey): SourceProblem | undefined;
}
