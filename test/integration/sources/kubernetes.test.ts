// The Kubernetes source against a real API server: it fills its stores, enqueues every change, and keeps going
// after its watch is dropped and after the API server itself restarts.
import { randomBytes } from 'node:crypto';
import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { GROUP, VERSION } from '../../../src/api/v1alpha1/types.js';
import { KubernetesSource } from '../../../src/sources/kubernetes.js';
import type { WatchedKind } from '../../../src/sources/types.js';
import {
  eventually,
  kubeClient,
  kubeConfig,
  startApiServer,
  stopApiServer,
  uniqueNamespace,
} from '../../harness/kube-client.js';
import {
  createProvider,
  createRole,
  providerManifest,
  roleManifest,
} from '../../harness/rolegate-objects.js';

const g = { group: GROUP, version: VERSION, plural: 'privilegedroles' };
let source: KubernetesSource | undefined;
afterEach(async () => {
  await source?.stop();
  source = undefined;
});

async function started(namespace?: string): Promise<{ src: KubernetesSource; seen: string[] }> {
  const seen: string[] = [];
  const src = new KubernetesSource(kubeClient(), {
    ...(namespace ? { namespace } : {}),
    informer: { initialBackoffMs: 100, maxBackoffMs: 1000 },
  });
  source = src;
  await src.start(
    (kind: WatchedKind, key) => seen.push(`${kind}:${key}`),
    new AbortController().signal,
  );
  await src.waitForSync(AbortSignal.timeout(30_000));
  return { src, seen };
}

