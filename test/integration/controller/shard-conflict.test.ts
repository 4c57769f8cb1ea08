// Two shards whose selectors overlap, as real rolegate processes on a real API server: both select one
// IdentityProvider. Each shard's leader publishes its selector on its Lease; the shard whose name sorts after
// the other's finds the other live and selecting the provider too, writes nothing about it or its roles, and
// says so in a Warning Event (ShardConflict) on the provider. When the other shard goes, it takes over.
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

const PRA = 'e8611ab8-c189-46e8-94e1-60213ab1f814';
const run = randomBytes(3).toString('hex');
const LEASE = `rolegate-overlap-${run}`;
const PROVIDER = `overlap-${run}`;
const roles = { group: GROUP, version: VERSION, plural: 'privilegedroles' };
const providers = { group: GROUP, version: VERSION, plural: 'identityproviders' };
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

let api: CustomObjectsApi;
let ns: string;
let emulator: GraphEmulator;
const procs: Record<string, RolegateProcess> = {};

/** Shard `name` with `selector`, one replica. */
const start = (name: string, selector: string): RolegateProcess => {
  procs[name] = startRolegate(shardRunArgs(ns, LEASE, name, selector), { POD_NAME: `${name}-0` });
  return procs[name];
};
const leads = (p: RolegateProcess): boolean =>
  p.logs.some((l) => l.msg === 'became leader; starting to reconcile');

const getRole = async (name: string): Promise<PrivilegedRole> =>
  (await api.getNamespacedCustomObject({ ...roles, namespace: ns, name })) as PrivilegedRole;
const getProvider = async (name: string): Promise<IdentityProvider> =>
  (await api.getClusterCustomObject({ ...providers, name })) as IdentityProvider;

/** The field managers that wrote an object's status, sorted. */
const managers = (obj: PrivilegedRole | IdentityProvider): string[] =>
  Object.keys(statusManagers(obj)).sort();

async function corrected(name: string, corrections: number): Promise<PrivilegedRole> {
  return eventually(
    async () => {
      const r = await getRole(name);
      const c = r.status?.conditions?.find((x) => x.type === 'Ready');
      if (c?.status !== 'True' || (r.status?.drift?.corrections ?? 0) < corrections)
        throw new Error(
          `${name} not Ready with ${corrections} corrections: ${JSON.stringify(r.status)}`,
        );
      return r;
    },
    40_000,
    250,
  );
}

/** ShardConflict Events about the provider (cluster-scoped: its Events are in `default`). */
async function conflictEvents(): Promise<{ instance: string; note: string }[]> {
  const out = await kubectl([
    'get',
    'events.events.k8s.io',
    '-n',
    'default',
    '--field-selector',
    `regarding.name=${PROVIDER}`,
    '-o',
    'json',
  ]);
  return (
    JSON.parse(out.stdout) as {
      items: { reason?: string; reportingInstance?: string; note?: string }[];
    }
  ).items
    .filter((e) => e.reason === 'ShardConflict')
    .map((e) => ({ instance: e.reportingInstance ?? '', note: e.note ?? '' }));
}

beforeAll(async () => {
  api = kubeConfig().makeApiClient(CustomObjectsApi);
  ns = await uniqueNamespace('overlap');
  emulator = await startGraphEmulator({ port: 0 });
  await createEmulatorProvider(api, PROVIDER, emulator, '2s');
  await api.patchClusterCustomObject(
    {
      ...providers,
      name: PROVIDER,
      body: { metadata: { labels: { 'rolegate.io/shard': run, [`team-${run}`]: 'x' } } },
    },
    merge,
  );
});

afterAll(async () => {
  await Promise.all(Object.values(procs).map((p) => p.stop('SIGKILL')));
  await deleteProvider(api, PROVIDER);
  await emulator?.close();
});

describe('two shards whose selectors overlap', () => {
  it('leave the provider to one of them; the other writes nothing and reports ShardConflict', async () => {
    const a = start('a', `rolegate.io/shard=${run}`);
    await eventually(
      () => {
        if (!leads(a)) throw new Error('shard a: no leader');
      },
      30_000,
      200,
    );
    await api.createNamespacedCustomObject({
      ...roles,
      namespace: ns,
      body: {
        apiVersion: API_VERSION,
        kind: 'PrivilegedRole',
        metadata: { name: 'pra', namespace: ns },
        spec: { providerRef: { name: PROVIDER }, role: { id: PRA }, mfaRequired: true },
      },
    });
    await corrected('pra', 1);

    // shard b selects the same provider by another label; a is live and its name sorts first
    const b = start('b', `team-${run}=x`);
    await eventually(
      () => {
        if (!leads(b)) throw new Error('shard b: no leader');
      },
      30_000,
      200,
    );
    const seen = await eventually(async () => {
      const e = await conflictEvents();
      if (e.length === 0) throw new Error('no ShardConflict Event yet');
      return e;
    }, 20_000);
    expect(seen.map((e) => e.instance)).toEqual(['b-0']);
    expect(seen[0]!.note).toContain(`by shard a (rolegate.io/shard=${run})`);

    // drift while both run: a corrects it, b writes nothing (status, Events, Graph)
    emulator.setEnabledRules(PRA, ['Justification']);
    const r = await corrected('pra', 2);
    await new Promise((res) => setTimeout(res, 3000)); // more resyncs of both shards
    expect((await getRole('pra')).status?.drift?.corrections).toBe(2);
    expect(managers(r)).toEqual(['rolegate-a']);
    expect(managers(await getProvider(PROVIDER))).toEqual(['rolegate-a']);
    expect(statusWrites(await scrape(b))).toBe(0);
    expect(b.logs.some((l) => typeof l.msg === 'string' && l.msg.startsWith('wrote:'))).toBe(false);
    expect(a.logs.filter((l) => l.msg === 'live shards').length).toBeGreaterThan(0);
  });

  it('hands the provider to the other shard once the one that took it is gone', async () => {
    const a = procs.a!;
    const b = procs.b!;
    await a.stop('SIGTERM'); // releases a's Lease: a is no longer live
    emulator.setEnabledRules(PRA, ['Justification']);
    const r = await corrected('pra', 3);
    expect(managers(r)).toEqual(['rolegate-a', 'rolegate-b']);
    expect(statusWrites(await scrape(b))).toBeGreaterThan(0);
  });
});
