// Desired state from a Kubernetes API server: one informer for PrivilegedRoles (all namespaces or one) and one for
// the cluster-scoped IdentityProviders. Stores are keyed by objectKey; a change only enqueues a key, and an update
// that changed nothing but status (the echo of a status write) not even that.
//
// A sharded source (a label selector of IdentityProviders) lists and watches only its providers, and its role
// store holds only the PrivilegedRoles whose providerRef names one of them: the others are never reconciled, so
// their status is never written here. A role moves in or out of the store, and is enqueued, when its providerRef
// changes or when its provider enters or leaves the shard (relabelled, created, deleted); leaving the store reads
// as gone to the reconciler, which forgets the role without writing.
//
// A provider this shard selects but a live shard ranked before it selects too (overlapping selectors, see
// ShardPeers) is withheld: kept aside, out of the store, with its roles, and reported once through
// `onShardConflict`; it comes back into the store when that shard goes or stops selecting it.
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
import { StringInterner } from './string-interner.js';
import { isStatusOnlyChange } from './status-only-change.js';
import { MemoryStore } from './memory-store.js';
import { ResilientInformer, type InformerEvent, type InformerOptions } from '../kube/informer.js';
import type { Source, WatchedKind } from './types.js';
import type { PeerShard, Shard } from './shard.js';
import { matchesLabels } from '../kube/label-selector.js';

/** Options of a KubernetesSource. */
export interface KubernetesSourceOptions {
  /** Watch PrivilegedRoles in this namespace only (a namespaced install); all namespaces when absent. */
  namespace?: string;
  log?: Logger;
  /** Own only this shard's IdentityProviders and their PrivilegedRoles; the whole estate when absent. */
  shard?: Shard;
  /** Sharded only: the other live shards, which a provider selected by one of them too may belong to. */
  peers?: {
    outranking(labels: Readonly<Record<string, string>> | undefined): PeerShard | undefined;
  };
  /** Sharded only: a provider this shard selects is withheld because `peer` takes it. */
  onShardConflict?: (idp: IdentityProvider, peer: PeerShard) => void;
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
  private readonly shard: Shard | undefined;
  /**
   * Sharded only: every PrivilegedRole listed, in this shard or not, by the provider it names, so that a
   * provider entering the shard brings its roles into the store without a list.
   */
  private readonly byProvider = new Map<string, Map<ObjectKey, PrivilegedRole>>();
  /** The provider each role of `byProvider` is filed under. */
  private readonly indexedUnder = new Map<ObjectKey, string>();
  /** Sharded only: providers this shard selects that a live shard ranked before it takes, by name. */
  private readonly withheld = new Map<string, IdentityProvider>();
  private readonly peers: KubernetesSourceOptions['peers'];
  private readonly onShardConflict: KubernetesSourceOptions['onShardConflict'];

  constructor(client: KubeClient, options: KubernetesSourceOptions = {}) {
    const base = `/apis/${GROUP}/${VERSION}`;
    const ns = options.namespace;
    this.shard = options.shard;
    this.peers = options.peers;
    this.onShardConflict = options.onShardConflict;
    // Both caches keep only what rolegate reads (see cache-transform), stripped as each page or event arrives,
    // with their strings shared (see string-interner).
    const interner = new StringInterner();
    const common = {
      ...options.informer,
      ...(options.log ? { log: options.log } : {}),
      transform: <T>(obj: T): T => interner.internAll(stripForCache(obj)),
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
        ...(this.shard ? { labelSelector: this.shard.selector } : {}),
      }),
    };
    if (this.shard) {
      this.informers.roles.on((event, obj) => this.applyShardRole(event, obj));
      this.informers.providers.on((event, obj) => this.applyShardProvider(event, obj));
    } else {
      this.informers.roles.on((event, obj) => this.apply('PrivilegedRole', this.roles, event, obj));
      this.informers.providers.on((event, obj) =>
        this.apply('IdentityProvider', this.providers, event, obj),
      );
    }
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

  /** A PrivilegedRole event in a sharded source: into the store only while its provider is in the shard. */
  private applyShardRole(event: InformerEvent, role: PrivilegedRole): void {
    const key = objectKey(role.metadata);
    const before = this.roles.get(key);
    this.index(key, event === 'delete' ? undefined : role);
    const mine = event !== 'delete' && this.providers.get(providerOf(role)) !== undefined;
    if (mine) {
      this.roles.set(key, role);
      if (before === undefined || !isStatusOnlyChange(before, role))
        this.enqueue('PrivilegedRole', key);
    } else if (before !== undefined) {
      // deleted, or its providerRef now names a provider of another shard (or of none)
      this.roles.delete(key);
      this.enqueue('PrivilegedRole', key);
    }
  }

  /**
   * Sharded only: decides again, for every provider this shard selects, whether another shard takes it; called
   * when the live shards changed.
   */
  recheckPeers(): void {
    if (!this.shard) return;
    for (const idp of [...this.providers.list(), ...this.withheld.values()])
      this.applyShardProvider('update', idp);
  }

  /**
   * An IdentityProvider event in a sharded source. The API server reports a provider relabelled out of the
   * selector as deleted and one relabelled into it as added; its roles follow it out of or into the store.
   */
  private applyShardProvider(event: InformerEvent, idp: IdentityProvider): void {
    const name = idp.metadata.name;
    // The API server filters by the selector; a provider that does not match anyway is never written here.
    const selected =
      event !== 'delete' && matchesLabels(this.shard?.requirements ?? [], idp.metadata.labels);
    const peer = selected ? this.peers?.outranking(idp.metadata.labels) : undefined;
    if (peer) {
      if (!this.withheld.has(name)) this.onShardConflict?.(idp, peer);
      this.withheld.set(name, idp);
    } else {
      this.withheld.delete(name);
    }
    const mine = selected && peer === undefined;
    const had = this.providers.get(name) !== undefined;
    if (!mine && !had) return;
    this.apply('IdentityProvider', this.providers, mine ? event : 'delete', idp);
    if (mine === had) return;
    for (const [key, role] of this.byProvider.get(name) ?? []) {
      if (mine) this.roles.set(key, role);
      else this.roles.delete(key);
      this.enqueue('PrivilegedRole', key);
    }
  }

  /** Keeps `byProvider` in step with the listed roles (`role` undefined: deleted). */
  private index(key: ObjectKey, role: PrivilegedRole | undefined): void {
    const old = this.indexedUnder.get(key);
    if (old !== undefined) {
      const group = this.byProvider.get(old);
      group?.delete(key);
      if (group?.size === 0) this.byProvider.delete(old);
    }
    if (role === undefined) {
      this.indexedUnder.delete(key);
      return;
    }
    const p = providerOf(role);
    this.indexedUnder.set(key, p);
    const group = this.byProvider.get(p) ?? new Map<ObjectKey, PrivilegedRole>();
    group.set(key, role);
    this.byProvider.set(p, group);
  }
}

function providerOf(role: PrivilegedRole): string {
  return role.spec?.providerRef?.name ?? '';
}
