import { describe, expect, it } from 'vitest';
import type { IdentityProviderStatus } from '../../../src/api/v1alpha1/types.js';
import {
  nextProviderStatus,
  type ProviderObservation,
} from '../../../src/reconcile/provider-status.js';
import type { LiveRole } from '../../../src/api/observation.js';
import { live } from './fixtures.js';
import { facts, holding, policy, set, user } from './coverage/fixtures.js';

const T0 = '2026-01-01T00:00:00Z';
const T1 = '2026-01-01T00:05:00Z';
const ctx = { type: 'entra', generation: 3, now: T1 };
const withMfa = live({ roleId: 'a', roleDisplayName: 'A', mfaRule: true });
const without = live({ roleId: 'b', roleDisplayName: 'B' });
const observed: ProviderObservation = {
  kind: 'Observed',
  roles: [withMfa, without],
  declared: new Set(['b']),
};
const readyBefore: IdentityProviderStatus = {
  type: 'entra',
  observedGeneration: 3,
  conditions: [
    {
      type: 'Ready',
      status: 'True',
      reason: 'CredentialsReady',
      message: 'Connected; 2 roles observed, 1 without MFA on activation',
      observedGeneration: 3,
      lastTransitionTime: T0,
    },
  ],
  alerts: {
    rolesWithoutMfa: 1,
    roles: [{ roleId: 'b', roleDisplayName: 'B', severity: 'medium', declared: true }],
  },
};

const cases: {
  name: string;
  reason: string;
  prev?: IdentityProviderStatus;
  obs: ProviderObservation;
  conditions: string[];
  alerts?: number;
  since?: string;
}[] = [
  {
    name: 'Observed',
    reason: 'a read snapshot makes the provider Ready and lists the roles without MFA',
    obs: observed,
    conditions: ['Ready=True CredentialsReady'],
    alerts: 1,
    since: T1,
  },
  {
    name: 'ObservedAgain',
    reason: 'the same observation keeps the transition time, so the status compares equal',
    prev: readyBefore,
    obs: observed,
    conditions: ['Ready=True CredentialsReady'],
    alerts: 1,
    since: T0,
  },
  {
    name: 'Transient',
    reason: 'an unavailable provider is Reconciling, and the last known alerts stay',
    prev: readyBefore,
    obs: {
      kind: 'Failed',
      problem: { reason: 'ProviderError', message: 'HTTP 503', stalled: false },
    },
    conditions: ['Ready=False ProviderError', 'Reconciling=True ProgressingWithRetry'],
    alerts: 1,
    since: T1,
  },
  {
    name: 'Stalled',
    reason: 'missing permissions stall the provider',
    obs: {
      kind: 'Failed',
      problem: { reason: 'PermissionDenied', message: 'needs X', stalled: true },
    },
    conditions: ['Ready=False PermissionDenied', 'Stalled=True PermissionDenied'],
  },
  {
    name: 'Invalid',
    reason:
      'an IdentityProvider with schema errors is not used and not Ready: Stalled with the error',
    prev: readyBefore,
    obs: { kind: 'Invalid', problems: ['/spec/entra/tenantId: must be a GUID'] },
    conditions: ['Ready=False InvalidSpec', 'Stalled=True InvalidSpec'],
    alerts: 1,
  },
];

describe('nextProviderStatus', () => {
  it.each(cases)('$name: $reason', (c) => {
    const s = nextProviderStatus(c.prev, c.obs, ctx);
    expect(s.type).toBe('entra');
    expect(s.observedGeneration).toBe(3);
    expect(
      s.conditions?.map((x) => `${x.type}=${x.status} ${x.reason}`),
      c.reason,
    ).toEqual(c.conditions);
    expect(s.alerts?.rolesWithoutMfa).toBe(c.alerts);
    if (c.since) expect(s.conditions?.[0]?.lastTransitionTime).toBe(c.since);
    if (c.obs.kind === 'Invalid')
      expect(s.conditions?.[1]?.message).toContain('/spec/entra/tenantId: must be a GUID');
  });

  it('marks which roles without MFA some PrivilegedRole declares', () => {
    const s = nextProviderStatus(undefined, observed, ctx);
    expect(s.alerts?.roles).toEqual([
      { roleId: 'b', roleDisplayName: 'B', severity: 'medium', declared: true },
    ]);
  });
});

describe('tenant-wide holder counts', () => {
  const standing = (name: string) => holding(user(name), 'Active');
  const covering = live({
    roleId: 'c',
    roleDisplayName: 'C',
    mfaRule: true,
    coverage: facts({ holdings: [standing('amy'), standing('bob')], policies: [policy()] }),
  });
  const gaps = live({
    roleId: 'd',
    roleDisplayName: 'D',
    mfaRule: true,
    coverage: facts({
      holdings: [standing('cat'), standing('dan'), holding(user('eve'), 'Eligible')],
      policies: [
        policy({ exclude: set({ users: ['u-cat'] }), include: set({ users: ['u-cat'] }) }),
        policy({
          id: 'p2',
          displayName: 'Cond',
          include: set({ users: ['u-dan'] }),
          unjudged: ['locations'],
        }),
      ],
    }),
  });
  const cases: {
    name: string;
    reason: string;
    roles: LiveRole[];
    want: [holders: number, withoutMfa: number] | undefined;
    message: string;
  }[] = [
    {
      name: 'holders not read',
      reason: 'a provider that reads no holders reports no counts (unknown, not zero)',
      roles: [withMfa, without],
      want: undefined,
      message: 'Connected; 2 roles observed, 1 without MFA on activation',
    },
    {
      name: 'summed over roles',
      reason:
        'holdings of every role whose holders were read; uncovered and conditional both count as without MFA',
      roles: [withMfa, covering, gaps],
      want: [5, 2],
      message:
        'Connected; 3 roles observed, 0 without MFA on activation; 2 of 5 holdings not behind MFA',
    },
  ];
  it.each(cases)('$name: $reason', (c) => {
    const s = nextProviderStatus(
      undefined,
      { kind: 'Observed', roles: c.roles, declared: new Set() },
      ctx,
    );
    expect(
      c.want === undefined ? undefined : [s.alerts?.holders, s.alerts?.holdersWithoutMfa],
    ).toEqual(c.want);
    if (c.want === undefined) expect(s.alerts).not.toHaveProperty('holders');
    expect(s.conditions?.[0]?.message).toBe(c.message);
  });
});
