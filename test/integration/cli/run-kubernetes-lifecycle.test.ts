// `rolegate run --kubernetes --leader-elect` as a process against the test API server: SIGTERM during a slow
// provider read or write ends the process within its bound, sends no write after the signal, and releases the
// Lease so that a standby takes over at once.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CoordinationV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { startGraphEmulator, type GraphEmulator } from '../../../src/emulator/graph/index.js';
import { API_VERSION, GROUP, VERSION } from '../../../src/api/v1alpha1/types.js';
import { eventually, kubeConfig, uniqueNamespace } from '../../harness/kube-client.js';
import { createEmulatorProvider, deleteProvider } from '../../harness/emulator-provider.js';
import {
  kubernetesRunArgs,
  startRolegate,
  type RolegateProcess,
} from '../../harness/controller-process.js';

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

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const exitOf = (p: RolegateProcess, since: number): Promise<{ code: number | null; ms: number }> =>
  new Promise((resolve) => {
    if (p.child.exitCode !== null)
      return resolve({ code: p.child.exitCode, ms: Date.now() - since });
    p.child.once('exit', (code) => resolve({ code, ms: Date.now() - since }));
  });

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
    const times = 20;
    emulator.injectFault({ match: { method: 'GET' }, delayMs: 5_000, times });
    const p = start(['--shutdown-timeout', '10s']);
    await eventually(
      () => {
        if (emulator.pendingFaults() === times) throw new Error('no read yet');
      },
      30_000,
      20,
    );
    const t0 = Date.now();
    p.child.kill('SIGTERM');
    const { code, ms } = await exitOf(p, t0);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(3_000);
    const l = await leases.readNamespacedLease({ name: lease, namespace: ns });
    expect(l.spec?.holderIdentity ?? '').toBe('');
    await sleep(5_500); // the held read is answered now; a write after it would have arrived
    expect(emulator.counts().writes).toBe(0);
  });

  it('during a slow write: no new write, and the exit comes within the request deadline', async () => {
    emulator.injectFault({ match: { method: 'PATCH' }, delayMs: 8_000, times: 1 });
    const p = start(['--request-timeout', '2s', '--shutdown-timeout', '6s']);
    await eventually(
      () => {
        if (emulator.pendingFaults() === 1) throw new Error('no write yet');
      },
      30_000,
      20,
    );
    const t0 = Date.now();
    p.child.kill('SIGTERM');
    const { code, ms } = await exitOf(p, t0);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(4_000);
    await sleep(8_500); // the held write is applied now
    // the one batch in flight at the signal (both roles' corrections), nothing after it
    expect(emulator.counts().writes).toBeLessThanOrEqual(2);
  });
});
