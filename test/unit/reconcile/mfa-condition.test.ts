// MFAEnforced never outlives the observation it came from: without one it is Unknown, and it says whether the role
// was observed before instead of claiming it never was.
import { describe, expect, it } from 'vitest';
import { plan, type PlanInput } from '../../../src/reconcile/plan.js';
import { input, live } from './fixtures.js';

const T = '2026-01-01T00:00:00Z';
const cases: {
  name: string;
  reason: string;
  in: PlanInput;
  status: string;
  message: RegExp;
}[] = [
  {
    name: 'Observed',
    reason: 'an observed role with MFA is True',
    in: input({ lookup: { kind: 'Found', role: live({ mfaRule: true }) } }),
    status: 'True',
    message: /requires multi-factor/,
  },
  {
    name: 'ProviderGoneAfterObserved',
    reason:
      'after ProviderNotFound the role was observed before: it says when, not "never observed"',
    in: input({
      lookup: undefined,
      lastObservedAt: T,
      providerProblem: { reason: 'ProviderNotFound', message: 'gone', stalled: true },
    }),
    status: 'Unknown',
    message:
      /^The role is not observed now \(ProviderNotFound\); it was last observed at 2026-01-01T00:00:00Z$/,
  },
  {
    name: 'TimeoutAfterObserved',
    reason: 'a provider that timed out leaves no stale True from the older observation',
    in: input({
      lookup: undefined,
      lastObservedAt: T,
      providerProblem: { reason: 'ProviderError', message: 'timed out', stalled: false },
    }),
    status: 'Unknown',
    message: /not observed now \(ProviderError\); it was last observed at/,
  },
  {
    name: 'NeverObserved',
    reason: 'a role never observed says so, with why',
    in: input({
      lookup: undefined,
      providerProblem: { reason: 'ProviderNotFound', message: 'gone', stalled: true },
    }),
    status: 'Unknown',
    message: /^The role has not been observed \(ProviderNotFound\)$/,
  },
];

describe('MFAEnforced', () => {
  it.each(cases)('$name: $reason', (c) => {
    const p = plan(c.in);
    const mfa = p.conditions.find((x) => x.type === 'MFAEnforced');
    expect(mfa?.status, c.reason).toBe(c.status);
    expect(mfa?.message).toMatch(c.message);
  });

  it('a timed-out read is never Ready=True: Ready=False and Reconciling=True with a reason', () => {
    const p = plan(
      input({
        lookup: undefined,
        lastObservedAt: T,
        providerProblem: { reason: 'ProviderError', message: 'timed out', stalled: false },
      }),
    );
    expect(p.conditions.map((x) => `${x.type}=${x.status} ${x.reason}`)).toEqual([
      'Ready=False ProviderError',
      'Reconciling=True ProgressingWithRetry',
      'MFAEnforced=Unknown Unknown',
      'HoldersCovered=Unknown HoldersNotObserved',
    ]);
  });
});
