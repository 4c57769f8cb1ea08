// Pure mapping of Graph conditionalAccessPolicy objects to the AccessPolicy coverage is judged with: one table,
// a reason per case.
import { describe, expect, it } from 'vitest';
import type { AccessPolicy } from '../../../../src/api/coverage.js';
import type { LiveRole } from '../../../../src/api/observation.js';
import {
  accessPolicyFromGraph,
  attachAccessPolicies,
  grantRequiresMfa,
  includesAnyone,
} from '../../../../src/providers/entra/access-policy.js';
import type { GraphConditionalAccessPolicy } from '../../../../src/providers/entra/conditional-access.js';

const GA = '62e90394-69f5-4237-9190-012177145e10';
const USER = 'A1B2C3D4-0000-4000-8000-00000000000A';
const GROUP = 'B1B2C3D4-0000-4000-8000-00000000000B';

type Conditions = NonNullable<GraphConditionalAccessPolicy['conditions']>;

/** A policy as Graph returns one: enabled, all users, all apps, mfa, no other condition. */
function graphPolicy(
  change: {
    state?: string;
    users?: Conditions['users'];
    applications?: Conditions['applications'];
    grant?: GraphConditionalAccessPolicy['grantControls'];
    other?: Omit<Conditions, 'users' | 'applications'>;
  } = {},
): GraphConditionalAccessPolicy {
  return {
    id: 'C0FFEE00-0000-4000-8000-000000000001',
    displayName: 'Admins MFA',
    state: change.state ?? 'enabled',
    conditions: {
      users: change.users ?? { includeUsers: ['All'], excludeUsers: [] },
      applications: change.applications ?? { includeApplications: ['All'] },
      clientAppTypes: ['all'],
      locations: null,
      platforms: null,
      devices: null,
      signInRiskLevels: [],
      userRiskLevels: [],
      insiderRiskLevels: null,
      authenticationFlows: null,
      ...change.other,
    },
    grantControls:
      change.grant === undefined ? { operator: 'OR', builtInControls: ['mfa'] } : change.grant,
  };
}

const none = { all: false, users: [], groups: [], roles: [] };

