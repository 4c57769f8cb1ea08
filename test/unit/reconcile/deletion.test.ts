import { describe, expect, it } from 'vitest';
import { planDeletion, type DeletionDecision } from '../../../src/reconcile/deletion.js';
import type { PlanInput } from '../../../src/reconcile/plan.js';
import type { EffectiveSpec } from '../../../src/api/v1alpha1/types.js';
import { input as baseInput, live, spec as baseSpec } from './fixtures.js';
import { Reason } from '../../../src/api/conditions.js';

// Deletion cases start from a role declared without MFA that asks for ResetToDefault.
const spec = (over: Partial<EffectiveSpec> = {}): EffectiveSpec =>
  baseSpec({ mfaRequired: false, deletionPolicy: 'ResetToDefault', ...over });
const withMfa = live({
  mfaRule: true,
  settings: ['Justification', 'MultiFactorAuthentication'],
});
const input = (over: Partial<PlanInput> = {}): PlanInput => baseInput({ spec: spec(), ...over });
/** MFA on activation and on active assignment. */
const assignmentOn = live({
  mfaRule: true,
  assignmentMfa: true,
  settings: ['Justification', 'MultiFactorAuthentication'],
});

/** A decision in one comparable line: kind, refused flag or actions. */
function summary(d: DeletionDecision): string {
  if (d.kind === 'Reset')
    return `Reset:${d.actions.map((a) => (a.kind === 'SetMfa' ? `SetMfa:${a.switchName}:${a.before}->${a.after}` : a.kind)).join(';')}`;
  if (d.kind === 'Release') return `Release${d.refused ? ':refused' : ''}`;
  return 'Retry';
}

