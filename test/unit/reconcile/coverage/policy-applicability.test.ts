import { describe, expect, it } from 'vitest';
import type { AccessPolicy, Holding } from '../../../../src/api/coverage.js';
import {
  policyApplicability,
  type Applicability,
  type PolicyTarget,
} from '../../../../src/reconcile/coverage/policy-applicability.js';
import { contextPolicy, GA, holding, policy, set, user } from './fixtures.js';

const ALL: PolicyTarget = { kind: 'AllApps' };
const alice = holding(user('alice'), 'Active');

interface Case {
  name: string;
  reason: string;
  policy: AccessPolicy;
  target?: PolicyTarget;
  holding?: Holding;
  groups?: string[];
  directoryRoleId?: string;
  holdsRole?: boolean;
  want: Applicability['kind'];
  by?: string;
  conditional?: boolean;
}

const cases: Case[] = [
  {
    name: 'all users',
    reason: 'includeUsers All names every user',
    policy: policy(),
    want: 'Applies',
    conditional: false,
  },
  {
    name: 'report-only',
    reason: 'report-only policies never ask anyone for anything',
    policy: policy({ state: 'enabledForReportingButNotEnforced' }),
    want: 'NotEnforcing',
  },
  {
    name: 'disabled',
    reason: 'a disabled policy is not in force',
    policy: policy({ state: 'disabled' }),
    want: 'NotEnforcing',
  },
  {
    name: 'no MFA grant',
    reason:
      'a policy that only blocks legacy auth or requires a compliant device asks for no second factor',
    policy: policy({ requiresMfa: false }),
    want: 'NotEnforcing',
  },
  {
    name: 'some apps',
    reason: 'a policy for some apps does not see every use of the role',
    policy: policy({ applications: { scope: 'Some', authenticationContexts: [] } }),
    want: 'NotEnforcing',
  },
  {
    name: 'context policy, all-apps use',
    reason: 'a policy for an authentication context is not asked at ordinary sign-in',
    policy: contextPolicy('c1'),
    want: 'NotEnforcing',
  },
  {
    name: 'context policy, its context',
    reason:
      'a policy targeting c1 applies when c1 is demanded (claim values compared without case)',
    policy: contextPolicy('C1'),
    target: { kind: 'Context', claimValue: 'c1' },
    want: 'Applies',
    conditional: false,
  },
  {
    name: 'context policy, another context',
    reason: 'a policy for c2 does not apply when the role demands c1',
    policy: contextPolicy('c2'),
    target: { kind: 'Context', claimValue: 'c1' },
    want: 'NotEnforcing',
  },
  {
    name: 'all-apps policy, context use',
    reason: 'activation through a context is evaluated against policies for that context only',
    policy: policy(),
    target: { kind: 'Context', claimValue: 'c1' },
    want: 'NotEnforcing',
  },
  {
    name: 'user included',
    reason: 'includeUsers names the holder (ids compared without case)',
    policy: policy({ include: set({ users: ['U-ALICE'] }) }),
    want: 'Applies',
    conditional: false,
  },
  {
    name: 'other user included',
    reason: 'a policy for someone else does not apply',
    policy: policy({ include: set({ users: ['u-bob'] }) }),
    want: 'NotIncluded',
  },
  {
    name: 'group included',
    reason: 'includeGroups names a group the holder is in',
    policy: policy({ include: set({ groups: ['g-admins'] }) }),
    groups: ['g-admins'],
    want: 'Applies',
    conditional: false,
  },
  {
    name: 'role included, standing holder',
    reason: 'includeRoles names the directory role a standing holder is a member of',
    policy: policy({ include: set({ roles: [GA] }) }),
    directoryRoleId: GA,
    want: 'Applies',
    conditional: false,
  },
  {
    name: 'role included, not yet in the role',
    reason:
      'an eligible holder activating is not in the role yet: includeRoles does not reach them',
    policy: contextPolicy('c1', { include: set({ roles: [GA] }) }),
    target: { kind: 'Context', claimValue: 'c1' },
    directoryRoleId: GA,
    holdsRole: false,
    want: 'NotIncluded',
  },
  {
    name: 'role included, provider has no role id',
    reason: 'without the role id includeRoles cannot be matched and is not assumed',
    policy: policy({ include: set({ roles: [GA] }) }),
    want: 'NotIncluded',
  },
  {
    name: 'user excluded',
    reason: 'excludeUsers wins over includeUsers All',
    policy: policy({ exclude: set({ users: ['u-alice'] }) }),
    want: 'Excluded',
    by: 'user',
  },
  {
    name: 'group excluded',
    reason: 'excludeGroups names a group the holder is in (transitively, see holder-groups)',
    policy: policy({ exclude: set({ groups: ['g-breakglass'] }) }),
    groups: ['g-admins', 'g-breakglass'],
    want: 'Excluded',
    by: 'group',
  },
  {
    name: 'role excluded',
    reason: 'excludeRoles naming the role removes its holders',
    policy: policy({ exclude: set({ roles: [GA] }) }),
    directoryRoleId: GA,
    want: 'Excluded',
    by: 'role',
  },
  {
    name: 'role excluded, not yet in the role',
    reason:
      'an exclusion by role is honoured even before activation: rolegate does not claim what it may undo',
    policy: contextPolicy('c1', { exclude: set({ roles: [GA] }) }),
    target: { kind: 'Context', claimValue: 'c1' },
    directoryRoleId: GA,
    holdsRole: false,
    want: 'Excluded',
    by: 'role',
  },
  {
    name: 'excluded but not included',
    reason: 'an exclusion only matters when the include named the holder',
    policy: policy({ include: set({ users: ['u-bob'] }), exclude: set({ users: ['u-alice'] }) }),
    want: 'NotIncluded',
  },
  {
    name: 'unjudged conditions',
    reason: 'locations rolegate cannot judge make the cover conditional',
    policy: policy({ unjudged: ['locations'] }),
    want: 'Applies',
    conditional: true,
  },
  {
    name: 'service principal',
    reason: 'user policies do not apply to applications, even for All users',
    policy: policy(),
    holding: holding({ id: 'sp-1', type: 'ServicePrincipal', displayName: 'deploy' }, 'Active'),
    want: 'NotIncluded',
  },
];

describe('policyApplicability', () => {
  it.each(cases)('$name: $reason', (c) => {
    const got = policyApplicability(c.policy, c.target ?? ALL, {
      holding: c.holding ?? alice,
      groups: new Set(c.groups ?? []),
      directoryRoleId: c.directoryRoleId,
      holdsRoleWhenEvaluated: c.holdsRole ?? true,
    });
    expect(got.kind).toBe(c.want);
    if (got.kind === 'Excluded') expect(got.by).toBe(c.by);
    if (got.kind === 'Applies') expect(got.conditional).toBe(c.conditional);
  });
});
