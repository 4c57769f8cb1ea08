import { describe, expect, it } from 'vitest';
import { plan, type PlanInput } from '../../../src/reconcile/plan.js';
import { input, live, spec } from './fixtures.js';
import { facts, holding, policy, set, user } from './coverage/fixtures.js';
import type { CoverageFacts } from '../../../src/api/coverage.js';
import type { LiveOver } from './fixtures.js';

/** Global Administrator with MFA on activation, holders as `coverage` says. */
const held = (coverage: CoverageFacts, over: LiveOver = {}) =>
  ({ kind: 'Found', role: live({ mfaRule: true, coverage, ...over }) }) as const;
/** Amy eligible (covered by the activation rule), Bob standing (covered only if a policy says so). */
const amyAndBob = (over: Partial<CoverageFacts> = {}) =>
  facts({
    holdings: [holding(user('amy'), 'Eligible'), holding(user('bob'), 'Active')],
    ...over,
  });

const cond = (p: ReturnType<typeof plan>, type: string) =>
  p.conditions.find((c) => c.type === type);

interface Case {
  name: string;
  reason: string;
  in: PlanInput;
  outcome: string;
  actions: string[];
  ready: [string, string];
  stalled?: string;
  reconciling?: boolean;
  mfaEnforced: string;
  drift: string[];
  /** HoldersCovered [status, reason]; Unknown HoldersNotObserved when not given. */
  holders?: [string, string];
}

