// Per-holder MFA coverage through a real kube-apiserver (issue #16): the HoldersCovered condition and its message,
// the bounded status.atProvider.holders, the Holders-Covered and Uncovered printer columns as kubectl shows them
// (the API server's Table), holderCoverage: Require making Ready False, mfaOnActiveAssignment written, and
// `kubectl wait` on Ready.
//
// The controller runs in this process, assembled the way `rolegate run --kubernetes` assembles it (informers,
// status writer, Events), over the test-only memory provider: it is the one provider whose holders a test can set
// today. The CRD knows only the providers rolegate ships, so the IdentityProvider object is Entra-shaped (its
// settings are never used: the registry's factory hands out the memory client for it); status is written only for
// this test's objects, never for IdentityProviders other test files left in the API server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomObjectsApi } from '@kubernetes/client-node';
import type { Holding } from '../../../src/api/coverage.js';
import {
  API_VERSION,
  GROUP,
  VERSION,
  type PrivilegedRole,
} from '../../../src/api/v1alpha1/types.js';
import { newController, type Controller } from '../../../src/controller/controller.js';
import {
  ProviderConfigError,
  ProviderRegistry,
} from '../../../src/controller/provider-registry.js';
import type { KubeClient } from '../../../src/kube/client.js';
import { createLogger } from '../../../src/log.js';
import { KubernetesSource } from '../../../src/sources/kubernetes.js';
import { KubernetesEventRecorder } from '../../../src/status/kubernetes-event-recorder.js';
import { KubernetesStatusWriter } from '../../../src/status/kubernetes-status-writer.js';
import type { StatusWriter } from '../../../src/status/types.js';
import { MemoryProvider } from '../../fixtures/providers/memory/client.js';
import type { MemoryRole } from '../../fixtures/providers/memory/settings.js';
import { deleteProvider } from '../../harness/emulator-provider.js';
import {
  eventually,
  kubeClient,
  kubeConfig,
  kubectl,
  uniqueNamespace,
} from '../../harness/kube-client.js';

const PROVIDER = `memory-${Date.now().toString(36)}`;

const user = (name: string, path: Holding['path'], via?: Holding['via']): Holding => ({
  principal: {
    id: `u-${name}`,
    type: 'User',
    displayName: name,
    userPrincipalName: `${name}@payroll.test`,
  },
  path,
  ...(via ? { via } : {}),
});
const legacyCli = { kind: 'Client' as const, id: 'c-legacy', displayName: 'legacy-cli' };

/**
 * Payroll Admin: three standing holders covered by an all-users MFA policy, except break-glass, whom it
 * excludes; five sign-in holders covered by the sign-on rule; thirty holders who can use a password grant.
 */
const payroll: MemoryRole = {
  id: 'r-payroll',
  name: 'Payroll Admin',
  signOnMfa: true,
  coverage: {
    holdings: [
      user('breakglass', 'Active'),
      ...['ops1', 'ops2', 'ops3'].map((n) => user(n, 'Active')),
      ...Array.from({ length: 5 }, (_, i) => user(`web${i}`, 'SignIn')),
      ...Array.from({ length: 30 }, (_, i) =>
        user(`dg${String(i).padStart(2, '0')}`, 'DirectGrant', legacyCli),
      ),
    ],
    policies: [
      {
        id: 'p-all',
        displayName: 'All users MFA',
        state: 'enabled',
        requiresMfa: true,
        include: { all: true, users: [], groups: [], roles: [] },
        exclude: { all: false, users: ['u-breakglass'], groups: [], roles: [] },
        applications: { scope: 'All', authenticationContexts: [] },
        unjudged: [],
      },
    ],
    memberOf: {},
    groupActivation: {},
  },
};
/** Helpdesk: one standing holder nothing covers (yet), and an assignment rule that is off. */
const helpdesk: MemoryRole = {
  id: 'r-helpdesk',
  name: 'Helpdesk',
  signOnMfa: true,
  assignmentMfa: false,
  coverage: {
    holdings: [user('dana', 'Active')],
    policies: [],
    memberOf: {},
    groupActivation: {},
  },
};

let api: CustomObjectsApi;
let kube: KubeClient;
let ns: string;
let controller: Controller | undefined;
let registry: ProviderRegistry | undefined;
let memory: MemoryProvider;

