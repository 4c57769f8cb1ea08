// What the Kubernetes source caches, against a real API server: objects without managedFields or kubectl's
// last-applied copy, whether they arrived through a paged LIST or a watch event, and one copy of each (the
// informer's cache and the store hold the same object).
import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { GROUP, VERSION, type PrivilegedRole } from '../../../src/api/v1alpha1/types.js';
import { LAST_APPLIED_ANNOTATION } from '../../../src/sources/cache-transform.js';
import { KubernetesSource } from '../../../src/sources/kubernetes.js';
import { eventually, kubeClient, kubeConfig, uniqueNamespace } from '../../harness/kube-client.js';
import { createRole, roleManifest } from '../../harness/rolegate-objects.js';

let source: KubernetesSource | undefined;
afterEach(async () => {
  await source?.stop();
  source = undefined;
});

const annotated = (ns: string, name: string): PrivilegedRole => {
  const r = roleManifest(ns, name);
  r.metadata.annotations = {
    [LAST_APPLIED_ANNOTATION]: JSON.stringify(r),
    'example.test/owner': 'identity-team',
  };
  return r;
};

function expectStripped(r: PrivilegedRole | undefined): void {
  expect(r).toBeDefined();
  expect((r!.metadata as { managedFields?: unknown }).managedFields).toBeUndefined();
  expect(r!.metadata.annotations?.[LAST_APPLIED_ANNOTATION]).toBeUndefined();
  expect(r!.metadata.annotations?.['example.test/owner']).toBe('identity-team');
  expect(r!.metadata.resourceVersion).toBeTruthy();
  expect(r!.metadata.uid).toBeTruthy();
  expect(r!.spec.mfaRequired).toBe(true);
}

describe('KubernetesSource cache', () => {
  it('holds listed and watched objects without managedFields or the last-applied copy, once', async () => {
    const kc = kubeConfig();
    const ns = await uniqueNamespace('strip');
    const created = await Promise.all(['a', 'b', 'c'].map((n) => createRole(kc, annotated(ns, n))));
    // the API server does send managedFields: without stripping they would be cached
    expect(
      (created[0]!.metadata as { managedFields?: unknown[] }).managedFields?.length,
    ).toBeGreaterThan(0);

    // pages of 2: the three objects arrive over two LIST pages
    const src = new KubernetesSource(kubeClient(), {
      namespace: ns,
      informer: { initialBackoffMs: 100, maxBackoffMs: 1000, pageSize: 2 },
    });
    source = src;
    await src.start(() => undefined, new AbortController().signal);
    await src.waitForSync(AbortSignal.timeout(30_000));
    for (const n of ['a', 'b', 'c']) expectStripped(src.roles.get(`${ns}/${n}`));

    await kc.makeApiClient(CustomObjectsApi).patchNamespacedCustomObject(
      {
        group: GROUP,
        version: VERSION,
        plural: 'privilegedroles',
        namespace: ns,
        name: 'a',
        body: { metadata: { labels: { changed: 'yes' } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await eventually(() => expect(src.roles.get(`${ns}/a`)?.metadata.labels?.changed).toBe('yes'));
    expectStripped(src.roles.get(`${ns}/a`));

    // one copy: the informer's cache holds the very objects the store does
    const cached = src.informers.roles.list();
    expect(cached).toHaveLength(3);
    for (const o of cached) expect(src.roles.get(`${ns}/${o.metadata.name}`)).toBe(o);
  });
});
