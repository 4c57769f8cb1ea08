// A sharded KubernetesSource against a real API server: it holds only the IdentityProviders its label selector
// picks (filtered by the API server) and the PrivilegedRoles that name them; a role follows its provider when the
// provider is relabelled into or out of the shard, and when its providerRef changes, and each move is enqueued.
import { randomBytes } from 'node:crypto';
import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { GROUP, VERSION, type IdentityProvider } from '../../../src/api/v1alpha1/types.js';
import { KubernetesSource } from '../../../src/sources/kubernetes.js';
import { shardOf } from '../../../src/sources/shard.js';
import { eventually, kubeClient, kubeConfig, uniqueNamespace } from '../../harness/kube-client.js';
import {
  createProvider,
  createRole,
  providerManifest,
  roleManifest,
} from '../../harness/rolegate-objects.js';

const LABEL = 'rolegate.io/shard';
const roles = { group: GROUP, version: VERSION, plural: 'privilegedroles' };
const providers = { group: GROUP, version: VERSION, plural: 'identityproviders' };
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
let source: KubernetesSource | undefined;
afterEach(async () => {
  await source?.stop();
  source = undefined;
});

const labelled = (name: string, shard: string | undefined): IdentityProvider => {
  const p = providerManifest(name);
  return shard ? { ...p, metadata: { ...p.metadata, labels: { [LABEL]: shard } } } : p;
};

describe('KubernetesSource with a shard', () => {
  it('holds its own providers and their roles, and moves roles with a relabelled provider', async () => {
    const kc = kubeConfig();
    const api = kc.makeApiClient(CustomObjectsApi);
    const ns = await uniqueNamespace('shard');
    // a run-unique label value: the API server is shared with other tests' providers
    const run = randomBytes(3).toString('hex');
    const [mine, theirs] = [`mine-${run}`, `theirs-${run}`];
    await createProvider(kc, labelled(mine, `a-${run}`));
    await createProvider(kc, labelled(theirs, `b-${run}`));
    const role = (name: string, provider: string) => {
      const r = roleManifest(ns, name);
      return { ...r, spec: { ...r.spec, providerRef: { name: provider } } };
    };
    await createRole(kc, role('r-mine', mine));
    await createRole(kc, role('r-theirs', theirs));

    const seen: string[] = [];
    const src = new KubernetesSource(kubeClient(), {
      namespace: ns,
      shard: shardOf(`${LABEL}=a-${run}`, 'a')!,
      informer: { initialBackoffMs: 100, maxBackoffMs: 1000 },
    });
    source = src;
    await src.start((kind, key) => seen.push(`${kind}:${key}`), new AbortController().signal);
    await src.waitForSync(AbortSignal.timeout(30_000));
    // the API server sent only this shard's provider
    expect(src.informers.providers.list().map((p) => p.metadata.name)).toEqual([mine]);
    await eventually(() => {
      expect(src.roles.list().map((r) => r.metadata.name)).toEqual(['r-mine']);
      expect(seen).toContain(`PrivilegedRole:${ns}/r-mine`);
    });
    expect(seen).not.toContain(`PrivilegedRole:${ns}/r-theirs`);

    // the other shard's provider is relabelled into this one: it and its role come in, and are enqueued
    let mark = seen.length;
    await api.patchClusterCustomObject(
      { ...providers, name: theirs, body: { metadata: { labels: { [LABEL]: `a-${run}` } } } },
      merge,
    );
    await eventually(() => {
      expect(src.providers.get(theirs)).toBeDefined();
      expect(src.roles.get(`${ns}/r-theirs`)).toBeDefined();
    });
    expect(seen.slice(mark)).toEqual(
      expect.arrayContaining([`IdentityProvider:${theirs}`, `PrivilegedRole:${ns}/r-theirs`]),
    );

    // relabelled out again: the API server reports it deleted; its role leaves and is enqueued (read as gone)
    mark = seen.length;
    await api.patchClusterCustomObject(
      { ...providers, name: theirs, body: { metadata: { labels: { [LABEL]: `b-${run}` } } } },
      merge,
    );
    await eventually(() => {
      expect(src.providers.get(theirs)).toBeUndefined();
      expect(src.roles.get(`${ns}/r-theirs`)).toBeUndefined();
    });
    expect(seen.slice(mark)).toEqual(
      expect.arrayContaining([`IdentityProvider:${theirs}`, `PrivilegedRole:${ns}/r-theirs`]),
    );

    // a role whose providerRef changes to another shard's provider leaves; changed back, it returns
    mark = seen.length;
    const repoint = (provider: string) =>
      api.patchNamespacedCustomObject(
        {
          ...roles,
          namespace: ns,
          name: 'r-mine',
          body: { spec: { providerRef: { name: provider } } },
        },
        merge,
      );
    await repoint(theirs);
    await eventually(() => expect(src.roles.get(`${ns}/r-mine`)).toBeUndefined());
    expect(seen.slice(mark)).toContain(`PrivilegedRole:${ns}/r-mine`);
    await repoint(mine);
    await eventually(() => expect(src.roles.get(`${ns}/r-mine`)).toBeDefined());

    // a status write to a role outside the shard is not even enqueued
    mark = seen.length;
    await api.patchNamespacedCustomObjectStatus(
      { ...roles, namespace: ns, name: 'r-theirs', body: { status: { observedGeneration: 1 } } },
      merge,
    );
    await api.patchNamespacedCustomObject(
      { ...roles, namespace: ns, name: 'r-theirs', body: { spec: { mfaRequired: false } } },
      merge,
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect(seen.slice(mark).filter((s) => s.includes('r-theirs'))).toEqual([]);

    // deleting this shard's provider takes its role out too
    await api.deleteClusterCustomObject({ ...providers, name: mine });
    await eventually(() => expect(src.roles.list()).toEqual([]));
    await api.deleteClusterCustomObject({ ...providers, name: theirs });
  });
});
