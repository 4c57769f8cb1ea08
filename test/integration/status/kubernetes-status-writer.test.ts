// Status writes against a real API server: they land in /status, leave spec and generation alone, and a write
// based on an old read is refused as a conflict the controller can recognise.
import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { GROUP, VERSION, type PrivilegedRoleStatus } from '../../../src/api/v1alpha1/types.js';
import {
  KubernetesStatusWriter,
  StaleObjectError,
  isConflict,
  isStale,
} from '../../../src/status/kubernetes-status-writer.js';
import { LAST_APPLIED_ANNOTATION, stripForCache } from '../../../src/sources/cache-transform.js';
import { kubeClient, kubeConfig, kubectl, uniqueNamespace } from '../../harness/kube-client.js';
import {
  createProvider,
  createRole,
  getRole,
  providerManifest,
  roleManifest,
} from '../../harness/rolegate-objects.js';
import { randomBytes } from 'node:crypto';

const ready = (
  status: 'True' | 'False',
  reason: string,
): NonNullable<PrivilegedRoleStatus['conditions']>[number] => ({
  type: 'Ready',
  status,
  reason,
  message: reason,
  lastTransitionTime: '2026-11-28T10:00:00Z',
});

describe('KubernetesStatusWriter', () => {
  it('writes status through /status without touching spec or generation', async () => {
    const kc = kubeConfig();
    const ns = await uniqueNamespace('status');
    const created = await createRole(kc, roleManifest(ns, 'r'));
    const writer = new KubernetesStatusWriter(kubeClient());
    // a spec change smuggled into the role object must not reach the server
    const tampered = { ...created, spec: { ...created.spec, mfaRequired: false } };
    await writer.writeRole(tampered, {
      observedGeneration: 1,
      conditions: [ready('True', 'Enforced')],
      atProvider: { roleDisplayName: 'Global Administrator', mfaRequired: true, detail: 'x' },
    });
    const after = await getRole(kc, ns, 'r');
    expect(after.spec).toEqual(created.spec);
    expect(after.metadata.generation).toBe(created.metadata.generation);
    expect(after.status?.conditions?.[0]?.reason).toBe('Enforced');

    // the next write replaces status: fields it no longer has are removed, not left behind
    await writer.writeRole(after, {
      observedGeneration: 1,
      conditions: [ready('False', 'ProviderUnavailable')],
      atProvider: { mfaRequired: true },
    });
    const again = await getRole(kc, ns, 'r');
    expect(again.status).toEqual({
      observedGeneration: 1,
      conditions: [ready('False', 'ProviderUnavailable')],
      atProvider: { mfaRequired: true },
    });

    // the printer columns show it
    const { stdout } = await kubectl(['get', 'privilegedroles', '-n', ns, '-o', 'wide']);
    expect(stdout).toMatch(
      /^NAME\s+ROLE\s+MFA-REQUIRED\s+ENFORCEMENT\s+READY\s+MFA-ENFORCED\s+HOLDERS-COVERED\s+UNCOVERED\s+REASON\s+AGE/,
    );
    expect(stdout).toMatch(/\br\s+true\s+False\s+ProviderUnavailable\s/);
  });

  it('writes from the stripped cache copy without losing what the cache leaves out', async () => {
    const kc = kubeConfig();
    const ns = await uniqueNamespace('strip');
    const manifest = roleManifest(ns, 'r');
    const applied = JSON.stringify(manifest);
    const created = await createRole(kc, {
      ...manifest,
      metadata: {
        ...manifest.metadata,
        annotations: { [LAST_APPLIED_ANNOTATION]: applied, team: 'identity' },
      },
    });
    const managedFields = (o: { metadata: object }): { manager?: string; subresource?: string }[] =>
      (o.metadata as { managedFields?: { manager?: string; subresource?: string }[] })
        .managedFields ?? [];
    const managers = managedFields(created).map((f) => f.manager);
    expect(managers.length).toBeGreaterThan(0);
    // what the informer caches: no managedFields, no last-applied copy
    const cached = stripForCache(structuredClone(created));
    await new KubernetesStatusWriter(kubeClient()).writeRole(cached, {
      observedGeneration: 1,
      conditions: [ready('True', 'InSync')],
    });
    const after = await getRole(kc, ns, 'r');
    expect(after.status?.conditions?.[0]?.reason).toBe('InSync');
    expect(after.metadata.annotations).toEqual({
      [LAST_APPLIED_ANNOTATION]: applied,
      team: 'identity',
    });
    // the creator's managed fields are still there, and the status writer's own were added
    const afterManagers = managedFields(after).map((f) => f.manager);
    for (const m of managers) expect(afterManagers).toContain(m);
    expect(managedFields(after).some((f) => f.subresource === 'status')).toBe(true);
  });

  it('refuses a write based on a stale resourceVersion as a conflict', async () => {
    const kc = kubeConfig();
    const ns = await uniqueNamespace('conflict');
    const read = await createRole(kc, roleManifest(ns, 'r'));
    // somebody edits the object after the reconciler read it
    await kc.makeApiClient(CustomObjectsApi).patchNamespacedCustomObject(
      {
        group: GROUP,
        version: VERSION,
        plural: 'privilegedroles',
        namespace: ns,
        name: 'r',
        body: { spec: { mfaRequired: false } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const writer = new KubernetesStatusWriter(kubeClient());
    const err: unknown = await writer
      .writeRole(read, { observedGeneration: 1 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StaleObjectError);
    expect(isConflict(err)).toBe(true);
    expect(isStale(err)).toBe(true);
    expect((await getRole(kc, ns, 'r')).status).toBeUndefined();
  });

  it('reports an object that is gone as stale, not as a failure', async () => {
    const kc = kubeConfig();
    const ns = await uniqueNamespace('gone');
    const read = await createRole(kc, roleManifest(ns, 'r'));
    await kc.makeApiClient(CustomObjectsApi).deleteNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      plural: 'privilegedroles',
      namespace: ns,
      name: 'r',
    });
    const err: unknown = await new KubernetesStatusWriter(kubeClient())
      .writeRole(read, { observedGeneration: 1 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StaleObjectError);
    expect((err as StaleObjectError).reason).toBe('NotFound');
    expect(isConflict(err)).toBe(false);
    expect(isStale(err)).toBe(true);
  });

  it('writes IdentityProvider status (cluster-scoped)', async () => {
    const kc = kubeConfig();
    const name = `idp-${randomBytes(3).toString('hex')}`;
    const idp = await createProvider(kc, providerManifest(name));
    await new KubernetesStatusWriter(kubeClient()).writeProvider(idp, {
      observedGeneration: 1,
      conditions: [ready('True', 'Connected')],
    });
    const { stdout } = await kubectl([
      'get',
      'identityprovider',
      name,
      '-o',
      'jsonpath={.status.conditions[0].reason}',
    ]);
    expect(stdout).toBe('Connected');
  });
});
