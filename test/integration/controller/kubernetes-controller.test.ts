// The controller in Kubernetes mode, end to end: the real rolegate CLI as a process, a real kube-apiserver,
// and the Graph emulator. Covers issue #3's "done when" list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import {
  groupId,
  SEEDED_TIER0_GROUP,
  startGraphEmulator,
  type GraphEmulator,
} from '../../../src/emulator/graph/index.js';
import {
  API_VERSION,
  GROUP,
  VERSION,
  type IdentityProvider,
  type PrivilegedRole,
} from '../../../src/api/v1alpha1/types.js';
import { compareText } from '../../../src/api/compare-text.js';
import {
  eventually,
  kubeConfig,
  kubectl,
  startApiServer,
  stopApiServer,
  uniqueNamespace,
} from '../../harness/kube-client.js';
import { createEmulatorProvider, deleteProvider } from '../../harness/emulator-provider.js';
import {
  kubernetesRunArgs,
  startRolegate,
  type RolegateProcess,
} from '../../harness/controller-process.js';

const GA = '62e90394-69f5-4237-9190-012177145e10';
const PRA = 'e8611ab8-c189-46e8-94e1-60213ab1f814';
const USER_ADMIN = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
const GLOBAL_READER = 'f2ef992c-3afb-46b9-b7cf-a126ee74c451';
const SEC_READER = '5d6b6bb7-de71-4623-b4af-96380a352509';
const HELPDESK = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
const EXCHANGE_ADMIN = '29232cdf-9323-42fd-ade2-1d097af3e4de';

let emulator: GraphEmulator;
let kc: KubeConfig;
let api: CustomObjectsApi;
let rolegate: RolegateProcess;
let ns: string;
const PROVIDER = `emulator-${Date.now().toString(36)}`;

const role = (
  name: string,
  roleId: string,
  extra: Partial<PrivilegedRole['spec']> = {},
  namespace = ns,
): PrivilegedRole => ({
  apiVersion: API_VERSION,
  kind: 'PrivilegedRole',
  metadata: { name, namespace },
  spec: { providerRef: { name: PROVIDER }, role: { id: roleId }, mfaRequired: true, ...extra },
});
const create = (r: PrivilegedRole): Promise<unknown> =>
  api.createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    plural: 'privilegedroles',
    namespace: r.metadata.namespace!,
    body: r,
  });
const get = async (name: string, namespace = ns): Promise<PrivilegedRole> =>
  (await api.getNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    plural: 'privilegedroles',
    namespace,
    name,
  })) as PrivilegedRole;
const cond = (r: PrivilegedRole, type: string) =>
  r.status?.conditions?.find((c) => c.type === type);
const writes = (): number => emulator.counts().writes;
/** The Events about PrivilegedRole `name` of the test namespace. */
async function eventsAbout(
  name: string,
): Promise<{ type: string; reason: string; note: string; series?: { count: number } }[]> {
  const out = await kubectl([
    'get',
    'events.events.k8s.io',
    '-n',
    ns,
    '--field-selector',
    `regarding.name=${name}`,
    '-o',
    'json',
  ]);
  return (
    JSON.parse(out.stdout) as {
      items: { type: string; reason: string; note: string; series?: { count: number } }[];
    }
  ).items;
}

/** The namespace's Events: name, resourceVersion (any update changes it), the object and reason. */
async function listEvents(): Promise<
  { name: string; rv: string; regarding: string; reason: string }[]
> {
  const out = JSON.parse(
    (await kubectl(['get', 'events.events.k8s.io', '-n', ns, '-o', 'json'])).stdout,
  ) as {
    items: {
      metadata: { name: string; resourceVersion: string };
      regarding: { name: string };
      reason: string;
    }[];
  };
  return out.items
    .map((e) => ({
      name: e.metadata.name,
      rv: e.metadata.resourceVersion,
      regarding: e.regarding.name,
      reason: e.reason,
    }))
    .sort((a, b) => compareText(a.name, b.name));
}

async function ready(name: string, namespace = ns): Promise<PrivilegedRole> {
  return eventually(
    async () => {
      const r = await get(name, namespace);
      const c = cond(r, 'Ready');
      if (c?.status !== 'True' || r.status?.observedGeneration !== r.metadata.generation)
        throw new Error(`${name} not Ready: ${JSON.stringify(r.status?.conditions)}`);
      return r;
    },
    30_000,
    200,
  );
}

