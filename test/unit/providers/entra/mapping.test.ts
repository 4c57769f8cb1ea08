// Graph PIM policy JSON ⇄ LiveRole and the PATCH bodies rolegate sends, table-driven.
import { describe, expect, it } from 'vitest';
import {
  authenticationContext,
  useRequirement,
  type AuthenticationContextState,
} from '../../../../src/api/observation.js';
import {
  authenticationContextPatch,
  enablementPatch,
  liveRoleFromPolicy,
  sameRules,
  slimAssignment,
  withMfa,
  type GraphPolicy,
  type GraphRule,
} from '../../../../src/providers/entra/mapping.js';

const ROLE = {
  id: 'E8611AB8-C189-46E8-94E1-60213AB1F814',
  displayName: 'Privileged Role Administrator',
};
const target = {
  caller: 'EndUser',
  operations: ['all'],
  level: 'Assignment',
  inheritableSettings: [],
  enforcedSettings: [],
};
const enablement = (enabledRules: string[]): GraphRule => ({
  '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
  id: 'Enablement_EndUser_Assignment',
  enabledRules,
  target,
});
const adminAssignment = (enabledRules: string[]): GraphRule => ({
  '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
  id: 'Enablement_Admin_Assignment',
  enabledRules,
  target: { ...target, caller: 'Admin' },
});
const authContext = (isEnabled: boolean, claimValue: string | null): GraphRule => ({
  '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule',
  id: 'AuthenticationContext_EndUser_Assignment',
  isEnabled,
  claimValue,
  target,
});
const policy = (...rules: GraphRule[]): GraphPolicy => ({
  id: 'DirectoryRole_t_p1',
  scopeId: '/',
  scopeType: 'DirectoryRole',
  rules,
});

describe('withMfa', () => {
  it.each([
    {
      reason: 'adding MFA keeps Justification and Ticketing (Graph replaces the whole array)',
      current: ['Justification', 'Ticketing'],
      enabled: true,
      want: ['Justification', 'MultiFactorAuthentication', 'Ticketing'],
    },
    {
      reason: 'adding MFA to an empty list',
      current: [],
      enabled: true,
      want: ['MultiFactorAuthentication'],
    },
    {
      reason: 'adding MFA when it is there in another case does not duplicate it',
      current: ['multifactorauthentication', 'Justification'],
      enabled: true,
      want: ['Justification', 'MultiFactorAuthentication'],
    },
    {
      reason: 'removing MFA keeps the others',
      current: ['MultiFactorAuthentication', 'Ticketing'],
      enabled: false,
      want: ['Ticketing'],
    },
    {
      reason: 'removing MFA in any case',
      current: ['MULTIFACTORAUTHENTICATION'],
      enabled: false,
      want: [],
    },
    {
      reason: 'a value rolegate does not know survives the union',
      current: ['FutureRule'],
      enabled: true,
      want: ['FutureRule', 'MultiFactorAuthentication'],
    },
  ])('$reason', ({ current, enabled, want }) => {
    expect(withMfa(current, enabled)).toEqual(want);
  });
});

describe('sameRules', () => {
  it.each([
    {
      reason: 'order does not matter',
      a: ['Justification', 'MultiFactorAuthentication'],
      b: ['MultiFactorAuthentication', 'Justification'],
      want: true,
    },
    { reason: 'case does not matter', a: ['justification'], b: ['Justification'], want: true },
    {
      reason: 'a missing value matters',
      a: ['Justification'],
      b: ['Justification', 'Ticketing'],
      want: false,
    },
  ])('$reason', ({ a, b, want }) => {
    expect(sameRules(a, b)).toBe(want);
  });
});

/** The requirement PIM's policy gives eligible holders: the MFA rule, and a context if one is enabled. */
const pim = (mfaRule: boolean, context?: AuthenticationContextState) => ({
  requirements: [useRequirement('Eligible', 'ActivationRule', mfaRule, context)],
});

