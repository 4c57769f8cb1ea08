// spec.deletionPolicy end to end: the real rolegate CLI (`run --kubernetes --allow-weakening`), a real
// kube-apiserver and the Graph emulator. ResetToDefault holds the object with rolegate's finalizer until the role is
// back at the provider's default (Entra: MFA on activation); Orphan leaves the role as it is; a provider that cannot
// answer now keeps the object waiting, one that is gone does not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { startGraphEmulator, type GraphEmulator } from '../../../src/emulator/graph/index.js';
import {
  API_VERSION,
  GROUP,
  RESET_FINALIZER,
  VERSION,
  type PrivilegedRole,
} from '../../../src/api/v1alpha1/types.js';
import { eventually, kubeConfig, kubectl, uniqueNamespace } from '../../harness/kube-client.js';
import { createEmulatorProvider, deleteProvider } from '../../harness/emulator-provider.js';
import {
  kubernetesRunArgs,
  startRolegate,
  type RolegateProcess,
} from '../../harness/controller-process.js';

const MFA = 'MultiFactorAuthentication';
let emulator: GraphEmulator;
let kc: KubeConfig;
let api: CustomObjectsApi;
let rolegate: RolegateProcess;
let ns: string;
let roleIds: string[];
const PROVIDER = `deletion-${Date.now().toString(36)}`;

const manifest = (
  name: string,
  roleId: string,
  spec: Partial<PrivilegedRole['spec']>,
): PrivilegedRole => ({
  apiVersion: API_VERSION,
  kind: 'PrivilegedRole',
  metadata: { name, namespace: ns },
  spec: { providerRef: { name: PROVIDER }, role: { id: roleId }, mfaRequired: true, ...spec },
});
const params = (name: string) => ({
  group: GROUP,
  version: VERSION,
  plural: 'privilegedroles',
  namespace: ns,
  name,
});
const create = (r: PrivilegedRole): Promise<unknown> =>
  api.createNamespacedCustomObject({ ...params(''), body: r });
const get = async (name: string): Promise<PrivilegedRole | undefined> =>
  (api.getNamespacedCustomObject(params(name)) as Promise<PrivilegedRole>).catch(
    (e: { code?: number }) => {
      if (e.code === 404) return undefined;
      throw e;
    },
  );
const remove = (name: string): Promise<unknown> => api.deleteNamespacedCustomObject(params(name));
const mfaOn = (roleId: string): boolean => {
  const rule = emulator.getRule(roleId, 'Enablement_EndUser_Assignment') as
    { enabledRules?: string[] } | undefined;
  return rule?.enabledRules?.includes(MFA) ?? false;
};

/** Waits until `name` is Ready at its generation. */
async function ready(name: string): Promise<PrivilegedRole> {
  return eventually(
    async () => {
      const r = await get(name);
      const c = r?.status?.conditions?.find((x) => x.type === 'Ready');
      if (!r || c?.status !== 'True' || r.status?.observedGeneration !== r.metadata.generation)
        throw new Error(`${name} not Ready: ${JSON.stringify(r?.status?.conditions)}`);
      return r;
    },
    30_000,
    200,
  );
}

async function gone(name: string): Promise<void> {
  await eventually(
    async () => {
      if (await get(name)) throw new Error(`${name} still exists`);
    },
    30_000,
    200,
  );
}

/** Events about `name` as "reason: note" lines. */
async function events(name: string): Promise<string[]> {
  const { stdout } = await kubectl(['get', 'events.events.k8s.io', '-n', ns, '-o', 'json']);
  const items = (
    JSON.parse(stdout) as {
      items: { reason: string; note: string; regarding: { name: string } }[];
    }
  ).items;
  return items.filter((e) => e.regarding.name === name).map((e) => `${e.reason}: ${e.note}`);
}

beforeAll(async () => {
  emulator = await startGraphEmulator({ port: 0 });
  roleIds = emulator
    .roleDefinitions()
    .map((d) => d.templateId ?? d.id)
    .slice(10, 17);
  // every role used here starts with MFA, so that mfaRequired: false is a weakening the controller may do
  for (const id of roleIds) emulator.setEnabledRules(id, ['Justification', MFA]);
  kc = kubeConfig();
  api = kc.makeApiClient(CustomObjectsApi);
  ns = await uniqueNamespace('deletion');
  await createEmulatorProvider(api, PROVIDER, emulator, '2s');
  rolegate = startRolegate(kubernetesRunArgs(['--allow-weakening']));
  await rolegate.waitForLog((l) => l.msg === 'controller started');
});

afterAll(async () => {
  await rolegate?.stop();
  await deleteProvider(api, PROVIDER);
  await emulator?.close();
});

