import { describe, expect, it } from 'vitest';
import type { CoverageFacts } from '../../../src/api/coverage.js';
import { assessCoverage } from '../../../src/reconcile/coverage/assess-coverage.js';
import { holdersCondition } from '../../../src/reconcile/holders-condition.js';
import { live } from './fixtures.js';
import { facts, holding, policy, set, user, viaGroup } from './coverage/fixtures.js';

interface Case {
  name: string;
  reason: string;
  /** Undefined: the role itself was not observed. */
  coverage: CoverageFacts | 'not read' | undefined;
  status: string;
  why: string;
  /** Fragments of the message, in order. */
  message: string[];
}

const standing = (n: number) =>
  Array.from({ length: n }, (_, i) => holding(user(`s${String(i).padStart(2, '0')}`), 'Active'));

const cases: Case[] = [
  {
    name: 'role not observed',
    reason: 'without the role there is no verdict: Unknown, never a stale True',
    coverage: undefined,
    status: 'Unknown',
    why: 'HoldersNotObserved',
    message: ['has not been observed'],
  },
  {
    name: 'holders not read',
    reason: 'a provider that did not read holders gets Unknown, not True',
    coverage: 'not read',
    status: 'Unknown',
    why: 'HoldersNotObserved',
    message: ['did not report who holds Global Administrator'],
  },
  {
    name: 'no holders',
    reason: 'True, and the message says nobody holds the role',
    coverage: facts(),
    status: 'True',
    why: 'AllHoldersCovered',
    message: ['Global Administrator has no holders'],
  },
  {
    name: 'all covered',
    reason: 'True with the count',
    coverage: facts({ holdings: standing(2), policies: [policy()] }),
    status: 'True',
    why: 'AllHoldersCovered',
    message: ['All 2 holdings of Global Administrator are behind MFA'],
  },
  {
    name: 'first three, most serious first',
    reason:
      'the count, then the excluded holder before the standing ones (by name), then how many more',
    coverage: facts({
      holdings: [
        ...standing(4),
        holding(user('zed'), 'GroupActive', { via: viaGroup('ops') }),
        holding(user('amy'), 'Eligible'),
      ],
      policies: [
        policy({ include: set({ users: ['u-zed'] }), exclude: set({ groups: ['g-ops'] }) }),
      ],
    }),
    status: 'False',
    why: 'ExcludedByConditionalAccess',
    message: [
      '5 of 6 holdings of Global Administrator are not behind MFA',
      'zed@contoso.test (GroupActive: ExcludedByConditionalAccess)',
      's00@contoso.test (Active: StandingAccessWithoutMfa)',
      's01@contoso.test (Active: StandingAccessWithoutMfa)',
      'and 2 more',
    ],
  },
  {
    name: 'conditional only',
    reason: 'a conditional cover is a gap of its own, named as such',
    coverage: facts({ holdings: standing(1), policies: [policy({ unjudged: ['locations'] })] }),
    status: 'False',
    why: 'ConditionalCoverage',
    message: ['1 of 1 holdings', '1 of them only conditionally covered', 's00@contoso.test'],
  },
  {
    name: 'display name without UPN',
    reason: 'a group or application is named by its display name',
    coverage: facts({
      holdings: [
        holding({ id: 'sp-1', type: 'ServicePrincipal', displayName: 'deploy-bot' }, 'Active'),
      ],
    }),
    status: 'False',
    why: 'StandingAccessWithoutMfa',
    message: ['deploy-bot (Active: StandingAccessWithoutMfa)'],
  },
];

describe('HoldersCovered condition', () => {
  it.each(cases)('$name: $reason', (c) => {
    const role =
      c.coverage === undefined
        ? undefined
        : live({ mfaRule: true, ...(c.coverage === 'not read' ? {} : { coverage: c.coverage }) });
    const got = holdersCondition(role, role ? assessCoverage(role) : undefined);
    expect(got.type).toBe('HoldersCovered');
    expect([got.status, got.reason]).toEqual([c.status, c.why]);
    let at = 0;
    for (const m of c.message) {
      const i = got.message.indexOf(m, at);
      expect(i, `${m} in ${got.message}`).toBeGreaterThanOrEqual(0);
      at = i + m.length;
    }
  });
});