describe('accessPolicyFromGraph', () => {
  it.each<[string, GraphConditionalAccessPolicy, Partial<AccessPolicy>]>([
    [
      'all users, all apps, mfa: the plain policy; the id is lower-cased',
      graphPolicy(),
      {
        id: 'c0ffee00-0000-4000-8000-000000000001',
        state: 'enabled',
        requiresMfa: true,
        include: { ...none, all: true },
        exclude: none,
        applications: { scope: 'All', authenticationContexts: [] },
        unjudged: [],
      },
    ],
    [
      'an authentication strength requires MFA like the mfa control',
      graphPolicy({
        grant: {
          operator: 'OR',
          builtInControls: [],
          authenticationStrength: { id: '00000000-0000-0000-0000-000000000002' },
        },
      }),
      { requiresMfa: true },
    ],
    [
      'only compliantDevice: no second factor is asked',
      graphPolicy({ grant: { operator: 'OR', builtInControls: ['compliantDevice'] } }),
      { requiresMfa: false },
    ],
    [
      'mfa OR compliantDevice: the user may pick the device, so MFA is not unavoidable',
      graphPolicy({ grant: { operator: 'OR', builtInControls: ['mfa', 'compliantDevice'] } }),
      { requiresMfa: false },
    ],
    [
      'mfa AND compliantDevice: both apply',
      graphPolicy({ grant: { operator: 'AND', builtInControls: ['mfa', 'compliantDevice'] } }),
      { requiresMfa: true },
    ],
    [
      'a block grant is not MFA',
      graphPolicy({ grant: { operator: 'OR', builtInControls: ['block'] } }),
      { requiresMfa: false },
    ],
    [
      'no grant controls (session controls only)',
      graphPolicy({ grant: null }),
      { requiresMfa: false },
    ],
    [
      'report-only keeps its state (the core never counts it)',
      graphPolicy({ state: 'enabledForReportingButNotEnforced' }),
      { state: 'enabledForReportingButNotEnforced' },
    ],
    [
      'state is matched case-insensitively',
      graphPolicy({ state: 'Disabled' }),
      { state: 'disabled' },
    ],
    [
      'an unknown state reads as disabled: it never covers',
      graphPolicy({ state: 'somethingNew' }),
      { state: 'disabled' },
    ],
    [
      'some apps: the policy does not see every use of the role',
      graphPolicy({
        applications: { includeApplications: ['00000003-0000-0000-c000-000000000000'] },
      }),
      { applications: { scope: 'Some', authenticationContexts: [] } },
    ],
    [
      'Office365 is some apps, not all',
      graphPolicy({ applications: { includeApplications: ['Office365'] } }),
      { applications: { scope: 'Some', authenticationContexts: [] } },
    ],
    [
      'user actions only: some, not all',
      graphPolicy({
        applications: {
          includeApplications: [],
          includeUserActions: ['urn:user:registersecurityinfo'],
        },
      }),
      { applications: { scope: 'Some', authenticationContexts: [] } },
    ],
    [
      'authentication contexts only: no apps, contexts lower-cased',
      graphPolicy({
        applications: {
          includeApplications: [],
          includeAuthenticationContextClassReferences: ['C2', 'c1'],
        },
      }),
      { applications: { scope: 'None', authenticationContexts: ['c1', 'c2'] } },
    ],
    [
      'includeApplications None is no apps',
      graphPolicy({ applications: { includeApplications: ['None'] } }),
      { applications: { scope: 'None', authenticationContexts: [] } },
    ],
    [
      'All apps but some excluded: judged only conditionally',
      graphPolicy({
        applications: {
          includeApplications: ['All'],
          excludeApplications: ['797f4846-ba00-4fd7-ba43-dac1f8f63013'],
        },
      }),
      {
        applications: { scope: 'All', authenticationContexts: [] },
        unjudged: ['excludeApplications'],
      },
    ],
    [
      'roles, groups and users by id, lower-cased; excluded user kept',
      graphPolicy({
        users: {
          includeUsers: [],
          includeRoles: [GA.toUpperCase()],
          includeGroups: [GROUP],
          excludeUsers: [USER],
          excludeGroups: [],
          excludeRoles: [],
        },
      }),
      {
        include: { ...none, groups: [GROUP.toLowerCase()], roles: [GA] },
        exclude: { ...none, users: [USER.toLowerCase()] },
        unjudged: [],
      },
    ],
    [
      'includeUsers None names nobody',
      graphPolicy({ users: { includeUsers: ['None'] } }),
      { include: none },
    ],
    [
      'includeUsers GuestsOrExternalUsers: guests cannot be told apart, so nobody is claimed covered',
      graphPolicy({ users: { includeUsers: ['GuestsOrExternalUsers'] } }),
      { include: none, unjudged: [] },
    ],
    [
      'excludeUsers GuestsOrExternalUsers: a holder might be a guest, so coverage is conditional',
      graphPolicy({ users: { includeUsers: ['All'], excludeUsers: ['GuestsOrExternalUsers'] } }),
      {
        include: { ...none, all: true },
        exclude: none,
        unjudged: ['excludeGuestsOrExternalUsers'],
      },
    ],
    [
      'the structured excludeGuestsOrExternalUsers is the same exclusion',
      graphPolicy({
        users: {
          includeUsers: ['All'],
          excludeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'b2bCollaborationGuest' },
        },
      }),
      { unjudged: ['excludeGuestsOrExternalUsers'] },
    ],
    [
      'excludeUsers All excludes everyone',
      graphPolicy({ users: { includeUsers: ['All'], excludeUsers: ['All'] } }),
      { exclude: { ...none, all: true } },
    ],
    [
      'clientAppTypes other than all, locations, platforms, risks, devices, insider risk and flows are collected by name, sorted',
      graphPolicy({
        other: {
          clientAppTypes: ['browser', 'mobileAppsAndDesktopClients'],
          locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] },
          platforms: { includePlatforms: ['android'], excludePlatforms: [] },
          devices: { deviceFilter: { mode: 'exclude', rule: 'device.isCompliant -eq True' } },
          signInRiskLevels: ['high'],
          userRiskLevels: ['medium'],
          insiderRiskLevels: 'elevated',
          authenticationFlows: { transferMethods: 'deviceCodeFlow' },
        },
      }),
      {
        unjudged: [
          'authenticationFlows',
          'clientAppTypes',
          'devices',
          'insiderRiskLevels',
          'locations',
          'platforms',
          'signInRiskLevels',
          'userRiskLevels',
        ],
      },
    ],
    [
      'conditions at their everything value are no conditions',
      graphPolicy({
        other: {
          clientAppTypes: ['all'],
          locations: { includeLocations: ['All'], excludeLocations: [] },
          platforms: { includePlatforms: ['all'], excludePlatforms: [] },
        },
      }),
      { unjudged: [] },
    ],
    [
      'deviceStates (beta) is a condition too',
      graphPolicy({
        other: { deviceStates: { includeStates: ['All'], excludeStates: ['Compliant'] } },
      }),
      { unjudged: ['deviceStates'] },
    ],
  ])('%s', (_reason, graph, want) => {
    expect(accessPolicyFromGraph(graph)).toMatchObject(want);
  });

  it('a policy with no conditions at all maps to one that names nobody and no apps', () => {
    const p = accessPolicyFromGraph({ id: 'X', state: 'enabled' });
    expect(p).toEqual({
      id: 'x',
      displayName: 'X',
      state: 'enabled',
      requiresMfa: false,
      include: none,
      exclude: none,
      applications: { scope: 'None', authenticationContexts: [] },
      unjudged: [],
    });
    expect(includesAnyone(p)).toBe(false);
  });
});

describe('grantRequiresMfa', () => {
  it.each([
    [
      'an authentication strength with OR and no other control',
      { operator: 'OR', builtInControls: [], authenticationStrength: { id: 's' } },
      true,
    ],
    [
      'an authentication strength OR compliantDevice: the device is enough',
      { operator: 'OR', builtInControls: ['compliantDevice'], authenticationStrength: { id: 's' } },
      false,
    ],
    [
      'an authentication strength AND compliantDevice',
      {
        operator: 'AND',
        builtInControls: ['compliantDevice'],
        authenticationStrength: { id: 's' },
      },
      true,
    ],
    ['MFA spelled in capitals', { operator: 'or', builtInControls: ['MFA'] }, true],
  ])('%s', (_reason, g, want) => {
    expect(grantRequiresMfa(g)).toBe(want);
  });
});

describe('attachAccessPolicies', () => {
  const role: LiveRole = {
    roleId: GA,
    roleDisplayName: 'Global Administrator',
    scope: '/',
    handle: 'p',
    requirements: [],
  };
  const policies = [accessPolicyFromGraph(graphPolicy())];

  it.each<[string, LiveRole, LiveRole]>([
    ['holders not read: no coverage is invented', role, role],
    [
      'holders read: the policies join the facts, holdings kept',
      {
        ...role,
        coverage: { holdings: [], policies: [], memberOf: { u: ['g'] }, groupActivation: {} },
      },
      {
        ...role,
        coverage: { holdings: [], policies, memberOf: { u: ['g'] }, groupActivation: {} },
      },
    ],
  ])('%s', (_reason, given, want) => {
    expect(attachAccessPolicies(given, policies)).toEqual(want);
  });
});
