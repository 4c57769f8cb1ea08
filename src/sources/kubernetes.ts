// Desired state from a Kubernetes API server: one informer for PrivilegedRoles (all namespaces or one) and one for
// the cluster-scoped IdentityProviders. Stores are keyed by objectKey; a change only enqueues a key, and an update
// that changed nothing but status (the echo of a status write) not even that.
import type { Logger } from 'pino';
import type { KubeClient } from '../kube/client.js';
import {
  GROUP,
  VERSION,
  type IdentityProvider,
  type PrivilegedRole,
} from '../api/v1alpha1/types.js';
import { objectKey, type ObjectKey } from '../api/keys.js';
import { stripForCache } from './cache-transform.js';
import { isStatusOnlyChange } from './status-only-change.js';
import { MemoryStore } from './memory-store.js';
import { ResilientInformer, type InformerEvent, type InformerOptions } from '../kube/informer.js';
import type { Source, WatchedKind } from './types.js';

/** Options of a KubernetesSource. */
export interface KubernetesSourceOptions {
  /** Watch PrivilegedRoles in this namespace only (a namespaced install); all namespaces when absent. */
  namespace?: string;
  log?: Logger;
  /** Passed to both informers (backoff, watch timeout); for tests. */
  informer?: Pick<
    InformerOptions<PrivilegedRole>,
    'initialBackoffMs' | 'maxBackoffMs' | 'watchTimeoutSeconds' | 'pageSize'
  >;
}

const ROLES = 'privilegedroles';
const PROVIDERS = 'identityproviders';

/** A KubernetesSource delivers PrivilegedRoles and IdentityProviders from the API server. */
export class KubernetesSource implements Source {
  readonly roles = new MemoryStore<PrivilegedRole>();
  readonly providers = new MemoryStore<IdentityProvider>();
  /** The informers, exposed for health checks and tests. */
  readonly informers: {
    roles: ResilientInformer<PrivilegedRole>;
    providers: ResilientInformer<IdentityProvider>;
  };
  private enqueue: (kind: WatchedKind, key: ObjectKey) => void = () => undefined;
  private onAbort: (() => void) | undefined;
  private signal: AbortSignal | undefined;

  constructor(client: KubeClient, options: KubernetesSourceOptions = {}) {
    const base = `/apis/${GROUP}/${VERSION}`;
    const ns = options.namespace;
    // Both caches keep only what rolegate reads (see cache-transform), stripped as each page or event arrives.
    const common = {
      ...options.informer,
      ...(options.log ? { log: options.log } : {}),
      transform: stripForCache,
    };
    this.informers = {
      roles: new ResilientInformer<PrivilegedRole>(client, {
        ...common,
        name: ROLES,
        path: ns ? `${base}/namespaces/${encodeURIComponent(ns)}/${ROLES}` : `${base}/${ROLES}`,
      }),
      providers: new ResilientInformer<IdentityProvider>(client, {
        ...common,
        name: PROVIDERS,
        path: `${base}/${PROVIDERS}`,
      }),
    };
    this.informers.roles.on((event, obj) => this.apply('PrivilegedRole', this.roles, event, obj));
    this.informers.providers.on((event, obj) =>
      this.apply('IdentityProvider', this.providers, event, obj),
    );
  }

  /** Starts both informers and returns at once; they keep retrying until `stop()` or `signal` aborts. */
  start(enqueue: (kind: WatchedKind, key: ObjectKey) => void, signal: AbortSignal): Promise<void> {
    this.enqueue = enqueue;
    this.signal = signal;
    this.onAbort = () => void this.stop();
    signal.addEventListener('abort', this.onAbort, { once: true });
    // not awaited: start must not block, and the first list may well fail while the API server comes up
    void this.informers.roles.start();
    void this.informers.providers.start();
    return Promise.resolve();
  }

  /** Resolves once both stores hold a full list. */
  async waitForSync(signal: AbortSignal): Promise<void> {
    await Promise.all([
      this.informers.roles.waitForSync(signal),
      this.informers.providers.waitForSync(signal),
    ]);
  }

  /** Stops both informers. */
  async stop(): Promise<void> {
    if (this.onAbort) this.signal?.removeEventListener('abort', this.onAbort);
    this.onAbort = undefined;
    await Promise.all([this.informers.roles.stop(), this.informers.providers.stop()]);
  }

  private apply<T extends PrivilegedRole | IdentityProvider>(
    kind: WatchedKind,
    store: MemoryStore<T>,
    event: InformerEvent,
    obj: T,
  ): void {
    const key = objectKey(obj.metadata);
    if (event === 'delete') {
      store.delete(key);
      this.enqueue(kind, key);
      return;
    }
    const before = event === 'update' ? store.get(key) : undefined;
    store.set(key, obj);
    if (before === undefined || !isStatusOnlyChange(before, obj)) this.enqueue(kind, key);
  }
}
