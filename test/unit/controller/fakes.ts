// In-memory fakes of rolegate's own interfaces (store, status writer, event recorder, finalizer writer, provider
// client), for driving the reconcilers in unit tables. The stores are the real MemoryStore; writes go back into
// them as a source would deliver the written object.
import pino from 'pino';
import {
  API_VERSION,
  type IdentityProvider,
  type IdentityProviderStatus,
  type PrivilegedRole,
  type PrivilegedRoleSpec,
  type PrivilegedRoleStatus,
} from '../../../src/api/v1alpha1/types.js';
import { useRequirement, type LiveRole, type RoleLookup } from '../../../src/api/observation.js';
import { live, type LiveOver } from '../reconcile/fixtures.js';
import { objectKey } from '../../../src/api/keys.js';
import type { Action } from '../../../src/reconcile/action.js';
import type { ProviderError } from '../../../src/providers/types.js';
import {
  type ActionResult,
  type ProviderClient,
  type ProviderSnapshot,
  type RoleReference,
} from '../../../src/providers/types.js';
import { MemoryStore } from '../../../src/sources/memory-store.js';
import type {
  EventRecorder,
  FinalizerWriter,
  ObjectEvent,
  StatusWriter,
} from '../../../src/status/types.js';
import { KubeApiError } from '../../../src/kube/api-error.js';
import { newController } from '../../../src/controller/controller.js';
import { ProviderRegistry } from '../../../src/controller/provider-registry.js';
import type { Source, WatchedKind } from '../../../src/sources/types.js';

export const GA = '62e90394-69f5-4237-9190-012177145e10';
export const T0 = '2026-01-01T00:00:00Z';

/** Global Administrator without MFA, with `over` applied (see the reconcile fixtures). */
export const liveRole = (over: LiveOver = {}): LiveRole => live({ handle: 'p1', ...over });

/** A PrivilegedRole on provider `tenant`, requiring MFA on Global Administrator by id, with `spec` applied. */
export function role(
  name: string,
  spec: Partial<PrivilegedRoleSpec> = {},
  meta: Partial<PrivilegedRole['metadata']> = {},
): PrivilegedRole {
  return {
    apiVersion: API_VERSION,
    kind: 'PrivilegedRole',
    metadata: { name, namespace: 'identity', creationTimestamp: T0, generation: 1, ...meta },
    spec: { providerRef: { name: 'tenant' }, role: { id: GA }, mfaRequired: true, ...spec },
  };
}

/** The IdentityProvider `tenant`. */
export function provider(name = 'tenant'): IdentityProvider {
  return {
    apiVersion: API_VERSION,
    kind: 'IdentityProvider',
    metadata: { name, generation: 1 },
    spec: {
      entra: {
        tenantId: '8f3d1c52-6a4e-4b0f-9d21-7c5e2a9b4f10',
        credentials: { type: 'Emulator' },
      },
    } as IdentityProvider['spec'],
  };
}

/** A provider client over an in-memory set of roles. */
export class FakeClient implements ProviderClient {
  readonly kind = 'entra' as const;
  roles = new Map<string, LiveRole>([[GA, liveRole()]]);
  snapshots = 0;
  applied: Action[][] = [];
  /** Thrown by the next snapshot() calls while set. */
  snapshotError: unknown;
  /** Returned for every action by apply() while set. */
  applyError: ProviderError | undefined;
  /** When set, apply() reports success but does not change the role (a write that does not stick). */
  ignoreWrites = false;
  /**
   * When set, apply() finds each setting already as wanted (someone corrected it after the snapshot was read):
   * the role changes, and the result says nothing was written.
   */
  alreadyAsWanted = false;
  defaultMfa = true;

  snapshot(): Promise<ProviderSnapshot> {
    this.snapshots++;
    if (this.snapshotError) return Promise.reject(this.snapshotError);
    const roles = [...this.roles.values()];
    const resolve = (ref: RoleReference): RoleLookup => {
      const r = roles.find((x) =>
        ref.id !== undefined
          ? x.roleId === ref.id.toLowerCase()
          : x.roleDisplayName === ref.displayName,
      );
      return r ? { kind: 'Found', role: r } : { kind: 'NotFound', message: 'no such role' };
    };
    return Promise.resolve({ observedAt: T0, resolve, roles: () => roles });
  }