const role = (name: string, displayName: string, extra: Partial<PrivilegedRole['spec']> = {}) => ({
  apiVersion: API_VERSION,
  kind: 'PrivilegedRole',
  metadata: { name, namespace: ns },
  spec: { providerRef: { name: PROVIDER }, role: { displayName }, mfaRequired: true, ...extra },
});
const get = async (name: string): Promise<PrivilegedRole> =>
  (await api.getNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    plural: 'privilegedroles',
    namespace: ns,
    name,
  })) as PrivilegedRole;
const cond = (r: PrivilegedRole, type: string) =>
  r.status?.conditions?.find((c) => c.type === type);
/** The role once `check` passes on it (the controller has reconciled it that far). */
const until = (name: string, check: (r: PrivilegedRole) => void): Promise<PrivilegedRole> =>
  eventually(
    async () => {
      const r = await get(name);
      check(r);
      return r;
    },
    30_000,
    200,
  );

beforeAll(async () => {
  api = kubeConfig().makeApiClient(CustomObjectsApi);
  kube = kubeClient();
  ns = await uniqueNamespace('coverage');
  memory = new MemoryProvider({ roles: [payroll, helpdesk] });
  await api.createClusterCustomObject({
    group: GROUP,
    version: VERSION,
    plural: 'identityproviders',
    body: {
      apiVersion: API_VERSION,
      kind: 'IdentityProvider',
      metadata: { name: PROVIDER },
      spec: {
        resyncInterval: '1s',
        entra: {
          tenantId: '00000000-0000-0000-0000-00000000c0fe',
          graphBaseUrl: 'http://127.0.0.1:9',
          credentials: { type: 'Emulator' },
        },
      },
    },
  });
  const log = createLogger({ level: 'silent' });
  const writer = new KubernetesStatusWriter(kube);
  const ours: StatusWriter = {
    writeRole: (r, s, signal) => writer.writeRole(r, s, signal),
    writeProvider: (p, s, signal) =>
      p.metadata.name === PROVIDER ? writer.writeProvider(p, s, signal) : Promise.resolve(),
  };
  registry = new ProviderRegistry(
    (idp) =>
      idp.metadata.name === PROVIDER
        ? Promise.resolve(memory)
        : Promise.reject(new ProviderConfigError('not this test’s IdentityProvider')),
    { get: () => Promise.reject(new Error('no secrets in this test')) },
  );
  const source = new KubernetesSource(kube, { namespace: ns, log });
  ({ controller } = newController(
    source,
    {
      registry,
      status: ours,
      events: new KubernetesEventRecorder(kube, { log }),
      log,
      options: { allowWeakening: false, defaultResyncMs: 1_000 },
    },
    { workers: 2, jitter: 0 },
  ));
  await controller.start();
});

afterAll(async () => {
  await controller?.stop();
  await registry?.close();
  await deleteProvider(api, PROVIDER);
  await kube?.close();
});

