// /metrics of a real controller: `rolegate run --kubernetes` as a process against the real API server and the Graph
// emulator, with leader election and its timing flags. The numbers are checked against what the emulator itself
// saw (its request log and its tenant), not against values the controller reports elsewhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { startGraphEmulator, type GraphEmulator } from '../../../src/emulator/graph/index.js';
import { createRole, roleManifest } from '../../harness/rolegate-objects.js';
import { eventually, kubeConfig, uniqueNamespace } from '../../harness/kube-client.js';
import { createEmulatorProvider, deleteProvider } from '../../harness/emulator-provider.js';
import {
  kubernetesRunArgs,
  startRolegate,
  type RolegateProcess,
} from '../../harness/controller-process.js';

const PRA = 'e8611ab8-c189-46e8-94e1-60213ab1f814';
const PROVIDER = `metrics-${Date.now().toString(36)}`;
const LEASE = `rolegate-metrics-${Date.now().toString(36)}`;

let emulator: GraphEmulator;
let api: CustomObjectsApi;
let rolegate: RolegateProcess;
let ns: string;

/** One sample of the exposition text: the value of `name{labels}` with exactly these labels, or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = (m[2] ?? '')
      .split(/,(?=\w+=")/)
      .filter(Boolean)
      .sort()
      .join(',');
    if (got === want) return Number(m[3]);
  }
  return undefined;
}

/** The sum of every `name` sample whose labels include these. */
function sumOf(text: string, name: string, labels: Record<string, string>): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)\{(.*)\} (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    if (Object.entries(labels).every(([k, v]) => m[2]!.includes(`${k}="${v}"`)))
      total += Number(m[3]);
  }
  return total;
}

const scrape = async (): Promise<string> =>
  (await fetch(`${await rolegate.opsUrl()}/metrics`)).text();

/** Roles of the emulator's tenant whose activation rule lacks MFA, read from its own state. */
function tenantRolesWithoutMfa(): number {
  const state = emulator.exportState();
  // Directory roles, and the member and owner accesses of PIM for Groups groups (the provider reads both).
  const groupPolicies = state.directory?.groupPolicies ?? [];
  const policies = new Map([...state.policies, ...groupPolicies].map((p) => [p.id, p]));
  const assignments = [...state.assignments, ...(state.directory?.groupPolicyAssignments ?? [])];
  return assignments.filter((a) => {
    const rule = policies
      .get(a.policyId)
      ?.rules.find((r) => r.id === 'Enablement_EndUser_Assignment') as
      { enabledRules?: string[] } | undefined;
    return !(rule?.enabledRules ?? []).includes('MultiFactorAuthentication');
  }).length;
}

beforeAll(async () => {
  emulator = await startGraphEmulator({ port: 0 });
  emulator.setEnabledRules(PRA, ['Justification']);
  api = kubeConfig().makeApiClient(CustomObjectsApi);
  ns = await uniqueNamespace('metrics');
  await createEmulatorProvider(api, PROVIDER, emulator, '2s');
  rolegate = startRolegate(
    kubernetesRunArgs([
      '--leader-elect',
      '--leader-election-namespace',
      ns,
      '--leader-election-id',
      LEASE,
      '--leader-elect-lease-duration',
      '6s',
      '--leader-elect-renew-deadline',
      '4s',
      '--leader-elect-retry-period',
      '1s',
    ]),
  );
  await rolegate.waitForLog((l) => l.msg === 'controller started', 30_000);
}, 60_000);

afterAll(async () => {
  await rolegate?.stop();
  await deleteProvider(api, PROVIDER);
  await emulator?.close();
});

