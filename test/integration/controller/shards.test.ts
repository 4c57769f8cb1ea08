// Two shards of the estate as real rolegate processes on a real API server: shard A (two replicas, one Lease) and
// shard B (one replica, its own Lease), each owning the IdentityProviders its label selector picks and the
// PrivilegedRoles that name them. They converge disjoint sets; no object is written by both (managedFields of
// status, Events, the status-write counters); killing A's leader hands A to A's standby and leaves B alone; a
// provider relabelled from A to B moves with its roles. A role whose provider is in no shard is left untouched.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { startGraphEmulator, type GraphEmulator } from '../../../src/emulator/graph/index.js';
import {
  API_VERSION,
  GROUP,
  VERSION,
  type IdentityProvider,
  type PrivilegedRole,
} from '../../../src/api/v1alpha1/types.js';
import { eventually, kubeConfig, kubectl, uniqueNamespace } from '../../harness/kube-client.js';
import { createEmulatorProvider, deleteProvider } from '../../harness/emulator-provider.js';
import { startRolegate, type RolegateProcess } from '../../harness/controller-process.js';
import { scrape, shardRunArgs, statusManagers, statusWrites } from '../../harness/shard-process.js';

const GA = '62e90394-69f5-4237-9190-012177145e10';
const PRA = 'e8611ab8-c189-46e8-94e1-60213ab1f814';
const LABEL = 'rolegate.io/shard';
const run = randomBytes(3).toString('hex');
const LEASE = `rolegate-shards-${run}`;
const P = { a: `shard-a-${run}`, b: `shard-b-${run}`, none: `shard-none-${run}` };
const roles = { group: GROUP, version: VERSION, plural: 'privilegedroles' };
const providers = { group: GROUP, version: VERSION, plural: 'identityproviders' };
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

let api: CustomObjectsApi;
let ns: string;
const emulators: Record<'a' | 'b' | 'none', GraphEmulator> = {} as never;
const procs: Record<string, RolegateProcess> = {};

const start = (shard: 'a' | 'b', replica: number): RolegateProcess => {
  const pod = `${shard}-${replica}`;
  procs[pod] = startRolegate(shardRunArgs(ns, LEASE, shard, `${LABEL}=${run}-${shard}`), {
    POD_NAME: pod,
  });
  return procs[pod];
};
const leads = (p: RolegateProcess | undefined): number =>
  p?.logs.filter((l) => l.msg === 'became leader; starting to reconcile').length ?? 0;
const alive = (p: RolegateProcess): boolean =>
  p.child.exitCode === null && p.child.signalCode === null;

const getRole = async (name: string): Promise<PrivilegedRole> =>
  (await api.getNamespacedCustomObject({ ...roles, namespace: ns, name })) as PrivilegedRole;
const getProvider = async (name: string): Promise<IdentityProvider> =>
  (await api.getClusterCustomObject({ ...providers, name })) as IdentityProvider;
const createRole = (name: string, provider: string, id: string): Promise<unknown> =>
  api.createNamespacedCustomObject({
    ...roles,
    namespace: ns,
    body: {
      apiVersion: API_VERSION,
      kind: 'PrivilegedRole',
      metadata: { name, namespace: ns },
      spec: { providerRef: { name: provider }, role: { id }, mfaRequired: true },
    },
  });
const label = (provider: string, shard: string): Promise<unknown> =>
  api.patchClusterCustomObject(
    { ...providers, name: provider, body: { metadata: { labels: { [LABEL]: shard } } } },
    merge,
  );

async function ready(name: string, minCorrections = 0): Promise<PrivilegedRole> {
  return eventually(
    async () => {
      const r = await getRole(name);
      const c = r.status?.conditions?.find((x) => x.type === 'Ready');
      if (c?.status !== 'True' || r.status?.observedGeneration !== r.metadata.generation)
        throw new Error(`${name} not Ready: ${JSON.stringify(r.status?.conditions)}`);
      if ((r.status?.drift?.corrections ?? 0) < minCorrections)
        throw new Error(`${name} not corrected yet`);
      return r;
    },
    40_000,
    250,
  );
}

