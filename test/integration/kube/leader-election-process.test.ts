// Two real rolegate processes with --leader-elect: exactly one reconciles; when it dies the other takes over
// within the lease duration; on SIGTERM the leader releases the lease and the other takes over at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { startGraphEmulator, type GraphEmulator } from '../../../src/emulator/graph/index.js';
import {
  API_VERSION,
  GROUP,
  VERSION,
  type PrivilegedRole,
} from '../../../src/api/v1alpha1/types.js';
import { eventually, kubeConfig, uniqueNamespace } from '../../harness/kube-client.js';
import { createEmulatorProvider, deleteProvider } from '../../harness/emulator-provider.js';
import {
  kubernetesRunArgs,
  startRolegate,
  type RolegateProcess,
} from '../../harness/controller-process.js';

let emulator: GraphEmulator;
let api: CustomObjectsApi;
let ns: string;
const procs: RolegateProcess[] = [];
const PROVIDER = `le-${Date.now().toString(36)}`;
const LEASE = `rolegate-test-${Date.now().toString(36)}`;

const start = (): RolegateProcess => {
  const p = startRolegate(
    kubernetesRunArgs([
      '--namespace',
      ns,
      '--leader-elect',
      '--leader-election-namespace',
      ns,
      '--leader-election-id',
      LEASE,
    ]),
  );
  procs.push(p);
  return p;
};
const isLeader = (p: RolegateProcess): boolean =>
  p.logs.some((l) => l.msg === 'became leader; starting to reconcile');
const createRole = (name: string, id: string): Promise<unknown> =>
  api.createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    plural: 'privilegedroles',
    namespace: ns,
    body: {
      apiVersion: API_VERSION,
      kind: 'PrivilegedRole',
      metadata: { name, namespace: ns },
      spec: { providerRef: { name: PROVIDER }, role: { id }, mfaRequired: true },
    },
  });
const ready = (name: string): Promise<PrivilegedRole> =>
  eventually(
    async () => {
      const r = (await api.getNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        plural: 'privilegedroles',
        namespace: ns,
        name,
      })) as PrivilegedRole;
      if (r.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True')
        throw new Error(`${name} not Ready`);
      return r;
    },
    40_000,
    250,
  );

beforeAll(async () => {
  emulator = await startGraphEmulator({ port: 0 });
  api = kubeConfig().makeApiClient(CustomObjectsApi);
  ns = await uniqueNamespace('le');
  await createEmulatorProvider(api, PROVIDER, emulator, '5s');
});

afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop('SIGKILL')));
  await deleteProvider(api, PROVIDER);
  await emulator?.close();
});

describe('leader election between two rolegate processes', () => {
  it('has exactly one leader, which reconciles', async () => {
    const a = start();
    const b = start();
    await eventually(
      () => {
        if (!isLeader(a) && !isLeader(b)) throw new Error('no leader yet');
      },
      30_000,
      200,
    );
    await new Promise((r) => setTimeout(r, 3000)); // a few retry periods: the other must still be waiting
    expect([isLeader(a), isLeader(b)].filter(Boolean)).toHaveLength(1);
    await createRole('global-admin', '62e90394-69f5-4237-9190-012177145e10');
    await ready('global-admin');
  });

  it('lets the other take over within the lease duration when the leader is killed', async () => {
    const [a, b] = procs as [RolegateProcess, RolegateProcess];
    const leader = isLeader(a) ? a : b;
    const other = leader === a ? b : a;
    await leader.stop('SIGKILL');
    const t0 = Date.now();
    await eventually(
      () => {
        if (!isLeader(other)) throw new Error('not taken over yet');
      },
      30_000,
      100,
    );
    const tookMs = Date.now() - t0;
    expect(tookMs).toBeLessThan(15_000 + 3_000); // lease duration + one retry period and some slack
    await createRole('privileged-role-admin', 'e8611ab8-c189-46e8-94e1-60213ab1f814');
    const r = await ready('privileged-role-admin');
    expect(r.status?.drift?.corrections).toBe(1);
  });

  it('releases the lease on SIGTERM so a standby takes over at once', async () => {
    const current = procs.find((p) => p.child.exitCode === null && p.child.signalCode === null)!;
    const standby = start();
    await standby.waitForLog((l) => typeof l.url === 'string');
    await new Promise((r) => setTimeout(r, 1000));
    expect(isLeader(standby)).toBe(false);
    const code = await current.stop('SIGTERM');
    expect(code).toBe(0);
    const t0 = Date.now();
    await eventually(
      () => {
        if (!isLeader(standby)) throw new Error('not taken over yet');
      },
      10_000,
      100,
    );
    expect(Date.now() - t0).toBeLessThan(5_000); // a retry period, not a lease duration
  });
});