describe('rolegate run --kubernetes /metrics', () => {
  it('leads with the Lease timings given as flags', async () => {
    const lease = (await kubeConfig()
      .makeApiClient((await import('@kubernetes/client-node')).CoordinationV1Api)
      .readNamespacedLease({ name: LEASE, namespace: ns })) as {
      spec?: { leaseDurationSeconds?: number };
    };
    expect(lease.spec?.leaseDurationSeconds).toBe(6);
    expect(sample(await scrape(), 'leader_election_master_status', { name: LEASE })).toBe(1);
  });

  it('exports the roles without MFA of the provider, and the number falls when rolegate adds MFA', async () => {
    const before = tenantRolesWithoutMfa();
    expect(before).toBeGreaterThan(0);
    await eventually(
      async () =>
        expect(sample(await scrape(), 'rolegate_roles_without_mfa', { provider: PROVIDER })).toBe(
          before,
        ),
      20_000,
      250,
    );
    await createRole(kubeConfig(), {
      ...roleManifest(ns, 'pra'),
      spec: { providerRef: { name: PROVIDER }, role: { id: PRA }, mfaRequired: true },
    });
    await eventually(() => expect(tenantRolesWithoutMfa()).toBe(before - 1), 20_000, 250);
    await eventually(
      async () =>
        expect(sample(await scrape(), 'rolegate_roles_without_mfa', { provider: PROVIDER })).toBe(
          before - 1,
        ),
      20_000,
      250,
    );
  });

  it('counts provider requests as _total counters and times each one, matching what the emulator saw', async () => {
    // The controller keeps resyncing: compare at a moment when the emulator's counts did not move across a scrape.
    await eventually(
      async () => {
        const seen = emulator.counts();
        const text = await scrape();
        const after = emulator.counts();
        expect(after).toEqual(seen);
        expect(text).toContain('# TYPE rolegate_provider_requests_total counter');
        expect(text).not.toMatch(/^rolegate_provider_requests\{/m);
        expect(
          sample(text, 'rolegate_provider_requests_total', { provider: PROVIDER, type: 'read' }),
        ).toBe(seen.reads);
        expect(
          sample(text, 'rolegate_provider_requests_total', { provider: PROVIDER, type: 'write' }),
        ).toBe(seen.writes);
        // One histogram observation per HTTP round trip, a $batch counting once, as the emulator counts them.
        expect(
          sumOf(text, 'rolegate_provider_request_duration_seconds_count', { provider: PROVIDER }),
        ).toBe(seen.requests);
        expect(
          sample(text, 'rolegate_provider_request_duration_seconds_count', {
            provider: PROVIDER,
            operation: 'read',
            code: '200',
          }),
        ).toBeGreaterThan(0);
        expect(seen.writes).toBeGreaterThan(0);
      },
      30_000,
      300,
    );
  });

  it("exports controller-runtime's reconcile and work-queue metrics with their standard names and labels", async () => {
    const text = await scrape();
    const c = { controller: 'privilegedrole' };
    const q = { name: 'privilegedrole', controller: 'privilegedrole' };
    expect(sample(text, 'controller_runtime_reconcile_panics_total', c)).toBe(0);
    expect(sample(text, 'controller_runtime_reconcile_errors_total', c)).toBe(0);
    expect(
      sample(text, 'controller_runtime_reconcile_total', { ...c, result: 'success' }) ?? 0,
    ).toBeGreaterThan(0);
    expect(sample(text, 'controller_runtime_reconcile_time_seconds_count', c)).toBeGreaterThan(0);
    expect(sample(text, 'controller_runtime_max_concurrent_reconciles', c)).toBe(20);
    expect(sample(text, 'workqueue_adds_total', q)).toBeGreaterThan(0);
    expect(sample(text, 'workqueue_depth', { ...q, priority: '' })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'workqueue_retries_total', q) ?? 0).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'workqueue_queue_duration_seconds_count', q)).toBeGreaterThan(0);
    expect(sample(text, 'workqueue_work_duration_seconds_count', q)).toBeGreaterThan(0);
    for (const gauge of [
      'workqueue_unfinished_work_seconds',
      'workqueue_longest_running_processor_seconds',
    ]) {
      expect(text).toContain(`# TYPE ${gauge} gauge`);
      expect(sample(text, gauge, q), gauge).toBeGreaterThanOrEqual(0);
    }
  });
});