describe('KubernetesSource', () => {
  it('lists what exists, then sees create, update and delete', async () => {
    const kc = kubeConfig();
    const api = kc.makeApiClient(CustomObjectsApi);
    const ns = await uniqueNamespace('source');
    await createRole(kc, roleManifest(ns, 'before'));
    const { src, seen } = await started(ns);
    expect(src.roles.get(`${ns}/before`)?.spec.mfaRequired).toBe(true);
    expect(seen).toContain(`PrivilegedRole:${ns}/before`);

    await createRole(kc, roleManifest(ns, 'after'));
    await eventually(() => expect(src.roles.get(`${ns}/after`)).toBeDefined());

    await api.patchNamespacedCustomObject(
      { ...g, namespace: ns, name: 'after', body: { spec: { mfaRequired: false } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await eventually(() => expect(src.roles.get(`${ns}/after`)?.spec.mfaRequired).toBe(false));

    const before = seen.length;
    await api.deleteNamespacedCustomObject({ ...g, namespace: ns, name: 'after' });
    await eventually(() => expect(src.roles.get(`${ns}/after`)).toBeUndefined());
    expect(seen.slice(before)).toEqual([`PrivilegedRole:${ns}/after`]);
    expect(src.roles.list().map((r) => r.metadata.name)).toEqual(['before']);
  });

  it('caches a status-only update without enqueuing it; a metadata change is enqueued', async () => {
    const kc = kubeConfig();
    const api = kc.makeApiClient(CustomObjectsApi);
    const ns = await uniqueNamespace('echo');
    await createRole(kc, roleManifest(ns, 'r'));
    const { src, seen } = await started(ns);
    const key = `${ns}/r`;
    const before = seen.length;
    // what rolegate's own status write looks like when it comes back through the watch
    await api.patchNamespacedCustomObjectStatus(
      { ...g, namespace: ns, name: 'r', body: { status: { observedGeneration: 1 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await eventually(() => expect(src.roles.get(key)?.status?.observedGeneration).toBe(1));
    expect(seen.slice(before)).toEqual([]);
    // an annotation (pause, reconcile interval) changes no generation, but must be reconciled
    await api.patchNamespacedCustomObject(
      {
        ...g,
        namespace: ns,
        name: 'r',
        body: { metadata: { annotations: { 'rolegate.io/paused': 'true' } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await eventually(() => expect(seen.slice(before)).toEqual([`PrivilegedRole:${key}`]));
  });

  it('watches all namespaces and the cluster-scoped IdentityProviders', async () => {
    const kc = kubeConfig();
    const [a, b] = [await uniqueNamespace('all'), await uniqueNamespace('all')];
    const { src, seen } = await started();
    await createRole(kc, roleManifest(a, 'r'));
    await createRole(kc, roleManifest(b, 'r'));
    const idp = `idp-${randomBytes(3).toString('hex')}`;
    await createProvider(kc, providerManifest(idp));
    await eventually(() => {
      expect(src.roles.get(`${a}/r`)).toBeDefined();
      expect(src.roles.get(`${b}/r`)).toBeDefined();
      expect(src.providers.get(idp)?.spec.entra?.credentials.type).toBe('Environment');
    });
    expect(seen).toContain(`IdentityProvider:${idp}`);
    await kc.makeApiClient(CustomObjectsApi).deleteClusterCustomObject({
      group: GROUP,
      version: VERSION,
      plural: 'identityproviders',
      name: idp,
    });
    await eventually(() => expect(src.providers.get(idp)).toBeUndefined());
  });

  it('reconnects after its watch connection is dropped, resuming without a relist', async () => {
    const kc = kubeConfig();
    const ns = await uniqueNamespace('drop');
    const { src } = await started(ns);
    const listsBefore = src.informers.roles.stats.lists;
    src.informers.roles.disconnect();
    await createRole(kc, roleManifest(ns, 'while-reconnecting'));
    await eventually(() => expect(src.roles.get(`${ns}/while-reconnecting`)).toBeDefined(), 15_000);
    expect(src.informers.roles.stats.restarts).toBeGreaterThanOrEqual(1);
    // resumed from its last resourceVersion, as client-go's reflector does: a dropped connection costs no relist
    expect(src.informers.roles.stats.lists).toBe(listsBefore);
  });

  it('relists when the API server answers 410 Gone to a watch resumed from an expired resourceVersion', async () => {
    const kc = kubeConfig();
    const ns = await uniqueNamespace('gone');
    await createRole(kc, roleManifest(ns, 'deleted-in-gap'));
    const { src } = await started(ns);
    expect(src.roles.get(`${ns}/deleted-in-gap`)).toBeDefined();
    const informer = src.informers.roles;
    const listsBefore = informer.stats.lists;
    // As after a long network partition: the next watch resumes from a resourceVersion the API server no longer
    // keeps, so it must answer 410 Gone and the informer must list again (a plain reconnect resumes the watch).
    (informer as unknown as { resourceVersion: string }).resourceVersion = '1';
    informer.disconnect();
    // changes while no watch is open: only a relist can show them
    const api = kc.makeApiClient(CustomObjectsApi);
    await api.deleteNamespacedCustomObject({ ...g, namespace: ns, name: 'deleted-in-gap' });
    await createRole(kc, roleManifest(ns, 'created-in-gap'));
    await eventually(() => {
      expect(informer.stats.lists).toBe(listsBefore + 1);
      expect(src.roles.get(`${ns}/created-in-gap`)).toBeDefined();
      expect(src.roles.get(`${ns}/deleted-in-gap`)).toBeUndefined();
    }, 20_000);
  });

  it('recovers after the API server restarts', async () => {
    const kc = kubeConfig();
    const api = kc.makeApiClient(CustomObjectsApi);
    const ns = await uniqueNamespace('restart');
    await createRole(kc, roleManifest(ns, 'survivor'));
    await createRole(kc, roleManifest(ns, 'doomed'));
    const { src } = await started(ns);
    await stopApiServer();
    try {
      // the informers fail and back off while the server is away
      await eventually(
        () => expect(src.informers.roles.stats.restarts).toBeGreaterThanOrEqual(2),
        15_000,
      );
      expect(src.roles.get(`${ns}/survivor`)).toBeDefined();
    } finally {
      await startApiServer();
    }
    await api.deleteNamespacedCustomObject({ ...g, namespace: ns, name: 'doomed' });
    await createRole(kc, roleManifest(ns, 'newborn'));
    await eventually(() => {
      expect(src.roles.get(`${ns}/newborn`)).toBeDefined();
      expect(src.roles.get(`${ns}/doomed`)).toBeUndefined();
      expect(src.roles.get(`${ns}/survivor`)).toBeDefined();
    }, 30_000);
  });
});