const cases: Case[] = [
  {
    name: 'InSync',
    reason: 'MFA on and desired: nothing to do, Ready True',
    in: input({
      lookup: {
        kind: 'Found',
        role: live({ mfaRule: true, settings: ['Justification', 'MultiFactorAuthentication'] }),
      },
    }),
    outcome: 'InSync',
    actions: [],
    ready: ['True', 'InSync'],
    mfaEnforced: 'True',
    drift: [],
  },
  {
    name: 'DriftEnforce',
    reason: 'MFA off but required: one SetMfa action that keeps Justification',
    in: input(),
    outcome: 'Correct',
    actions: ['SetMfa:ActivationRule:off->on'],
    ready: ['False', 'DriftDetected'],
    reconciling: true,
    mfaEnforced: 'False',
    drift: ['mfaRequired'],
  },
  {
    name: 'DriftAudit',
    reason: 'Audit never writes: drift reported, no actions, not stalled',
    in: input({ spec: spec({ enforcement: 'Audit' }) }),
    outcome: 'Drifted',
    actions: [],
    ready: ['False', 'DriftDetected'],
    mfaEnforced: 'False',
    drift: ['mfaRequired'],
  },
  {
    name: 'WeakeningRefused',
    reason: 'mfaRequired false on a role with MFA is refused without --allow-weakening',
    in: input({
      spec: spec({ mfaRequired: false }),
      lookup: {
        kind: 'Found',
        role: live({ mfaRule: true, settings: ['MultiFactorAuthentication'] }),
      },
    }),
    outcome: 'Refused',
    actions: [],
    ready: ['False', 'WeakeningRefused'],
    stalled: 'WeakeningRefused',
    mfaEnforced: 'True',
    drift: ['mfaRequired'],
  },
  {
    name: 'WeakeningAllowed',
    reason: 'with --allow-weakening the MFA rule is removed and nothing else',
    in: input({
      spec: spec({ mfaRequired: false }),
      options: { allowWeakening: true },
      lookup: {
        kind: 'Found',
        role: live({ mfaRule: true, settings: ['Justification', 'MultiFactorAuthentication'] }),
      },
    }),
    outcome: 'Correct',
    actions: ['SetMfa:ActivationRule:on->off'],
    ready: ['False', 'DriftDetected'],
    reconciling: true,
    mfaEnforced: 'True',
    drift: ['mfaRequired'],
  },
  {
    name: 'WeakeningAuthContext',
    reason: 'rolegate never removes an authentication context, even with --allow-weakening',
    in: input({
      spec: spec({ mfaRequired: false }),
      options: { allowWeakening: true },
      lookup: {
        kind: 'Found',
        role: live({ authenticationContext: { claimValue: 'c1', policy: 'RequiresMfa' } }),
      },
    }),
    outcome: 'Refused',
    actions: [],
    ready: ['False', 'AuthenticationContextInUse'],
    stalled: 'AuthenticationContextInUse',
    mfaEnforced: 'True',
    drift: ['mfaRequired'],
  },
  {
    name: 'AuthContextSatisfies',
    reason:
      'an enabled context whose CA policy requires MFA satisfies mfaRequired: no MFA rule added',
    in: input({
      lookup: {
        kind: 'Found',
        role: live({ authenticationContext: { claimValue: 'c1', policy: 'RequiresMfa' } }),
      },
    }),
    outcome: 'InSync',
    actions: [],
    ready: ['True', 'InSync'],
    mfaEnforced: 'True',
    drift: [],
  },
  {
    name: 'AuthContextWithoutPolicy',
    reason: 'a context with no CA policy does not count: the MFA rule is added, the context kept',
    in: input({
      lookup: {
        kind: 'Found',
        role: live({ authenticationContext: { claimValue: 'c1', policy: 'Missing' } }),
      },
    }),
    outcome: 'Correct',
    actions: ['SetMfa:ActivationRule:off->on'],
    ready: ['False', 'DriftDetected'],
    reconciling: true,
    mfaEnforced: 'False',
    drift: ['mfaRequired'],
  },
  {
    name: 'DemandAuthContext',
    reason:
      'spec.mfa AuthenticationContext c2 on a role with only the MFA rule: set the context, keep MFA',
    in: input({
      spec: spec({ mechanism: 'AuthenticationContext', authenticationContextId: 'c2' }),
      lookup: {
        kind: 'Found',
        role: live({ mfaRule: true, settings: ['MultiFactorAuthentication'] }),
      },
    }),
    outcome: 'Correct',
    actions: ['SetAuthenticationContext:c2'],
    ready: ['False', 'DriftDetected'],
    reconciling: true,
    mfaEnforced: 'True',
    drift: ['mfa.authenticationContextId'],
  },
  {
    name: 'DemandMfaRule',
    reason:
      'spec.mfa MultiFactorAuthentication on a role satisfied by a context: add the MFA rule too',
    in: input({
      spec: spec({ mechanism: 'MultiFactorAuthentication' }),
      lookup: {
        kind: 'Found',
        role: live({ authenticationContext: { claimValue: 'c1', policy: 'RequiresMfa' } }),
      },
    }),
    outcome: 'Correct',
    actions: ['SetMfa:ActivationRule:off->on'],
    ready: ['False', 'DriftDetected'],
    reconciling: true,
    mfaEnforced: 'True',
    drift: ['mfa.mechanism'],
  },
  {
    name: 'NotFound',
    reason: 'an unknown role is Stalled RoleNotFound and nothing is written',
    in: input({ lookup: { kind: 'NotFound', message: 'No role with id x' } }),
    outcome: 'Blocked',
    actions: [],
    ready: ['False', 'RoleNotFound'],
    stalled: 'RoleNotFound',
    mfaEnforced: 'Unknown',
    drift: [],
  },
  {
    name: 'Ambiguous',
    reason: 'a display name matching several roles is Stalled AmbiguousRole',
    in: input({
      spec: spec({ role: { displayName: 'Admin' } }),
      lookup: { kind: 'Ambiguous', candidates: ['a', 'b'] },
    }),
    outcome: 'Blocked',
    actions: [],
    ready: ['False', 'AmbiguousRole'],
    stalled: 'AmbiguousRole',
    mfaEnforced: 'Unknown',
    drift: [],
  },
  {
    name: 'Conflict',
    reason: 'the younger of two claimants only observes and names the winner',
    in: input({ conflictWinner: 'identity/ga' }),
    outcome: 'Blocked',
    actions: [],
    ready: ['False', 'Conflict'],
    stalled: 'Conflict',
    mfaEnforced: 'False',
    drift: [],
  },
  {
    name: 'InvalidSpec',
    reason: 'any validation problem means observe-only, Stalled InvalidSpec',
    in: input({ problems: ['/spec/enforcement: must be one of Enforce, Audit'] }),
    outcome: 'Blocked',
    actions: [],
    ready: ['False', 'InvalidSpec'],
    stalled: 'InvalidSpec',
    mfaEnforced: 'False',
    drift: [],
  },
  {
    name: 'Paused',
    reason: 'the paused annotation stops writes and says so',
    in: input({ paused: true }),
    outcome: 'Paused',
    actions: [],
    ready: ['Unknown', 'Paused'],
    mfaEnforced: 'False',
    drift: [],
  },
  {
    name: 'ProviderMissing',
    reason: 'a providerRef to no IdentityProvider blocks with the given reason',
    in: input({
      lookup: undefined,
      providerProblem: {
        reason: 'ProviderNotFound',
        message: 'IdentityProvider x not found',
        stalled: true,
      },
    }),
    outcome: 'Blocked',
    actions: [],
    ready: ['False', 'ProviderNotFound'],
    stalled: 'ProviderNotFound',
    mfaEnforced: 'Unknown',
    drift: [],
  },
  {
    name: 'MfaNotWantedAndOff',
    reason: 'mfaRequired false on a role without MFA is in sync (and the alert stays False)',
    in: input({ spec: spec({ mfaRequired: false }) }),
    outcome: 'InSync',
    actions: [],
    ready: ['True', 'InSync'],
    mfaEnforced: 'False',
    drift: [],
  },
  {
    name: 'AssignmentDrift',
    reason:
      'mfaOnActiveAssignment true on a role without the assignment rule: one SetMfa AssignmentRule',
    in: input({
      spec: spec({ mfaOnActiveAssignment: true }),
      lookup: { kind: 'Found', role: live({ mfaRule: true, assignmentMfa: false }) },
    }),
    outcome: 'Correct',
    actions: ['SetMfa:AssignmentRule:off->on'],
    ready: ['False', 'DriftDetected'],
    reconciling: true,
    mfaEnforced: 'True',
    drift: ['mfaOnActiveAssignment'],
  },
  {
    name: 'AssignmentAndActivationDrift',
    reason: 'both rules off and both required: the activation rule first, then the assignment rule',
    in: input({
      spec: spec({ mfaOnActiveAssignment: true }),
      lookup: { kind: 'Found', role: live({ assignmentMfa: false }) },
    }),
    outcome: 'Correct',
    actions: ['SetMfa:ActivationRule:off->on', 'SetMfa:AssignmentRule:off->on'],
    ready: ['False', 'DriftDetected'],
    reconciling: true,
    mfaEnforced: 'False',
    drift: ['mfaOnActiveAssignment', 'mfaRequired'],
  },
  {
    name: 'AssignmentAudit',
    reason: 'Audit reports assignment-rule drift and never writes',
    in: input({
      spec: spec({ mfaOnActiveAssignment: true, enforcement: 'Audit' }),
      lookup: { kind: 'Found', role: live({ mfaRule: true, assignmentMfa: false }) },
    }),
    outcome: 'Drifted',
    actions: [],
    ready: ['False', 'DriftDetected'],
    mfaEnforced: 'True',
    drift: ['mfaOnActiveAssignment'],
  },
  {
    name: 'AssignmentInSync',
    reason: 'the assignment rule on as declared: nothing to do',
    in: input({
      spec: spec({ mfaOnActiveAssignment: true }),
      lookup: { kind: 'Found', role: live({ mfaRule: true, assignmentMfa: true }) },
    }),
    outcome: 'InSync',
    actions: [],
    ready: ['True', 'InSync'],
    mfaEnforced: 'True',
    drift: [],
  },
  {
    name: 'AssignmentUnmanaged',
    reason: 'mfaOnActiveAssignment unset leaves the rule as it is, on or off',
    in: input({
      lookup: { kind: 'Found', role: live({ mfaRule: true, assignmentMfa: false }) },
    }),
    outcome: 'InSync',
    actions: [],
    ready: ['True', 'InSync'],
    mfaEnforced: 'True',
    drift: [],
  },
  {
    name: 'AssignmentWeakeningRefused',
    reason: 'turning the assignment rule off is weakening: refused without --allow-weakening',
    in: input({
      spec: spec({ mfaOnActiveAssignment: false }),
      lookup: { kind: 'Found', role: live({ mfaRule: true, assignmentMfa: true }) },
    }),
    outcome: 'Refused',
    actions: [],
    ready: ['False', 'WeakeningRefused'],
    stalled: 'WeakeningRefused',
    mfaEnforced: 'True',
    drift: ['mfaOnActiveAssignment'],
  },
  {
    name: 'AssignmentWeakeningAllowed',
    reason: 'with --allow-weakening the assignment rule is turned off and nothing else',
    in: input({
      spec: spec({ mfaOnActiveAssignment: false }),
      options: { allowWeakening: true },
      lookup: { kind: 'Found', role: live({ mfaRule: true, assignmentMfa: true }) },
    }),
    outcome: 'Correct',
    actions: ['SetMfa:AssignmentRule:on->off'],
    ready: ['False', 'DriftDetected'],
    reconciling: true,
    mfaEnforced: 'True',
    drift: ['mfaOnActiveAssignment'],
  },
  {
    name: 'AssignmentWeakeningAndStrengthening',
    reason:
      'a weakening anywhere refuses the whole plan: nothing is written without --allow-weakening',
    in: input({
      spec: spec({ mfaOnActiveAssignment: false }),
      lookup: { kind: 'Found', role: live({ assignmentMfa: true }) },
    }),
    outcome: 'Refused',
    actions: [],
    ready: ['False', 'WeakeningRefused'],
    stalled: 'WeakeningRefused',
    mfaEnforced: 'False',
    drift: ['mfaOnActiveAssignment', 'mfaRequired'],
  },
  {
    name: 'AssignmentUnsupported',
    reason:
      'mfaOnActiveAssignment on a provider with no assignment rule (Keycloak) is Stalled InvalidSpec, never assumed',
    in: input({
      spec: spec({ mfaOnActiveAssignment: true }),
      lookup: { kind: 'Found', role: live({ mfaRule: true }) },
    }),
    outcome: 'Blocked',
    actions: [],
    ready: ['False', 'InvalidSpec'],
    stalled: 'InvalidSpec',
    mfaEnforced: 'True',
    drift: [],
  },
  {
    name: 'HoldersCovered',
    reason: 'every holder covered: HoldersCovered True beside Ready',
    in: input({
      lookup: held(amyAndBob({ policies: [policy()] })),
    }),
    outcome: 'InSync',
    actions: [],
    ready: ['True', 'InSync'],
    mfaEnforced: 'True',
    drift: [],
    holders: ['True', 'AllHoldersCovered'],
  },
  {
    name: 'NoHolders',
    reason: 'a role nobody holds has every holder covered',
    in: input({ lookup: held(facts()) }),
    outcome: 'InSync',
    actions: [],
    ready: ['True', 'InSync'],
    mfaEnforced: 'True',
    drift: [],
    holders: ['True', 'AllHoldersCovered'],
  },
  {
    name: 'HoldersNotCoveredReport',
    reason:
      'with holderCoverage Report (the default) an uncovered standing holder is an alert, not a Ready=False',
    in: input({ lookup: held(amyAndBob()) }),
    outcome: 'InSync',
    actions: [],
    ready: ['True', 'InSync'],
    mfaEnforced: 'True',
    drift: [],
    holders: ['False', 'StandingAccessWithoutMfa'],
  },
  {
    name: 'MostSeriousGap',
    reason: 'an exclusion is reported before standing access without MFA',
    in: input({
      lookup: held(
        facts({
          holdings: [holding(user('amy'), 'Active'), holding(user('bob'), 'Active')],
          policies: [
            policy({ include: set({ users: ['u-bob'] }), exclude: set({ users: ['u-bob'] }) }),
          ],
        }),
      ),
    }),
    outcome: 'InSync',
    actions: [],
    ready: ['True', 'InSync'],
    mfaEnforced: 'True',
    drift: [],
    holders: ['False', 'ExcludedByConditionalAccess'],
  },
  {
    name: 'HoldersNotCoveredRequire',
    reason:
      'holderCoverage Require: an uncovered holder makes Ready False HoldersNotCovered, not Stalled (rolegate keeps observing)',
    in: input({ spec: spec({ holderCoverage: 'Require' }), lookup: held(amyAndBob()) }),
    outcome: 'InSync',
    actions: [],
    ready: ['False', 'HoldersNotCovered'],
    mfaEnforced: 'True',
    drift: [],
    holders: ['False', 'StandingAccessWithoutMfa'],
  },
  {
    name: 'ConditionalRequire',
    reason: 'holderCoverage Require: a conditional cover is not a cover',
    in: input({
      spec: spec({ holderCoverage: 'Require' }),
      lookup: held(amyAndBob({ policies: [policy({ unjudged: ['locations'] })] })),
    }),
    outcome: 'InSync',
    actions: [],
    ready: ['False', 'HoldersNotCovered'],
    mfaEnforced: 'True',
    drift: [],
    holders: ['False', 'ConditionalCoverage'],
  },
  {
    name: 'HoldersCoveredRequire',
    reason: 'holderCoverage Require with every holder covered is Ready',
    in: input({
      spec: spec({ holderCoverage: 'Require' }),
      lookup: held(amyAndBob({ policies: [policy()] })),
    }),
    outcome: 'InSync',
    actions: [],
    ready: ['True', 'InSync'],
    mfaEnforced: 'True',
    drift: [],
    holders: ['True', 'AllHoldersCovered'],
  },
  {
    name: 'HoldersNotObservedRequire',
    reason:
      'holderCoverage Require on a role whose holders were not read: not proven, so not Ready',
    in: input({
      spec: spec({ holderCoverage: 'Require' }),
      lookup: { kind: 'Found', role: live({ mfaRule: true }) },
    }),
    outcome: 'InSync',
    actions: [],
    ready: ['False', 'HoldersNotObserved'],
    mfaEnforced: 'True',
    drift: [],
  },
  {
    name: 'DriftBeforeRequire',
    reason:
      'drift is corrected under Require as under Report: the uncovered holder does not block the write',
    in: input({
      spec: spec({ holderCoverage: 'Require' }),
      lookup: held(amyAndBob(), { mfaRule: false }),
    }),
    outcome: 'Correct',
    actions: ['SetMfa:ActivationRule:off->on'],
    ready: ['False', 'DriftDetected'],
    reconciling: true,
    mfaEnforced: 'False',
    drift: ['mfaRequired'],
    // Bob's standing access without MFA is more serious than Amy's activation without it.
    holders: ['False', 'StandingAccessWithoutMfa'],
  },
  {
    name: 'AmbiguousRoleName',
    reason:
      'a role name the provider cannot resolve unambiguously is Stalled AmbiguousRoleName and nothing is written, drift or not',
    in: input({
      lookup: {
        kind: 'Found',
        role: live({
          coverage: facts({
            holdings: [holding(user('amy'), 'SignIn')],
            ambiguity: "payroll.approver also reads as role 'approver' of client 'payroll'",
          }),
        }),
      },
    }),
    outcome: 'Blocked',
    actions: [],
    ready: ['False', 'AmbiguousRoleName'],
    stalled: 'AmbiguousRoleName',
    mfaEnforced: 'False',
    drift: [],
    holders: ['False', 'SignInWithoutMfa'],
  },
];

