// The PrivilegedRole reconciler driven by fakes of rolegate's own interfaces: each branch takes the same steps
// (Event, conditions, status, Result), checked here per case.
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/providers/types.js';
import { STATUS_FORBIDDEN_EVENT } from '../../../src/controller/status-reporter.js';
import { GA, T0, harness, liveRole, provider, role } from './fakes.js';

type H = ReturnType<typeof harness>;
const KEY = 'identity/ga';

/** The conditions of a role that requires MFA, its holders not read. */
const IN_SYNC = [
  'Ready=True InSync',
  'MFAEnforced=True MFARequired',
  'HoldersCovered=Unknown HoldersNotObserved',
];

const cases: {
  name: string;
  reason: string;
  setup: (h: H) => void;
  conditions: string[];
  events: string[];
  result: 'done' | 'retry';
  writes: number;
}[] = [
  {
    name: 'InSync',
    reason: 'a role that already requires MFA: Ready, nothing written, no Event',
    setup: (h) => h.client.roles.set(GA, liveRole({ mfaRule: true })),
    conditions: IN_SYNC,
    events: [],
    result: 'done',
    writes: 0,
  },
  {
    name: 'Corrected',
    reason: 'drift is written, verified on read-back, and reported once as corrected',
    setup: () => undefined,
    conditions: IN_SYNC,
    events: ['Warning DriftCorrected'],
    result: 'done',
    writes: 1,
  },
  {
    name: 'AlreadyCorrected',
    reason:
      'the provider finds the drift the snapshot showed already gone: nothing written, no correction reported',
    setup: (h) => (h.client.alreadyAsWanted = true),
    conditions: IN_SYNC,
    events: [],
    result: 'done',
    writes: 1,
  },
  {
    name: 'NotVerified',
    reason: 'a write the read-back does not show is retried and reported as not verified',
    setup: (h) => (h.client.ignoreWrites = true),
    conditions: [
      'Ready=False DriftDetected',
      'Reconciling=True DriftDetected',
      'MFAEnforced=False MFANotRequired',
      'HoldersCovered=Unknown HoldersNotObserved',
    ],
    events: ['Warning WriteNotVerified'],
    result: 'retry',
    writes: 1,
  },
  {
    name: 'WriteForbidden',
    reason: 'a write refused for lack of permission stalls the object and is not retried',
    setup: (h) =>
      (h.client.applyError = new ProviderError(
        'PermissionDenied',
        'needs RoleManagement.ReadWrite',
      )),
    conditions: [
      'Ready=False PermissionDenied',
      'Stalled=True PermissionDenied',
      'MFAEnforced=False MFANotRequired',
      'HoldersCovered=Unknown HoldersNotObserved',
    ],
    events: ['Warning ProviderError'],
    result: 'done',
    writes: 1,
  },
  {
    name: 'WriteThrottled',
    reason: 'a throttled write is Reconciling and retried',
    setup: (h) =>
      (h.client.applyError = new ProviderError('Throttled', 'slow down', { retryAfterMs: 45_000 })),
    conditions: [
      'Ready=False Throttled',
      'Reconciling=True ProgressingWithRetry',
      'MFAEnforced=False MFANotRequired',
      'HoldersCovered=Unknown HoldersNotObserved',
    ],
    events: ['Warning ProviderError'],
    result: 'retry',
    writes: 1,
  },
  {
    name: 'Audit',
    reason: 'Audit drift is reported, never written',
    setup: (h) => h.source.roles.set(KEY, role('ga', { enforcement: 'Audit' })),
    conditions: [
      'Ready=False DriftDetected',
      'MFAEnforced=False MFANotRequired',
      'HoldersCovered=Unknown HoldersNotObserved',
    ],
    events: ['Warning DriftDetected'],
    result: 'done',
    writes: 0,
  },
  {
    name: 'WeakeningRefused',
    reason: 'removing MFA without --allow-weakening is refused and stalls',
    setup: (h) => {
      h.client.roles.set(GA, liveRole({ mfaRule: true }));
      h.source.roles.set(KEY, role('ga', { mfaRequired: false }));
    },
    conditions: [
      'Ready=False WeakeningRefused',
      'Stalled=True WeakeningRefused',
      'MFAEnforced=True MFARequired',
      'HoldersCovered=Unknown HoldersNotObserved',
    ],
    events: ['Warning WeakeningRefused'],
    result: 'done',
    writes: 0,
  },
  {
    name: 'ProviderNotFound',
    reason: 'a missing IdentityProvider stalls the role',
    setup: (h) => h.source.providers.delete('tenant'),
    conditions: [
      'Ready=False ProviderNotFound',
      'Stalled=True ProviderNotFound',
      'MFAEnforced=Unknown Unknown',
      'HoldersCovered=Unknown HoldersNotObserved',
    ],
    events: [],
    result: 'done',
    writes: 0,
  },
  {
    name: 'ProviderInvalid',
    reason: 'an IdentityProvider with schema errors is not used: the role stalls, nothing is read',
    setup: (h) =>
      h.source.providers.set('tenant', {
        ...provider(),
        metadata: { name: 'tenant', generation: 2 },
      }),
    conditions: [
      'Ready=False ProviderNotReady',
      'Stalled=True ProviderNotReady',
      'MFAEnforced=Unknown Unknown',
      'HoldersCovered=Unknown HoldersNotObserved',
    ],
    events: [],
    result: 'done',
    writes: 0,
  },
  {
    name: 'Timeout',
    reason: 'a read past its deadline: Reconciling with a reason, retried, MFAEnforced Unknown',
    setup: (h) =>
      (h.client.snapshotError = new ProviderError('Unavailable', 'no answer within 30s', {
        code: 'Timeout',
      })),
    conditions: [
      'Ready=False ProviderError',
      'Reconciling=True ProgressingWithRetry',
      'MFAEnforced=Unknown Unknown',
      'HoldersCovered=Unknown HoldersNotObserved',
    ],
    events: [],
    result: 'retry',
    writes: 0,
  },
];