describe('spec.deletionPolicy', () => {
  it('ResetToDefault: holds the object with a finalizer, then restores MFA (the Entra default) on delete', async () => {
    const id = roleIds[0]!;
    await create(manifest('reset', id, { mfaRequired: false, deletionPolicy: 'ResetToDefault' }));
    const r = await ready('reset');
    expect(r.metadata.finalizers).toContain(RESET_FINALIZER);
    expect(mfaOn(id)).toBe(false); // --allow-weakening let the declared state through

    const writes = emulator.counts().writes;
    await remove('reset');
    await gone('reset');
    expect(mfaOn(id)).toBe(true);
    expect(emulator.counts().writes).toBeGreaterThan(writes);
    await eventually(async () => {
      expect((await events('reset')).join('\n')).toMatch(
        /ResetToDefault: require MFA on activation of .* \(MFA activation rule off -> on\)/,
      );
    }, 10_000);
    const logged = rolegate.logs.find(
      (l) => typeof l.msg === 'string' && l.msg.startsWith('wrote: require MFA') && l.roleId === id,
    );
    expect(logged).toMatchObject({
      before: 'off',
      after: 'on',
      settings: ['Justification', MFA],
    });
  });

  it('ResetToDefault also returns the assignment rule the object managed to the Entra default (no MFA)', async () => {
    const id = roleIds[6]!;
    const assignmentMfa = (): boolean => {
      const rule = emulator.getRule(id, 'Enablement_Admin_Assignment') as
        { enabledRules?: string[] } | undefined;
      return rule?.enabledRules?.includes(MFA) ?? false;
    };
    await create(
      manifest('reset-assignment', id, {
        mfaOnActiveAssignment: true,
        deletionPolicy: 'ResetToDefault',
      }),
    );
    await ready('reset-assignment');
    expect(assignmentMfa()).toBe(true);
    expect(mfaOn(id)).toBe(true);

    await remove('reset-assignment');
    await gone('reset-assignment');
    // The controller runs with --allow-weakening, so the assignment rule went back to PIM's default (Justification
    // only); the activation rule was at its default already and kept MFA.
    expect(assignmentMfa()).toBe(false);
    expect(
      (emulator.getRule(id, 'Enablement_Admin_Assignment') as { enabledRules?: string[] })
        .enabledRules,
    ).toEqual(['Justification']);
    expect(mfaOn(id)).toBe(true);
    await eventually(async () => {
      expect((await events('reset-assignment')).join('\n')).toMatch(
        /ResetToDefault: .*active assignment of .* \(MFA assignment rule on -> off\)/,
      );
    }, 10_000);
  });

  it('Orphan (the default): no finalizer, and deleting leaves the role as it is', async () => {
    const id = roleIds[1]!;
    await create(manifest('orphan', id, { mfaRequired: false }));
    const r = await ready('orphan');
    expect(r.metadata.finalizers ?? []).not.toContain(RESET_FINALIZER);
    expect(mfaOn(id)).toBe(false);
    const writes = emulator.counts().writes;
    await remove('orphan');
    await gone('orphan');
    // a resync (2 s) later the role is still without MFA: nothing reset it
    await new Promise((r) => setTimeout(r, 3000));
    expect(mfaOn(id)).toBe(false);
    expect(emulator.counts().writes).toBe(writes);
  });

  it('removes its finalizer when the policy changes back to Orphan', async () => {
    await create(manifest('switch', roleIds[2]!, { deletionPolicy: 'ResetToDefault' }));
    await eventually(async () => {
      expect((await get('switch'))?.metadata.finalizers).toContain(RESET_FINALIZER);
    }, 20_000);
    await kubectl([
      'patch',
      'privilegedroles.rolegate.io',
      'switch',
      '-n',
      ns,
      '--type=merge',
      '-p',
      '{"spec":{"deletionPolicy":"Orphan"}}',
    ]);
    await eventually(async () => {
      expect((await get('switch'))?.metadata.finalizers ?? []).not.toContain(RESET_FINALIZER);
    }, 20_000);
    await remove('switch');
    await gone('switch');
  });

  it('keeps the object while the provider cannot take the write, and resets it once it can', async () => {
    const id = roleIds[3]!;
    await create(manifest('wait', id, { mfaRequired: false, deletionPolicy: 'ResetToDefault' }));
    await ready('wait');
    expect(mfaOn(id)).toBe(false);
    emulator.injectFault({
      match: { pathIncludes: 'rules/Enablement_EndUser_Assignment', method: 'PATCH' },
      status: 503,
      times: 1_000_000,
    });
    await remove('wait');
    await eventually(async () => {
      expect((await events('wait')).join('\n')).toMatch(/ResetFailed: .*unavailable/i);
    }, 20_000);
    const held = await get('wait');
    expect(held?.metadata.deletionTimestamp).toBeDefined();
    expect(held?.metadata.finalizers).toContain(RESET_FINALIZER);
    expect(mfaOn(id)).toBe(false);

    emulator.clearFaults();
    await gone('wait');
    expect(mfaOn(id)).toBe(true);
  });

  it('lets the object go, with a Warning, when the provider refuses the write for good (403)', async () => {
    const id = roleIds[5]!;
    await create(manifest('denied', id, { mfaRequired: false, deletionPolicy: 'ResetToDefault' }));
    await ready('denied');
    emulator.injectFault({
      match: { pathIncludes: 'rules/Enablement_EndUser_Assignment', method: 'PATCH' },
      status: 403,
      times: 1_000_000,
    });
    try {
      await remove('denied');
      await gone('denied');
      await eventually(async () => {
        expect((await events('denied')).join('\n')).toMatch(/ResetFailed: Resetting .*: .*/);
      }, 10_000);
      expect(mfaOn(id)).toBe(false);
    } finally {
      emulator.clearFaults();
    }
  });

  it('lets the object go, with an Event, when its IdentityProvider no longer exists', async () => {
    await create({
      ...manifest('orphaned-provider', roleIds[4]!, { deletionPolicy: 'ResetToDefault' }),
      spec: {
        providerRef: { name: `${PROVIDER}-missing` },
        role: { id: roleIds[4]! },
        mfaRequired: true,
        deletionPolicy: 'ResetToDefault',
      },
    });
    await eventually(async () => {
      expect((await get('orphaned-provider'))?.metadata.finalizers).toContain(RESET_FINALIZER);
    }, 20_000);
    await remove('orphaned-provider');
    await gone('orphaned-provider');
    await eventually(async () => {
      expect((await events('orphaned-provider')).join('\n')).toMatch(
        /Released: Not reset: IdentityProvider .*-missing does not exist/,
      );
    }, 10_000);
  });
});