/** Events about objects in the test namespace, as (object name, reporting instance, reason). */
async function events(): Promise<{ name: string; instance: string; reason: string }[]> {
  const out = await kubectl(['get', 'events.events.k8s.io', '-n', ns, '-o', 'json']);
  const items = (
    JSON.parse(out.stdout) as {
      items: { regarding?: { name?: string }; reportingInstance?: string; reason?: string }[];
    }
  ).items;
  return items.map((e) => ({
    name: e.regarding?.name ?? '',
    instance: e.reportingInstance ?? '',
    reason: e.reason ?? '',
  }));
}

beforeAll(async () => {
  api = kubeConfig().makeApiClient(CustomObjectsApi);
  ns = await uniqueNamespace('shards');
  for (const s of ['a', 'b', 'none'] as const) {
    emulators[s] = await startGraphEmulator({ port: 0 });
    await createEmulatorProvider(api, P[s], emulators[s], '2s');
    await label(P[s], `${run}-${s}`);
  }
});

afterAll(async () => {
  await Promise.all(Object.values(procs).map((p) => p.stop('SIGKILL')));
  for (const s of ['a', 'b', 'none'] as const) {
    await deleteProvider(api, P[s]);
    await emulators[s]?.close();
  }
});

describe('two shards', () => {
  it('converge disjoint sets, each under its own Lease, and never write the same object', async () => {
    start('a', 0);
    start('a', 1);
    start('b', 0);
    await eventually(
      () => {
        if (leads(procs['a-0']) + leads(procs['a-1']) !== 1) throw new Error('shard a: no leader');
        if (leads(procs['b-0']) !== 1) throw new Error('shard b: no leader');
      },
      30_000,
      200,
    );
    await createRole('a-ga', P.a, GA);
    await createRole('a-pra', P.a, PRA);
    await createRole('b-pra', P.b, PRA);
    await createRole('none-pra', P.none, PRA);
    await ready('a-ga');
    await ready('a-pra', 1);
    await ready('b-pra', 1);
    // each shard corrected its own tenant, once
    expect(emulators.a.counts().writes).toBeGreaterThan(0);
    expect(emulators.b.counts().writes).toBeGreaterThan(0);

    // one Lease per shard, held by a replica of that shard
    const leases = JSON.parse(
      (await kubectl(['get', 'leases', '-n', ns, '-o', 'json'])).stdout,
    ) as { items: { metadata: { name: string }; spec: { holderIdentity?: string } }[] };
    const holder = (name: string) =>
      leases.items.find((l) => l.metadata.name === name)?.spec.holderIdentity ?? '';
    expect(holder(`${LEASE}-a`)).toMatch(/^a-[01]/);
    expect(holder(`${LEASE}-b`)).toMatch(/^b-0/);

    // status: written by the owning shard's field manager only
    for (const name of ['a-ga', 'a-pra'])
      expect(Object.keys(statusManagers(await getRole(name)))).toEqual(['rolegate-a']);
    expect(Object.keys(statusManagers(await getRole('b-pra')))).toEqual(['rolegate-b']);
    expect(Object.keys(statusManagers(await getProvider(P.a)))).toEqual(['rolegate-a']);
    expect(Object.keys(statusManagers(await getProvider(P.b)))).toEqual(['rolegate-b']);
    // the provider in no shard, and its role, are written by no one
    await new Promise((r) => setTimeout(r, 3000)); // a resync of both shards
    expect((await getRole('none-pra')).status).toBeUndefined();
    expect((await getProvider(P.none)).status).toBeUndefined();
    expect(emulators.none.counts().requests).toBe(0);

    // Events: about each shard's roles, reported by that shard's replicas only
    // Events are sent beside the status write, not before it: wait for them
    const seen = await eventually(async () => {
      const all = await events();
      expect(all.some((e) => e.name === 'a-pra' && e.reason === 'DriftCorrected')).toBe(true);
      expect(all.some((e) => e.name === 'b-pra' && e.reason === 'DriftCorrected')).toBe(true);
      return all;
    }, 10_000);
    for (const e of seen) {
      if (e.name.startsWith('a-')) expect(e.instance).toMatch(/^a-[01]$/);
      if (e.name.startsWith('b-')) expect(e.instance).toBe('b-0');
      expect(e.name).not.toBe('none-pra');
    }

    // metrics carry the shard name
    const text = await scrape(procs['b-0']!);
    expect(text).toMatch(
      new RegExp(`leader_election_master_status\\{name="${LEASE}-b",shard="b"\\} 1`),
    );
    expect(text).toMatch(/controller_runtime_reconcile_total\{[^}]*shard="b"[^}]*\} [1-9]/);
  });

  it("hands shard A to A's standby when A's leader is killed, leaving shard B alone", async () => {
    const leader = leads(procs['a-0']) === 1 ? procs['a-0']! : procs['a-1']!;
    const standby = leader === procs['a-0'] ? procs['a-1']! : procs['a-0']!;
    const b = procs['b-0']!;
    const bBefore = (await getRole('b-pra')).metadata.resourceVersion;
    const bWrites = statusWrites(await scrape(b));
    await leader.stop('SIGKILL');
    await eventually(
      () => {
        if (leads(standby) !== 1) throw new Error('standby has not taken over');
      },
      20_000,
      100,
    );
    // drift in A's tenant: A's new leader corrects it
    emulators.a.setEnabledRules(GA, ['Justification']);
    const corrected = await ready('a-ga', 1);
    expect(Object.keys(statusManagers(corrected))).toEqual(['rolegate-a']);
    const standbyName = leader === procs['a-0'] ? 'a-1' : 'a-0';
    await eventually(async () => {
      const seen = await events();
      expect(
        seen.some(
          (e) => e.name === 'a-ga' && e.reason === 'DriftCorrected' && e.instance === standbyName,
        ),
      ).toBe(true);
    }, 10_000);
    // B never lost or regained its Lease, and had nothing to write
    expect(alive(b)).toBe(true);
    expect(leads(b)).toBe(1);
    expect(b.logs.some((l) => l.msg === 'not leader; stopped reconciling')).toBe(false);
    expect((await getRole('b-pra')).metadata.resourceVersion).toBe(bBefore);
    expect(statusWrites(await scrape(b))).toBe(bWrites);
  });

  it('moves a provider relabelled from A to B together with its roles; A writes them no more', async () => {
    const a = leads(procs['a-0']) === 1 && alive(procs['a-0']!) ? procs['a-0']! : procs['a-1']!;
    const b = procs['b-0']!;
    await label(P.a, `${run}-b`);
    // B picks the provider and its roles up; A lets them go
    await eventually(
      async () =>
        expect(Object.keys(statusManagers(await getProvider(P.a)))).toContain('rolegate-b'),
      20_000,
      250,
    );
    await new Promise((r) => setTimeout(r, 1500)); // whatever A had in flight has finished
    const aWrites = statusWrites(await scrape(a));
    const moved = Date.now();
    // drift in the moved tenant: now B corrects it, and reports it
    emulators.a.setEnabledRules(PRA, ['Justification']);
    const pra = await ready('a-pra', 2);
    const managers = statusManagers(pra);
    expect(Object.keys(managers)).toContain('rolegate-b');
    // rolegate-a's entry, if the API server kept one, is from before the move (managedFields count seconds)
    if (managers['rolegate-a']) expect(Date.parse(managers['rolegate-a'])).toBeLessThan(moved);
    await eventually(async () => {
      const seen = await events();
      expect(
        seen
          .filter((e) => e.name === 'a-pra' && e.reason === 'DriftCorrected')
          .map((e) => e.instance),
      ).toEqual(expect.arrayContaining(['b-0']));
    }, 10_000);
    await new Promise((r) => setTimeout(r, 3000)); // a resync of A: it has nothing left to write
    expect(statusWrites(await scrape(a))).toBe(aWrites);
    expect(statusWrites(await scrape(b))).toBeGreaterThan(0);
  });
});