describe('plan', () => {
  it.each(cases)('$name: $reason', (c) => {
    const p = plan(c.in);
    expect(p.outcome, c.reason).toBe(c.outcome);
    const acts = p.actions.map((a) =>
      a.kind === 'SetMfa'
        ? `SetMfa:${a.switchName}:${a.before}->${a.after}`
        : `SetAuthenticationContext:${a.claimValue}`,
    );
    expect(acts, c.reason).toEqual(c.actions);
    const r = cond(p, 'Ready');
    expect([r?.status, r?.reason], c.reason).toEqual(c.ready);
    expect(cond(p, 'Stalled')?.reason, c.reason).toBe(c.stalled);
    expect(cond(p, 'Reconciling') !== undefined, c.reason).toBe(c.reconciling ?? false);
    expect(cond(p, 'MFAEnforced')?.status, c.reason).toBe(c.mfaEnforced);
    const h = cond(p, 'HoldersCovered');
    expect([h?.status, h?.reason], c.reason).toEqual(
      c.holders ?? ['Unknown', 'HoldersNotObserved'],
    );
    expect(
      p.drift.map((d) => d.path),
      c.reason,
    ).toEqual(c.drift);
  });

  it('is deterministic: the same input gives the same conditions, with no times in messages', () => {
    const a = plan(input());
    const b = plan(input());
    expect(a).toEqual(b);
    for (const c of a.conditions) expect(c.message).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  it('never writes unless Enforce and allowed: no action in any blocked, audit or refused case', () => {
    for (const c of cases.filter((x) => x.outcome !== 'Correct'))
      expect(plan(c.in).actions, c.name).toEqual([]);
  });
});