describe('RoleReconciler', () => {
  it.each(cases)('$name: $reason', async (c) => {
    const h = harness({ invalid: c.name === 'ProviderInvalid' ? ['tenant'] : [] });
    h.source.providers.set('tenant', provider());
    h.source.roles.set(KEY, role('ga'));
    c.setup(h);
    const result = await h.reconciler.reconcile(KEY);
    expect(result.kind, c.reason).toBe(c.result);
    expect(h.conditions(KEY), c.reason).toEqual(c.conditions);
    expect(h.rec.events.map((e) => `${e.type} ${e.reason}`)).toEqual(c.events);
    expect(h.client.applied).toHaveLength(c.writes);
    if (c.name === 'ProviderInvalid') expect(h.builds()).toBe(0);
    if (c.name === 'AlreadyCorrected' || c.name === 'Corrected')
      expect(h.source.roles.get(KEY)?.status?.drift?.corrections ?? 0).toBe(
        c.name === 'Corrected' ? 1 : 0,
      );
  });

  it('a status that did not change is not written again', async () => {
    const h = harness();
    h.source.providers.set('tenant', provider());
    h.source.roles.set(KEY, role('ga'));
    await h.reconciler.reconcile(KEY);
    const writes = h.rec.roleWrites;
    await h.reconciler.reconcile(KEY);
    expect(writes).toBe(1);
    expect(h.rec.roleWrites).toBe(1);
  });

  it('after ProviderNotFound, MFAEnforced says when the role was last observed, and is no longer True', async () => {
    const h = harness();
    h.source.providers.set('tenant', provider());
    h.source.roles.set(KEY, role('ga'));
    await h.reconciler.reconcile(KEY);
    const observedAt = h.source.roles.get(KEY)?.status?.atProvider?.observedAt;
    expect(observedAt).toBeDefined();
    h.source.providers.delete('tenant');
    await h.reconciler.reconcile(KEY);
    const mfa = h.source.roles.get(KEY)?.status?.conditions?.find((x) => x.type === 'MFAEnforced');
    expect(mfa?.status).toBe('Unknown');
    expect(mfa?.message).toBe(
      `The role is not observed now (ProviderNotFound); it was last observed at ${observedAt}`,
    );
  });

  it('never starts a provider write once the stop signal is aborted, and writes no status', async () => {
    const h = harness();
    h.source.providers.set('tenant', provider());
    h.source.roles.set(KEY, role('ga'));
    const stop = new AbortController();
    // The snapshot is read, then the stop signal comes before the write would start.
    const snapshot = h.client.snapshot.bind(h.client);
    h.client.snapshot = () => {
      stop.abort();
      return snapshot();
    };
    const result = await h.reconciler.reconcile(KEY, stop.signal);
    expect(result.kind).toBe('retry');
    expect(h.client.applied).toEqual([]);
    expect(h.rec.roleWrites).toBe(0);
  });

  it('writes the stop kept from being sent are not reported as failures: no Event, no status, retried', async () => {
    const h = harness();
    h.source.providers.set('tenant', provider());
    h.source.roles.set(KEY, role('ga'));
    const stop = new AbortController();
    const apply = h.client.apply.bind(h.client);
    h.client.apply = (actions) => {
      stop.abort();
      h.client.applyError = new ProviderError('Unavailable', 'not sent, stopping', {
        code: 'Aborted',
      });
      return apply(actions);
    };
    expect((await h.reconciler.reconcile(KEY, stop.signal)).kind).toBe('retry');
    expect(h.rec.events).toEqual([]);
    expect(h.rec.roleWrites).toBe(0);
  });

  it('a write queued for a batch is not sent when the stop signal comes during the batch window', async () => {
    const h = harness();
    h.source.providers.set('tenant', provider());
    h.source.roles.set(KEY, role('ga'));
    const session = await h.registry.session(provider());
    const stop = new AbortController();
    const write = session.apply(
      [
        {
          kind: 'SetMfa',
          roleId: GA,
          roleDisplayName: 'GA',
          handle: 'p1',
          scope: '/',
          switchName: 'ActivationRule',
          enabled: true,
          before: 'off',
          after: 'on',
        },
      ],
      stop.signal,
    );
    stop.abort();
    await expect(write).rejects.toThrow();
    expect(h.client.applied).toEqual([]);
  });

  it('id and display name of one role are one claim: the newer object is a Conflict naming the older', async () => {
    const h = harness();
    h.source.providers.set('tenant', provider());
    h.source.roles.set('identity/old', role('old', {}, { creationTimestamp: T0 }));
    h.source.roles.set(
      'identity/new',
      role(
        'new',
        { role: { displayName: 'Global Administrator' } },
        { creationTimestamp: '2026-06-01T00:00:00Z' },
      ),
    );
    // the newer one first: it must not take the role although it is reconciled before the owner
    await h.reconciler.reconcile('identity/new');
    await h.reconciler.reconcile('identity/old');
    await h.reconciler.reconcile('identity/new');
    expect(h.conditions('identity/new')).toEqual([
      'Ready=False Conflict',
      'Stalled=True Conflict',
      'MFAEnforced=True MFARequired',
      'HoldersCovered=Unknown HoldersNotObserved',
    ]);
    expect(h.source.roles.get('identity/new')?.status?.conditions?.[0]?.message).toContain(
      'older PrivilegedRole identity/old',
    );
    expect(h.conditions('identity/old')[0]).toBe('Ready=True InSync');
    expect(h.client.applied).toHaveLength(1);
  });

  it('a status write refused with 403: a Warning Event, readiness not ok, retried; a later write clears it', async () => {
    const h = harness();
    h.source.providers.set('tenant', provider());
    h.source.roles.set(KEY, role('ga'));
    h.client.roles.set(GA, liveRole({ mfaRule: true }));
    h.rec.refuseStatus = 403;
    const result = await h.reconciler.reconcile(KEY);
    expect(result.kind).toBe('retry');
    expect(h.rec.events.map((e) => e.reason)).toEqual([STATUS_FORBIDDEN_EVENT]);
    expect(h.controller.readiness.ok).toBe(false);
    expect(h.controller.readiness.describe()[0]).toMatch(/privilegedroles\/status/);
    h.rec.refuseStatus = undefined;
    expect((await h.reconciler.reconcile(KEY)).kind).toBe('done');
    expect(h.controller.readiness.ok).toBe(true);
  });
});