describe('holder coverage through the API server', () => {
  it('reports HoldersCovered False with the most serious gap, the count and the first holders; status stays bounded', async () => {
    await api.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      plural: 'privilegedroles',
      namespace: ns,
      body: role('payroll', 'Payroll Admin'),
    });
    const r = await until('payroll', (x) => {
      if (cond(x, 'HoldersCovered')?.status !== 'False') throw new Error('not judged yet');
    });
    expect(cond(r, 'Ready')).toMatchObject({ status: 'True', reason: 'InSync' });
    expect(cond(r, 'MFAEnforced')?.status).toBe('True');
    const holders = cond(r, 'HoldersCovered')!;
    expect(holders.reason).toBe('ExcludedByConditionalAccess');
    expect(holders.message).toBe(
      '31 of 39 holdings of Payroll Admin are not behind MFA: breakglass@payroll.test (Active: ExcludedByConditionalAccess), dg00@payroll.test (DirectGrant: DirectGrant), dg01@payroll.test (DirectGrant: DirectGrant) and 28 more',
    );
    const h = r.status?.atProvider?.holders;
    expect(h).toMatchObject({ total: 39, covered: 8, conditional: 0, uncovered: 31 });
    expect(h?.byPath).toEqual([
      { path: 'Active', total: 4, uncovered: 1, conditional: 0 },
      { path: 'DirectGrant', total: 30, uncovered: 30, conditional: 0 },
      { path: 'SignIn', total: 5, uncovered: 0, conditional: 0 },
    ]);
    expect(h?.notCovered).toHaveLength(20);
    expect(h?.notCovered?.[0]).toEqual({
      id: 'u-breakglass',
      type: 'User',
      displayName: 'breakglass',
      userPrincipalName: 'breakglass@payroll.test',
      path: 'Active',
      verdict: 'Uncovered',
      reason: 'ExcludedByConditionalAccess',
    });
    expect(h?.notCovered?.[1]).toMatchObject({ path: 'DirectGrant', via: 'legacy-cli' });

    // The printer columns, as the API server's Table renders them for kubectl.
    const table = (await kubectl(['get', 'privilegedroles', '-n', ns, 'payroll'])).stdout;
    expect(table).toMatch(
      /NAME\s+ROLE\s+MFA-REQUIRED\s+ENFORCEMENT\s+READY\s+MFA-ENFORCED\s+HOLDERS-COVERED\s+UNCOVERED\s+AGE/,
    );
    expect(table).toMatch(/payroll\s+Payroll Admin\s+true\s+\S*\s+True\s+True\s+False\s+31\s/);

    // The IdentityProvider's tenant-wide counts (both roles' holders are read, declared or not).
    const idp = await eventually(
      async () => {
        const out = (await kubectl(['get', 'identityprovider', PROVIDER])).stdout;
        if (!/HOLDERS-WITHOUT-MFA/.test(out) || !/\s32\s/.test(out)) throw new Error(out);
        return out;
      },
      30_000,
      250,
    );
    expect(idp).toMatch(/ROLES-WITHOUT-MFA\s+HOLDERS-WITHOUT-MFA/);
  });

  it('holderCoverage Require: Ready False HoldersNotCovered, not Stalled; Ready once covered, and kubectl wait sees it', async () => {
    const writesBefore = memory.writes;
    await api.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      plural: 'privilegedroles',
      namespace: ns,
      body: role('helpdesk', 'Helpdesk', {
        holderCoverage: 'Require',
        mfaOnActiveAssignment: true,
      }),
    });
    const r = await until('helpdesk', (x) => {
      if (cond(x, 'Ready')?.reason !== 'HoldersNotCovered') throw new Error('not yet');
    });
    expect(cond(r, 'Ready')?.status).toBe('False');
    expect(cond(r, 'Ready')?.message).toContain(
      'holderCoverage is Require and 1 of 1 holdings of Helpdesk are not behind MFA: dana@payroll.test (Active: StandingAccessWithoutMfa)',
    );
    expect(cond(r, 'Stalled')).toBeUndefined();
    expect(cond(r, 'Reconciling')).toBeUndefined();
    expect(cond(r, 'HoldersCovered')).toMatchObject({
      status: 'False',
      reason: 'StandingAccessWithoutMfa',
    });
    // mfaOnActiveAssignment: the assignment rule was turned on, once, and status says so.
    expect(memory.roles.find((x) => x.id === 'r-helpdesk')?.assignmentMfa).toBe(true);
    expect(memory.writes).toBe(writesBefore + 1);
    expect(r.status?.atProvider?.mfaOnActiveAssignment).toBe(true);
    expect(r.status?.drift?.corrections).toBe(1);
    await kubectl([
      'wait',
      '--for=condition=Ready=false',
      '-n',
      ns,
      'privilegedrole/helpdesk',
      '--timeout=30s',
    ]);

    // A Conditional Access policy now covers dana: on the next resync the object becomes Ready by itself.
    const live = memory.roles.find((x) => x.id === 'r-helpdesk')!;
    live.coverage!.policies = [
      {
        id: 'p-dana',
        displayName: 'Dana MFA',
        state: 'enabled',
        requiresMfa: true,
        include: { all: false, users: ['u-dana'], groups: [], roles: [] },
        exclude: { all: false, users: [], groups: [], roles: [] },
        applications: { scope: 'All', authenticationContexts: [] },
        unjudged: [],
      },
    ];
    await kubectl([
      'wait',
      '--for=condition=Ready',
      '-n',
      ns,
      'privilegedrole/helpdesk',
      '--timeout=30s',
    ]);
    const covered = await get('helpdesk');
    expect(cond(covered, 'HoldersCovered')).toMatchObject({
      status: 'True',
      reason: 'AllHoldersCovered',
      message: 'All 1 holdings of Helpdesk are behind MFA',
    });
    expect(covered.status?.atProvider?.holders).toMatchObject({
      total: 1,
      covered: 1,
      uncovered: 0,
    });
    expect(covered.status?.atProvider?.holders?.notCovered).toBeUndefined();
    expect(memory.writes).toBe(writesBefore + 1);
    const table = (await kubectl(['get', 'privilegedroles', '-n', ns, 'helpdesk'])).stdout;
    expect(table).toMatch(/helpdesk\s+Helpdesk\s+true\s+\S*\s+True\s+True\s+True\s+0\s/);
  });
});