describe('liveRoleFromPolicy', () => {
  it.each([
    {
      reason: 'MFA present: the activation rule on, rules sorted, role id lower case',
      policy: policy(enablement(['Justification', 'MultiFactorAuthentication'])),
      want: {
        roleId: ROLE.id.toLowerCase(),
        scope: '/',
        handle: 'DirectoryRole_t_p1',
        ...pim(true),
        settings: ['Justification', 'MultiFactorAuthentication'],
      },
    },
    {
      reason: 'MFA absent with Justification and Ticketing',
      policy: policy(enablement(['Ticketing', 'Justification'])),
      want: { ...pim(false), settings: ['Justification', 'Ticketing'] },
    },
    {
      reason: 'values and rule ids compare case-insensitively',
      policy: policy({
        ...enablement(['multiFactorAuthentication']),
        id: 'enablement_enduser_assignment',
      }),
      want: { ...pim(true), settings: ['MultiFactorAuthentication'] },
    },
    {
      reason:
        'an enabled authentication context is reported with its Conditional Access policy Missing',
      policy: policy(enablement(['MultiFactorAuthentication']), authContext(true, 'c1')),
      want: { ...pim(true, { claimValue: 'c1', policy: 'Missing' }) },
    },
    {
      reason: 'a disabled authentication context is not reported',
      policy: policy(enablement([]), authContext(false, 'c1')),
      want: { ...pim(false), settings: [] },
    },
    {
      reason: 'a missing enablement rule means no MFA, and says so in detail',
      policy: policy(authContext(false, null)),
      want: {
        ...pim(false),
        settings: [],
        detail: 'policy DirectoryRole_t_p1 has no Enablement_EndUser_Assignment rule',
      },
    },
    {
      reason: 'an enabled context without a claim is not a context, and says so',
      policy: policy(enablement(['Justification']), authContext(true, null)),
      want: {
        ...pim(false),
        detail: 'AuthenticationContext_EndUser_Assignment is enabled without a claim value',
      },
    },
  ])('$reason', ({ policy: p, want }) => {
    const live = liveRoleFromPolicy(ROLE, p);
    expect(live).toMatchObject({ roleDisplayName: ROLE.displayName, ...want });
  });

  it.each([
    {
      reason: 'the assignment rule with MFA: assignmentMfa on, activation settings unchanged',
      policy: policy(
        enablement([]),
        adminAssignment(['Justification', 'MultiFactorAuthentication']),
      ),
      want: true,
      settings: [],
    },
    {
      reason: 'the assignment rule with Justification only: assignmentMfa off',
      policy: policy(enablement(['MultiFactorAuthentication']), adminAssignment(['Justification'])),
      want: false,
      settings: ['MultiFactorAuthentication'],
    },
    {
      reason: 'no assignment rule in the policy: nothing is claimed about it',
      policy: policy(enablement(['MultiFactorAuthentication'])),
      want: undefined,
      settings: ['MultiFactorAuthentication'],
    },
  ])('$reason', ({ policy: p, want, settings }) => {
    const live = liveRoleFromPolicy(ROLE, p);
    expect(live.assignmentMfa).toBe(want);
    expect(live.settings).toEqual(settings);
  });

  it('uses the Conditional Access verdict when one is known for the claim', () => {
    const live = liveRoleFromPolicy(
      ROLE,
      policy(enablement([]), authContext(true, 'C2')),
      new Map([['c2', 'RequiresMfa' as const]]),
    );
    expect(authenticationContext(live)).toEqual({ claimValue: 'C2', policy: 'RequiresMfa' });
  });
});

describe('PATCH bodies', () => {
  it.each([
    {
      reason:
        'enablement: derived @odata.type, id, canonical sorted values, full target with "All" recased',
      body: enablementPatch(['multifactorauthentication', 'Justification'], enablement([])),
      want: {
        '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
        id: 'Enablement_EndUser_Assignment',
        enabledRules: ['Justification', 'MultiFactorAuthentication'],
        target: {
          '@odata.type': 'microsoft.graph.unifiedRoleManagementPolicyRuleTarget',
          caller: 'EndUser',
          operations: ['All'],
          level: 'Assignment',
          inheritableSettings: [],
          enforcedSettings: [],
        },
      },
    },
    {
      reason: 'enablement without a current rule falls back to the EndUser/Assignment target',
      body: enablementPatch(['MultiFactorAuthentication']),
      want: { target: { caller: 'EndUser', level: 'Assignment', operations: ['All'] } },
    },
    {
      reason: 'the assignment rule: its own id, the current Admin target kept',
      body: enablementPatch(
        ['MultiFactorAuthentication', 'Justification'],
        adminAssignment(['Justification']),
        'Enablement_Admin_Assignment',
      ),
      want: {
        '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
        id: 'Enablement_Admin_Assignment',
        enabledRules: ['Justification', 'MultiFactorAuthentication'],
        target: { caller: 'Admin', level: 'Assignment', operations: ['All'] },
      },
    },
    {
      reason:
        'the assignment rule without a current rule falls back to the Admin/Assignment target',
      body: enablementPatch(
        ['MultiFactorAuthentication'],
        undefined,
        'Enablement_Admin_Assignment',
      ),
      want: { target: { caller: 'Admin', level: 'Assignment', operations: ['All'] } },
    },
    {
      reason: 'authentication context: enabled with the claim value',
      body: authenticationContextPatch('c1', authContext(false, null)),
      want: {
        '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule',
        id: 'AuthenticationContext_EndUser_Assignment',
        isEnabled: true,
        claimValue: 'c1',
      },
    },
  ])('$reason', ({ body, want }) => {
    expect(body).toMatchObject(want);
  });
});

describe('slimAssignment', () => {
  const other: GraphRule = { id: 'Expiration_EndUser_Assignment', target };
  const assignment = (p: GraphPolicy | null) => ({
    id: 'a1',
    policyId: 'DirectoryRole_t_p1',
    scopeId: '/',
    scopeType: 'DirectoryRole',
    roleDefinitionId: ROLE.id,
    policy: p,
  });
  it.each([
    {
      reason: 'keeps the three rules rolegate reads and drops the rest',
      in: assignment(
        policy(
          other,
          enablement(['Justification']),
          authContext(true, 'c1'),
          adminAssignment(['MultiFactorAuthentication']),
        ),
      ),
      rules: [
        'Enablement_EndUser_Assignment',
        'AuthenticationContext_EndUser_Assignment',
        'Enablement_Admin_Assignment',
      ],
    },
    { reason: 'a policy without rules stays without rules', in: assignment(policy()), rules: [] },
    {
      reason: 'an assignment without an expanded policy passes',
      in: assignment(null),
      rules: undefined,
    },
  ])('$reason', (c) => {
    const slim = slimAssignment(c.in);
    expect(slim.policy?.rules?.map((r) => r.id)).toEqual(c.rules);
    expect({ ...slim, policy: undefined }).toEqual({ ...c.in, policy: undefined });
    if (c.in.policy)
      // the LiveRole a snapshot builds is the same from the slim assignment as from the whole one
      expect(liveRoleFromPolicy(ROLE, slim.policy!)).toEqual(liveRoleFromPolicy(ROLE, c.in.policy));
  });
});