const cases: {
  name: string;
  reason: string;
  in: PlanInput;
  providerDefault: boolean | undefined;
  /** The provider's default of the MFA-on-active-assignment rule (Entra: off). */
  assignmentDefault?: boolean;
  want: string;
  message: RegExp;
}[] = [
  {
    name: 'orphan',
    reason: 'the default policy leaves the provider alone',
    in: input({ spec: spec({ deletionPolicy: 'Orphan' }) }),
    providerDefault: true,
    want: 'Release',
    message: /Orphan/,
  },
  {
    name: 'reset adds MFA',
    reason:
      'the role had MFA removed; the provider default requires it: strengthening is always allowed',
    in: input(),
    providerDefault: true,
    want: 'Reset:SetMfa:ActivationRule:off->on',
    message: /Resetting Global Administrator to the provider's default/,
  },
  {
    name: 'already default',
    reason: 'the live role is at the default: nothing to write',
    in: input({ lookup: { kind: 'Found', role: withMfa } }),
    providerDefault: true,
    want: 'Release',
    message: /Nothing to reset/,
  },
  {
    name: 'weakening refused',
    reason:
      'a default without MFA would remove MFA: refused without --allow-weakening, and the object goes',
    in: input({ spec: spec({ mfaRequired: true }), lookup: { kind: 'Found', role: withMfa } }),
    providerDefault: false,
    want: 'Release:refused',
    message: /refused.*--allow-weakening/,
  },
  {
    name: 'weakening allowed',
    reason: 'with --allow-weakening the reset removes MFA, keeping the other rules',
    in: input({
      spec: spec({ mfaRequired: true }),
      lookup: { kind: 'Found', role: withMfa },
      options: { allowWeakening: true },
    }),
    providerDefault: false,
    want: 'Reset:SetMfa:ActivationRule:on->off',
    message: /Resetting/,
  },
  {
    name: 'authentication context kept',
    reason:
      'rolegate never removes an authentication context, even to reset with --allow-weakening',
    in: input({
      lookup: {
        kind: 'Found',
        role: live({ authenticationContext: { claimValue: 'c1', policy: 'RequiresMfa' } }),
      },
      options: { allowWeakening: true },
    }),
    providerDefault: false,
    want: 'Release:refused',
    message: /never removes an authentication context/,
  },
  {
    name: 'context satisfies a required default',
    reason: 'an enforcing authentication context already meets a default that requires MFA',
    in: input({
      lookup: {
        kind: 'Found',
        role: live({ authenticationContext: { claimValue: 'c1', policy: 'RequiresMfa' } }),
      },
    }),
    providerDefault: true,
    want: 'Release',
    message: /Nothing to reset/,
  },
  {
    name: 'audit',
    reason: 'Audit mode never writes, not even on deletion',
    in: input({ spec: spec({ enforcement: 'Audit' }) }),
    providerDefault: true,
    want: 'Release',
    message: /Audit mode never writes/,
  },
  {
    name: 'paused',
    reason: 'a paused object is not acted on',
    in: input({ paused: true }),
    providerDefault: true,
    want: 'Release',
    message: /paused/,
  },
  {
    name: 'invalid',
    reason: 'fail safe: an invalid spec is never acted on',
    in: input({ problems: ['/spec/mfaRequired: must be boolean'] }),
    providerDefault: true,
    want: 'Release',
    message: /invalid/,
  },
  {
    name: 'throttled',
    reason: 'a provider that will answer later keeps the finalizer',
    in: input({
      lookup: undefined,
      providerProblem: { reason: Reason.Throttled, message: 'Throttled', stalled: false },
    }),
    providerDefault: undefined,
    want: 'Retry',
    message: /waits for the provider/,
  },
  {
    name: 'not observed yet',
    reason: 'no snapshot yet: wait rather than guess',
    in: input({ lookup: undefined }),
    providerDefault: undefined,
    want: 'Retry',
    message: /waits/,
  },
  {
    name: 'provider gone',
    reason: 'a stalled provider (deleted IdentityProvider) must not make the deletion hang',
    in: input({
      lookup: undefined,
      providerProblem: {
        reason: Reason.ProviderNotFound,
        message: 'IdentityProvider emulator does not exist',
        stalled: true,
      },
    }),
    providerDefault: undefined,
    want: 'Release',
    message: /does not exist/,
  },
  {
    name: 'role gone',
    reason: 'nothing to reset when the role no longer exists',
    in: input({ lookup: { kind: 'NotFound', message: 'No role with id x' } }),
    providerDefault: true,
    want: 'Release',
    message: /No role/,
  },
  {
    name: 'conflict',
    reason: 'an older object owns the role: the younger one must not reset it',
    in: input({ conflictWinner: 'team-a/ga' }),
    providerDefault: true,
    want: 'Release',
    message: /older PrivilegedRole team-a\/ga/,
  },
  {
    name: 'assignment rule reset with --allow-weakening',
    reason:
      'the object managed MFA on active assignment: a reset returns it to the default (off), weakening allowed',
    in: input({
      spec: spec({ mfaRequired: true, mfaOnActiveAssignment: true }),
      lookup: { kind: 'Found', role: assignmentOn },
      options: { allowWeakening: true },
    }),
    providerDefault: true,
    assignmentDefault: false,
    want: 'Reset:SetMfa:AssignmentRule:on->off',
    message: /active assignment does not require MFA/,
  },
  {
    name: 'assignment rule kept without --allow-weakening',
    reason:
      'turning the assignment rule off removes MFA: refused, the object goes, and the message names the flag',
    in: input({
      spec: spec({ mfaRequired: true, mfaOnActiveAssignment: true }),
      lookup: { kind: 'Found', role: assignmentOn },
    }),
    providerDefault: true,
    assignmentDefault: false,
    want: 'Release:refused',
    message:
      /MFA on active assignment kept: removing it requires the controller flag --allow-weakening/,
  },
  {
    name: 'activation reset despite a kept assignment rule',
    reason:
      'a refused weakening of the assignment rule does not hold back restoring MFA on activation',
    in: input({
      spec: spec({ mfaOnActiveAssignment: true }),
      lookup: { kind: 'Found', role: live({ mfaRule: false, assignmentMfa: true }) },
    }),
    providerDefault: true,
    assignmentDefault: false,
    want: 'Reset:SetMfa:ActivationRule:off->on',
    message: /Resetting Global Administrator .*; MFA on active assignment kept/,
  },
  {
    name: 'assignment rule already at the default',
    reason: 'the declared assignment rule is already off, the default: nothing to write',
    in: input({
      spec: spec({ mfaRequired: true, mfaOnActiveAssignment: false }),
      lookup: { kind: 'Found', role: live({ mfaRule: true, assignmentMfa: false }) },
    }),
    providerDefault: true,
    assignmentDefault: false,
    want: 'Release',
    message: /Nothing to reset: .*active assignment does not require MFA, the provider's default$/,
  },
  {
    name: 'assignment rule not managed',
    reason:
      'an object that never declared mfaOnActiveAssignment leaves the assignment rule alone, even with --allow-weakening',
    in: input({
      spec: spec({ mfaRequired: true }),
      lookup: { kind: 'Found', role: assignmentOn },
      options: { allowWeakening: true },
    }),
    providerDefault: true,
    assignmentDefault: false,
    want: 'Release',
    message: /Nothing to reset/,
  },
  {
    name: 'declared assignment rule not re-enforced',
    reason:
      "a provider without an assignment default: the reset does not write the object's own declared value back",
    in: input({
      spec: spec({ mfaRequired: true, mfaOnActiveAssignment: true }),
      lookup: { kind: 'Found', role: live({ mfaRule: true, assignmentMfa: false }) },
    }),
    providerDefault: true,
    want: 'Release',
    message: /Nothing to reset/,
  },
  {
    name: 'no default',
    reason: 'a provider without a default is left alone',
    in: input(),
    providerDefault: undefined,
    want: 'Release',
    message: /no default/,
  },
];

describe('planDeletion', () => {
  it.each(cases)('$name: $reason', (c) => {
    const d = planDeletion(c.in, c.providerDefault, c.assignmentDefault);
    expect(summary(d)).toBe(c.want);
    expect(d.message).toMatch(c.message);
  });

  it('names what the guard kept from a reset it still makes, and nothing when it keeps nothing', () => {
    const keep = planDeletion(
      input({
        spec: spec({ mfaOnActiveAssignment: true }),
        lookup: { kind: 'Found', role: live({ mfaRule: false, assignmentMfa: true }) },
      }),
      true,
      false,
    );
    expect(keep).toMatchObject({
      kind: 'Reset',
      kept: 'MFA on active assignment kept: removing it requires the controller flag --allow-weakening (Global Administrator)',
    });
    const all = planDeletion(
      input({
        spec: spec({ mfaOnActiveAssignment: true }),
        lookup: { kind: 'Found', role: live({ mfaRule: false, assignmentMfa: true }) },
        options: { allowWeakening: true },
      }),
      true,
      false,
    );
    expect(all.kind).toBe('Reset');
    expect(all).not.toHaveProperty('kept');
  });

  it('is deterministic', () => {
    for (const c of cases)
      expect(planDeletion(c.in, c.providerDefault, c.assignmentDefault)).toEqual(
        planDeletion(c.in, c.providerDefault, c.assignmentDefault),
      );
  });
});
