import { describe, expect, it } from 'vitest';
import { describeAction, type Action } from '../../../src/reconcile/action.js';

const target = {
  roleId: 'r1',
  roleDisplayName: 'Global Administrator',
  handle: 'h',
  scope: '/',
};

const cases: { name: string; reason: string; action: Action; want: string }[] = [
  {
    name: 'activation rule',
    reason: 'the activation rule asks the holder when they activate',
    action: {
      kind: 'SetMfa',
      ...target,
      switchName: 'ActivationRule',
      enabled: true,
      before: 'off',
      after: 'on',
    },
    want: 'require MFA on activation of Global Administrator (MFA activation rule off -> on)',
  },
  {
    name: 'assignment rule',
    reason:
      'the assignment rule asks the administrator making an active assignment, not the holder activating',
    action: {
      kind: 'SetMfa',
      ...target,
      switchName: 'AssignmentRule',
      enabled: true,
      before: 'off',
      after: 'on',
    },
    want: 'require MFA on active assignment of Global Administrator (MFA assignment rule off -> on)',
  },
  {
    name: 'assignment rule off',
    reason: 'turning it off (only under --allow-weakening) is worded as such',
    action: {
      kind: 'SetMfa',
      ...target,
      switchName: 'AssignmentRule',
      enabled: false,
      before: 'on',
      after: 'off',
    },
    want: 'stop requiring MFA on active assignment of Global Administrator (MFA assignment rule on -> off)',
  },
  {
    name: 'authentication context',
    reason: 'a context is demanded on activation',
    action: {
      kind: 'SetAuthenticationContext',
      ...target,
      claimValue: 'c1',
      before: 'none',
      after: 'c1',
    },
    want: 'require authentication context c1 on activation of Global Administrator (none -> c1)',
  },
];

describe('describeAction', () => {
  it.each(cases)('$name: $reason', (c) => expect(describeAction(c.action)).toBe(c.want));
});