describe('RoleReconciler finalize', () => {
  const deleting = (spec = {}) =>
    role(
      'ga',
      { deletionPolicy: 'ResetToDefault', ...spec },
      {
        deletionTimestamp: '2026-01-03T00:00:00Z',
        finalizers: ['rolegate.io/reset-to-default'],
      },
    );

  it('resets to the provider default with the same applyAndVerify, then releases the object', async () => {
    const h = harness();
    h.source.providers.set('tenant', provider());
    h.source.roles.set(KEY, deleting({ mfaRequired: false }));
    expect((await h.reconciler.reconcile(KEY)).kind).toBe('done');
    expect(h.client.applied).toHaveLength(1);
    expect(h.rec.events.map((e) => `${e.type} ${e.reason}`)).toEqual(['Normal ResetToDefault']);
    expect(h.rec.finalizerWrites).toEqual([{ key: KEY, present: false }]);
  });

  it('a throttled reset keeps the finalizer and retries', async () => {
    const h = harness();
    h.source.providers.set('tenant', provider());
    h.source.roles.set(KEY, deleting({ mfaRequired: false }));
    h.client.applyError = new ProviderError('Throttled', 'slow down');
    expect((await h.reconciler.reconcile(KEY)).kind).toBe('retry');
    expect(h.rec.events.map((e) => e.reason)).toEqual(['ResetFailed']);
    expect(h.rec.finalizerWrites).toEqual([]);
  });

  it('a reset refused for good releases the object and says why', async () => {
    const h = harness();
    h.source.providers.set('tenant', provider());
    h.source.roles.set(KEY, deleting({ mfaRequired: false }));
    h.client.applyError = new ProviderError('PermissionDenied', 'no write permission');
    expect((await h.reconciler.reconcile(KEY)).kind).toBe('done');
    expect(h.rec.events.map((e) => e.reason)).toEqual(['ResetFailed']);
    expect(h.rec.finalizerWrites).toEqual([{ key: KEY, present: false }]);
  });

  it('never starts the reset write once the stop signal is aborted, and keeps the finalizer', async () => {
    const h = harness();
    h.source.providers.set('tenant', provider());
    h.source.roles.set(KEY, deleting({ mfaRequired: false }));
    const stop = new AbortController();
    const snapshot = h.client.snapshot.bind(h.client);
    h.client.snapshot = () => {
      stop.abort();
      return snapshot();
    };
    expect((await h.reconciler.reconcile(KEY, stop.signal)).kind).toBe('retry');
    expect(h.client.applied).toEqual([]);
    expect(h.rec.finalizerWrites).toEqual([]);
  });
});
