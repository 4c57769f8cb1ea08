// `rolegate run --kubernetes --leader-elect` as a process against the test API server: SIGTERM during a slow
// provider read or write ends the process within its bound, sends no write after the signal, and releases the
// Lease so that a standby takes over at once.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CoordinationV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { startGraphEmulator, type GraphEmulator } from '../../../src/emulator/graph/index.js';
import { API_VERSION, GROUP, VERSION } from '../../../src/api/v1alpha1/types.js';
import { kubeConfig, uniqueNamespace } from '../../harness/kube-client.js';
import { createEmulatorProvider, deleteProvider } from '../../harness/emulator-provider.js';
import {
  kubernetesRunArgs,
  startRolegate,
  type RolegateProcess,
} from '../../harness/controller-process.js';
import { sigtermWhileHeld } from '../../harness/shutdown.js';

const PRA = 'e8611ab8-c189-46e8-94e1-60213ab1f814';
const PAA = '7be44c8a-adaf-4e2a-84d6-ab2649e08a13';

let api: CustomObjectsApi;
let leases: CoordinationV1Api;
let emulator: GraphEmulator;
let ns: string;
let provider: string;
let lease: string;
let proc: RolegateProcess | undefined;
let n = 0;

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
      spec: { providerRef: { name: provider }, role: { id }, mfaRequired: true },
    },
  });

const start = (extra: string[]): RolegateProcess => {
  proc = startRolegate(
    kubernetesRunArgs([
      '--namespace',
      ns,
      '--leader-elect',
      '--leader-election-namespace',
      ns,
      '--leader-election-id',
      lease,
      ...extra,
    ]),
  );
  return proc;
};

beforeAll(() => {
  api = kubeConfig().makeApiClient(CustomObjectsApi);
  leases = kubeConfig().makeApiClient(CoordinationV1Api);
});

beforeEach(async () => {
  n++;
  emulator = await startGraphEmulator({ port: 0 });
  emulator.setEnabledRules(PRA, ['Justification']);
  emulator.setEnabledRules(PAA, ['Justification']);
  ns = await uniqueNamespace('stop');
  provider = `stop-${Date.now().toString(36)}-${n}`;
  lease = `rolegate-stop-${n}`;
  await createEmulatorProvider(api, provider, emulator, '1m');
  await createRole('pra', PRA);
  await createRole('paa', PAA);
});

afterEach(async () => {
  await proc?.stop('SIGKILL');
  proc = undefined;
  await deleteProvider(api, provider);
  await emulator?.close();
});

describe('run --kubernetes: SIGTERM', () => {
  it('during a slow read: exits at once, writes nothing, and releases the Lease', async () => {
    const r = await sigtermWhileHeld(emulator, 'GET', 5_000, () =>
      start(['--shutdown-timeout', '10s']),
    );
    expect(r.code).toBe(0);
    expect(r.exitMs).toBeLessThan(3_000);
    expect(r.writes).toBe(0);
    const l = await leases.readNamespacedLease({ name: lease, namespace: ns });
    expect(l.spec?.holderIdentity ?? '').toBe('');
  });

  it('during a slow write: no new write, and the exit comes within the request deadline', async () => {
    const r = await sigtermWhileHeld(emulator, 'PATCH', 8_000, () =>
      start(['--request-timeout', '2s', '--shutdown-timeout', '6s']),
    );
    expect(r.code).toBe(0);
    expect(r.exitMs).toBeLessThan(4_000);
    // the one batch in flight at the signal (both roles' corrections), nothing after it
    expect(r.writes).toBeLessThanOrEqual(2);
  });
});