beforeAll(async () => {
  emulator = await startGraphEmulator({ port: 0 });
  // Global Reader starts with MFA so that mfaRequired: false is a weakening.
  emulator.setEnabledRules(GLOBAL_READER, ['Justification', 'MultiFactorAuthentication']);
  kc = kubeConfig();
  api = kc.makeApiClient(CustomObjectsApi);
  ns = await uniqueNamespace('ctrl');
  await createEmulatorProvider(api, PROVIDER, emulator, '2s');
  rolegate = startRolegate(kubernetesRunArgs());
  await rolegate.waitForLog((l) => l.msg === 'controller started');
});

afterAll(async () => {
  await rolegate?.stop();
  await deleteProvider(api, PROVIDER);
  await emulator?.close();
});

describe('rolegate run --kubernetes', () => {
  it('makes roles Ready with MFAEnforced, enabling MFA where it was missing; kubectl get and wait work', async () => {
    await create(role('global-admin', GA));
    await create(role('privileged-role-admin', PRA));
    const pra = await ready('privileged-role-admin');
    expect(cond(pra, 'MFAEnforced')).toMatchObject({ status: 'True', reason: 'MFARequired' });
    expect(pra.status?.drift?.corrections).toBe(1);
    expect(pra.status?.atProvider?.enabledRules).toContain('MultiFactorAuthentication');
    expect((await ready('global-admin')).status?.drift?.corrections ?? 0).toBe(0);

    await kubectl([
      'wait',
      '--for=condition=Ready',
      '-n',
      ns,
      'privilegedrole/privileged-role-admin',
      '--timeout=30s',
    ]);
    const table = (await kubectl(['get', 'privilegedroles', '-A'])).stdout;
    expect(table).toMatch(
      /NAMESPACE\s+NAME\s+ROLE\s+MFA-REQUIRED\s+ENFORCEMENT\s+READY\s+MFA-ENFORCED\s+HOLDERS-COVERED\s+UNCOVERED\s+AGE/,
    );
    expect(table).toMatch(
      /privileged-role-admin\s+Privileged Role Administrator\s+true\s+\S*\s+True\s+True/,
    );
  });

  it('corrects an out-of-band change on the next resync, with a Warning and a Normal Event', async () => {
    await ready('privileged-role-admin');
    emulator.setEnabledRules(PRA, ['Justification']);
    const fixed = await eventually(
      async () => {
        const r = await get('privileged-role-admin');
        if ((r.status?.drift?.corrections ?? 0) < 2) throw new Error('not corrected yet');
        return r;
      },
      20_000,
      250,
    );
    expect(cond(fixed, 'Ready')?.status).toBe('True');
    const events = await eventually(
      async () => {
        const items = await eventsAbout('privileged-role-admin');
        if (items.length === 0) throw new Error('no Event yet');
        return items;
      },
      20_000,
      250,
    );
    // one Event for the correction, naming the drift and the write
    expect(events.map((e) => `${e.type}/${e.reason}`)).toEqual(['Warning/DriftCorrected']);
    expect(events[0]?.note).toMatch(
      /^Corrected drift \(mfaRequired: want true, have false\): require MFA on activation of .* \(MFA activation rule off -> on\)$/,
    );
  });

  it('reports drift in Audit without writing', async () => {
    const before = writes();
    await create(role('user-admin-audit', USER_ADMIN, { enforcement: 'Audit' }));
    const r = await eventually(
      async () => {
        const x = await get('user-admin-audit');
        if (cond(x, 'Ready')?.reason !== 'DriftDetected') throw new Error('not reported yet');
        return x;
      },
      20_000,
      200,
    );
    expect(cond(r, 'MFAEnforced')).toMatchObject({ status: 'False', reason: 'MFANotRequired' });
    expect(r.status?.drift?.fields).toEqual([
      { path: 'mfaRequired', desired: 'true', live: 'false' },
    ]);
    expect(
      emulator
        .requests({ batchItems: true })
        .filter((q) => q.method !== 'GET' && q.path.includes(USER_ADMIN)).length,
    ).toBe(0);
    expect(writes()).toBe(before);
  });

  it('refuses mfaRequired: false on a role with MFA (no --allow-weakening)', async () => {
    await create(role('global-reader-off', GLOBAL_READER, { mfaRequired: false }));
    const r = await eventually(
      async () => {
        const x = await get('global-reader-off');
        if (cond(x, 'Stalled')?.reason !== 'WeakeningRefused')
          throw new Error(JSON.stringify(x.status?.conditions));
        return x;
      },
      20_000,
      200,
    );
    expect(cond(r, 'Ready')?.message).toMatch(/--allow-weakening/);
    expect(cond(r, 'MFAEnforced')?.status).toBe('True');
  });

  it('gives Conflict to exactly one of two claims, the younger, naming the winner', async () => {
    await create(role('sec-reader-a', SEC_READER));
    await ready('sec-reader-a');
    await new Promise((r) => setTimeout(r, 1100)); // creationTimestamp has one-second resolution
    await create(role('sec-reader-b', SEC_READER));
    const loser = await eventually(
      async () => {
        const x = await get('sec-reader-b');
        if (cond(x, 'Stalled')?.reason !== 'Conflict')
          throw new Error(JSON.stringify(x.status?.conditions));
        return x;
      },
      20_000,
      200,
    );
    expect(cond(loser, 'Stalled')?.message).toContain(`${ns}/sec-reader-a`);
    await new Promise((r) => setTimeout(r, 3000)); // a resync later nothing has flipped
    expect(cond(await get('sec-reader-a'), 'Ready')?.status).toBe('True');
    expect(cond(await get('sec-reader-b'), 'Stalled')?.reason).toBe('Conflict');
  });

  it('enforces MFA on a PIM for Groups member access, and a second claim of it by display name is a Conflict', async () => {
    const group = (
      name: string,
      g: NonNullable<PrivilegedRole['spec']['group']>,
    ): PrivilegedRole => {
      const r = role(name, GA);
      const { role: _role, ...spec } = r.spec;
      return { ...r, spec: { ...spec, group: g } };
    };
    await create(group('tier0-member', { id: groupId(SEEDED_TIER0_GROUP), access: 'member' }));
    const r = await ready('tier0-member');
    expect(cond(r, 'MFAEnforced')?.status).toBe('True');
    expect(r.status?.atProvider?.roleDisplayName).toBe(`${SEEDED_TIER0_GROUP} (member)`);
    const rules = emulator.getPolicy(r.status?.atProvider?.policyId ?? '')?.rules ?? [];
    const enablement = rules.find((x) => x.id === 'Enablement_EndUser_Assignment') as
      { enabledRules?: string[] } | undefined;
    expect(enablement?.enabledRules).toContain('MultiFactorAuthentication');

    await new Promise((res) => setTimeout(res, 1100)); // creationTimestamp has one-second resolution
    await create(group('tier0-member-b', { displayName: SEEDED_TIER0_GROUP, access: 'member' }));
    const loser = await eventually(
      async () => {
        const x = await get('tier0-member-b');
        if (cond(x, 'Stalled')?.reason !== 'Conflict')
          throw new Error(JSON.stringify(x.status?.conditions));
        return x;
      },
      20_000,
      200,
    );
    expect(cond(loser, 'Stalled')?.message).toContain(`${ns}/tier0-member`);
  });

  it('reports a paused object as paused and writes nothing for it', async () => {
    const before = writes();
    const paused = role('auth-admin-paused', 'c4e39bd9-1100-46d3-8c65-fb160da0071f');
    paused.metadata.annotations = { 'rolegate.io/paused': 'true' };
    emulator.setEnabledRules('c4e39bd9-1100-46d3-8c65-fb160da0071f', ['Justification']);
    await create(paused);
    const r = await eventually(
      async () => {
        const x = await get('auth-admin-paused');
        // The out-of-band change came after the last snapshot: it is observed on the next resync, never corrected.
        if (cond(x, 'Ready')?.reason !== 'Paused' || cond(x, 'MFAEnforced')?.status !== 'False')
          throw new Error(JSON.stringify(x.status?.conditions));
        return x;
      },
      20_000,
      200,
    );
    expect(cond(r, 'Ready')?.status).toBe('Unknown');
    expect(writes()).toBe(before);
  });

  it('reports a missing credentials Secret as a condition on the IdentityProvider, not a crash', async () => {
    const name = `${PROVIDER}-nosecret`;
    await createEmulatorProvider(api, name, emulator, '5m', {
      type: 'ClientSecret',
      clientId: '11111111-1111-1111-1111-111111111111',
      clientSecretRef: { name: 'absent', namespace: ns, key: 'client-secret' },
    });
    try {
      const idp = await eventually(
        async () => {
          const x = (await api.getClusterCustomObject({
            group: GROUP,
            version: VERSION,
            plural: 'identityproviders',
            name,
          })) as IdentityProvider;
          const ready = x.status?.conditions?.find((c) => c.type === 'Ready');
          if (ready?.reason !== 'CredentialsMissing') throw new Error(JSON.stringify(x.status));
          return x;
        },
        20_000,
        200,
      );
      expect(idp.status?.conditions?.find((c) => c.type === 'Ready')?.message).toContain(
        `Secret ${ns}/absent does not exist`,
      );
      expect(idp.status?.conditions?.find((c) => c.type === 'Stalled')?.status).toBe('True');
      expect(rolegate.child.exitCode).toBeNull();
    } finally {
      await deleteProvider(api, name);
    }
  });

  it('has invalid objects rejected by the API server with a readable message', async () => {
    const bad = role('both', GA);
    bad.spec.role = { id: GA, displayName: 'Global Administrator' };
    await expect(create(bad)).rejects.toThrow(
      /exactly one of role.id or role.displayName must be set/,
    );
  });

  it('writes nothing, to the API server or to Graph, in steady state over several resyncs', async () => {
    await ready('global-admin');
    await ready('privileged-role-admin');
    const rv = async (): Promise<string[]> => {
      const list = (await api.listNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        plural: 'privilegedroles',
        namespace: ns,
      })) as { items: PrivilegedRole[] };
      return list.items.map((i) => `${i.metadata.name}@${i.metadata.resourceVersion}`).sort();
    };
    // more than an Event series' flush (10 s) after the last correction: a repeat pending then would show below
    await new Promise((r) => setTimeout(r, 11_000));
    const before = {
      rv: await rv(),
      events: await listEvents(),
      writes: writes(),
      reads: emulator.counts().reads,
    };
    await new Promise((r) => setTimeout(r, 7000)); // three resyncs at 2 s
    expect(await rv()).toEqual(before.rv);
    const after = await listEvents();
    // No Event is created. The only Events updated are the repeated Warnings of roles that stay out of line on
    // purpose in this file (Audit with drift, a weakening refused): their series count goes up. Every role in
    // line is silent.
    expect(after.map((e) => e.name)).toEqual(before.events.map((e) => e.name));
    const updated = after.filter(
      (e) => !before.events.some((b) => b.name === e.name && b.rv === e.rv),
    );
    for (const e of updated)
      expect(['user-admin-audit', 'global-reader-off']).toContain(e.regarding);
    expect(before.events.some((e) => e.regarding === 'privileged-role-admin')).toBe(true); // was corrected
    expect(writes()).toBe(before.writes);
    expect(emulator.counts().reads).toBeGreaterThan(before.reads); // it did observe
  });

  it('corrects drift once when a resync read under way at the write still shows the role as before', async () => {
    emulator.setEnabledRules(EXCHANGE_ADMIN, ['Justification']);
    // A snapshot to reconcile with meanwhile, showing the role without MFA: two more policy reads answered, the
    // second of which started after the change above.
    const policyReads = (): number =>
      emulator
        .requests()
        .filter((q) => q.method === 'GET' && q.path.endsWith('/roleManagementPolicyAssignments'))
        .length;
    const readsBefore = policyReads();
    await eventually(
      () => {
        if (policyReads() < readsBefore + 2) throw new Error('no fresh snapshot yet');
        return Promise.resolve();
      },
      30_000,
      50,
    );
    // The next snapshot read's role definitions answer 3 s late while its policies (with the rules) answer at
    // once: the snapshot it gives shows the rules as they were when it started, before the write below.
    emulator.injectFault({
      match: { method: 'GET', pathIncludes: 'roleDefinitions', scope: 'request' },
      delayMs: 3000,
    });
    await eventually(
      () => {
        if (emulator.pendingFaults() > 0) throw new Error('no snapshot read started yet');
        return Promise.resolve();
      },
      10_000,
      20,
    );
    const before = writes();
    await create(role('exchange-admin', EXCHANGE_ADMIN));
    expect((await ready('exchange-admin')).status?.drift?.corrections).toBe(1);
    expect(writes()).toBe(before + 1);
    // the slow read ends, then two more resyncs reconcile the role with it and after it
    await new Promise((r) => setTimeout(r, 3000 + 2 * 2000));
    const r = await get('exchange-admin');
    expect(r.status?.drift?.corrections).toBe(1);
    expect(writes()).toBe(before + 1);
    const items = await eventsAbout('exchange-admin');
    // one correction, one Event: no second DriftCorrected folded into a series
    expect(items.map((e) => [e.reason, e.series?.count ?? 1])).toEqual([['DriftCorrected', 1]]);
  });

  it('recovers when the API server is stopped and started again, without a restart', async () => {
    await stopApiServer();
    await new Promise((r) => setTimeout(r, 3000));
    await startApiServer();
    await create(role('helpdesk-after-restart', HELPDESK));
    const r = await ready('helpdesk-after-restart');
    expect(cond(r, 'MFAEnforced')?.status).toBe('True');
    expect(rolegate.child.exitCode).toBeNull();
  });

  it('serves health, readiness and controller-runtime metrics', async () => {
    const url = await rolegate.opsUrl();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(
      /controller_runtime_reconcile_total\{controller="privilegedrole",result="\w+"\} \d+/,
    );
    expect(metrics).toMatch(/rolegate_drift_corrected_total\{provider="[^"]+"\} [1-9]/);
    expect(metrics).toMatch(
      /rolegate_provider_requests_total\{provider="[^"]+",type="read"\} [1-9]/,
    );
  });
});
