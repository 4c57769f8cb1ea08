import { describe, it } from 'vitest';
import { useRequirement } from '../../../../src/api/observation.js';
import {
  directGrantCoverage,
  signInCoverage,
} from '../../../../src/reconcile/coverage/sign-in-rule.js';
import { holding, policy, user } from './fixtures.js';
import { checkRule, type RuleCase } from './rule-table.js';

const frank = holding(user('frank'), 'SignIn');
const otp = (on: boolean) => ({ requirements: [useRequirement('All', 'OtpStep', on)] });

const signIn: RuleCase[] = [
  {
    name: 'OTP step on',
    reason: 'the browser flow asks holders of the role for OTP',
    holding: frank,
    role: otp(true),
    verdict: 'Covered',
    by: 'OTP step',
  },
  {
    name: 'OTP step off',
    reason: 'nothing in the browser flow asks',
    holding: frank,
    role: otp(false),
    verdict: 'Uncovered',
    gap: 'SignInWithoutMfa',
  },
  {
    name: 'through a group',
    reason: 'the OTP step covers a holder through a group as it covers a direct one',
    holding: holding(user('gina'), 'SignIn', {
      via: { kind: 'Group', id: 'g-1', displayName: 'payroll' },
    }),
    role: otp(true),
    verdict: 'Covered',
  },
  {
    name: 'through a composite',
    reason: 'the OTP step covers a holder through a composite role',
    holding: holding(user('hank'), 'SignIn', {
      via: { kind: 'CompositeRole', id: 'r-1', displayName: 'finance' },
    }),
    role: otp(true),
    verdict: 'Covered',
  },
  {
    name: 'ambiguous name',
    reason: 'the step is on but its role condition may name another role: coverage is not claimed',
    holding: frank,
    role: otp(true),
    facts: { ambiguity: "payroll.approver also reads as role 'approver' of client 'payroll'" },
    verdict: 'Uncovered',
    gap: 'SignInWithoutMfa',
    why: 'payroll.approver',
  },
  {
    name: "another role's step asks through a composite",
    reason:
      "the role's own step is off, but the holder's grant (a composite) gives a role whose step asks: Keycloak's condition matches effective roles",
    holding: frank,
    role: otp(false),
    facts: { askedThrough: { 'u-frank': ['breakglass'] } },
    verdict: 'Covered',
    by: 'OTP step of breakglass',
    why: 'breakglass',
  },
  {
    name: "another role's step asks a different holder",
    reason: 'askedThrough is per holder: a step that asks someone else is no cover for this one',
    holding: frank,
    role: otp(false),
    facts: { askedThrough: { 'u-gina': ['breakglass'] } },
    verdict: 'Uncovered',
    gap: 'SignInWithoutMfa',
  },
  {
    name: 'ambiguous name, another role asks',
    reason:
      "the ambiguity is about this role's own condition; the other role's step was resolved and asks the holder",
    holding: frank,
    role: otp(false),
    facts: {
      ambiguity: "payroll.approver also reads as role 'approver' of client 'payroll'",
      askedThrough: { 'u-frank': ['breakglass'] },
    },
    verdict: 'Covered',
    by: 'breakglass',
  },
  {
    name: 'empty list',
    reason: 'no other role asks',
    holding: frank,
    role: otp(false),
    facts: { askedThrough: { 'u-frank': [] } },
    verdict: 'Uncovered',
    gap: 'SignInWithoutMfa',
  },
  {
    name: 'no OTP switch observed',
    reason: 'a role without an observed sign-in step is not assumed covered',
    holding: frank,
    role: { requirements: [] },
    verdict: 'Uncovered',
    gap: 'SignInWithoutMfa',
  },
  {
    name: 'an Eligible switch is not a sign-in step',
    reason: "PIM's activation rule does not ask at a Keycloak sign-in",
    holding: frank,
    role: { mfaRule: true },
    verdict: 'Uncovered',
    gap: 'SignInWithoutMfa',
  },
];

const directGrant: RuleCase[] = [
  {
    name: 'direct grant',
    reason: "a password grant skips the browser flow's OTP step, even with the step on",
    holding: holding(user('ivy'), 'DirectGrant', {
      via: { kind: 'Client', id: 'c-1', displayName: 'legacy-cli' },
    }),
    role: otp(true),
    verdict: 'Uncovered',
    gap: 'DirectGrant',
    why: "'legacy-cli'",
  },
  {
    name: "direct grant, another role's browser step asks",
    reason: "the browser flow's steps, of this role or another, never run in a password grant",
    holding: holding(user('ivy'), 'DirectGrant'),
    facts: { askedThrough: { 'u-ivy': ['breakglass'] } },
    role: otp(true),
    verdict: 'Uncovered',
    gap: 'DirectGrant',
  },
  {
    name: 'direct grant with a policy',
    reason: 'no policy rolegate observes asks at a password grant',
    holding: holding(user('ivy'), 'DirectGrant'),
    facts: { policies: [policy()] },
    verdict: 'Uncovered',
    gap: 'DirectGrant',
  },
];

describe('sign-in coverage rule (SignIn)', () => {
  it.each(signIn)('$name: $reason', (c) => checkRule(signInCoverage, c));
});

describe('direct grant coverage rule (DirectGrant)', () => {
  it.each(directGrant)('$name: $reason', (c) => checkRule(directGrantCoverage, c));
});