  apply(actions: readonly Action[]): Promise<ActionResult[]> {
    this.applied.push([...actions]);
    return Promise.resolve(
      actions.map((action): ActionResult => {
        if (this.applyError) return { action, ok: false, error: this.applyError };
        const before = this.roles.get(action.roleId)!;
        const after =
          action.kind === 'SetMfa' && !this.ignoreWrites
            ? {
                ...before,
                requirements: [useRequirement('Eligible', action.switchName, action.enabled)],
              }
            : before;
        this.roles.set(action.roleId, after);
        return this.alreadyAsWanted
          ? { action, ok: true, role: after, unchanged: true }
          : { action, ok: true, role: after };
      }),
    );
  }

  defaultMfaRequired(): boolean {
    return this.defaultMfa;
  }
}

/** Status writes, Events and finalizer changes, written back into the stores. */
export class Recorder implements StatusWriter, EventRecorder, FinalizerWriter {
  events: (ObjectEvent & { key: string })[] = [];
  roleWrites = 0;
  providerWrites = 0;
  finalizerWrites: { key: string; present: boolean }[] = [];
  /** When set, status writes fail with this HTTP status. */
  refuseStatus: number | undefined;

  constructor(
    private readonly roles: MemoryStore<PrivilegedRole>,
    private readonly providers: MemoryStore<IdentityProvider>,
  ) {}

  writeRole(r: PrivilegedRole, status: PrivilegedRoleStatus): Promise<void> {
    this.refuse();
    this.roleWrites++;
    this.roles.set(objectKey(r.metadata), { ...r, status });
    return Promise.resolve();
  }
  writeProvider(p: IdentityProvider, status: IdentityProviderStatus): Promise<void> {
    this.refuse();
    this.providerWrites++;
    this.providers.set(p.metadata.name, { ...p, status });
    return Promise.resolve();
  }
  record(o: PrivilegedRole | IdentityProvider, e: ObjectEvent): void {
    this.events.push({ ...e, key: objectKey(o.metadata) });
  }
  flush(): Promise<void> {
    return Promise.resolve();
  }
  setFinalizer(r: PrivilegedRole, present: boolean): Promise<void> {
    const key = objectKey(r.metadata);
    this.finalizerWrites.push({ key, present });
    const finalizers = present ? ['rolegate.io/reset-to-default'] : [];
    if (!present && r.metadata.deletionTimestamp) this.roles.delete(key);
    else this.roles.set(key, { ...r, metadata: { ...r.metadata, finalizers } });
    return Promise.resolve();
  }
  private refuse(): void {
    if (this.refuseStatus !== undefined)
      throw new KubeApiError(this.refuseStatus, { reason: 'Forbidden' }, 'PUT /status');
  }
}

/** A source over two MemoryStores that enqueues what it is told to at start. */
export class FakeSource implements Source {
  readonly roles = new MemoryStore<PrivilegedRole>();
  readonly providers = new MemoryStore<IdentityProvider>();
  /** The kinds whose keys are enqueued at start (the rest must arrive through watches). */
  enqueueAtStart: WatchedKind[] = ['PrivilegedRole', 'IdentityProvider'];
  start(enqueue: (kind: WatchedKind, key: string) => void): Promise<void> {
    if (this.enqueueAtStart.includes('PrivilegedRole'))
      for (const k of this.roles.keys()) enqueue('PrivilegedRole', k);
    return Promise.resolve();
  }
  waitForSync(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
}

/** A controller over the fakes; `invalid` names objects whose validation fails. */
export function harness(opts: { invalid?: string[]; allowWeakening?: boolean } = {}) {
  const source = new FakeSource();
  const client = new FakeClient();
  let builds = 0;
  const registry = new ProviderRegistry(
    () => {
      builds++;
      return Promise.resolve(client);
    },
    { get: () => Promise.resolve('') },
    0,
  );
  const rec = new Recorder(source.roles, source.providers);
  const invalid = new Set(opts.invalid ?? []);
  const built = newController(
    source,
    {
      registry,
      status: rec,
      events: rec,
      finalizers: rec,
      log: pino({ level: 'silent' }),
      options: { allowWeakening: opts.allowWeakening ?? false, defaultResyncMs: 60_000 },
      now: () => new Date('2026-01-02T00:00:00Z'),
      problems: (o) => (invalid.has(o.metadata.name) ? ['/spec: invalid for this test'] : []),
    },
    { workers: 2, jitter: 0 },
  );
  const conditions = (key: string): string[] =>
    (source.roles.get(key)?.status?.conditions ?? []).map(
      (c) => `${c.type}=${c.status} ${c.reason}`,
    );
  return { source, client, registry, rec, ...built, conditions, builds: () => builds };
}
