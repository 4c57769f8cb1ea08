import { describe, expect, it } from 'vitest';
import type { CoverageFacts } from '../../../../src/api/coverage.js';
import {
  assessCoverage,
  coverageCounts,
} from '../../../../src/reconcile/coverage/assess-coverage.js';
import { live } from '../fixtures.js';
import { facts, holding, policy, role, set, user, viaGroup } from './fixtures.js';

interface Case {
  name: string;
  reason: string;
  facts: CoverageFacts | undefined;
  mfaRule?: boolean;
  /** principal:path:verdict[:gap], in output order. */
  want: string[] | undefined;
  counts?: [total: number, covered: number, conditional: number, uncovered: number];
}

const mixed = facts({
  holdings: [
    holding(user('zoe'), 'Active'),
    holding(user('amy'), 'Eligible'),
    holding(user('bob'), 'GroupEligible', { via: viaGroup('ops') }),
    holding(user('amy'), 'Active'),
    holding(user('cat'), 'GroupActive', { via: viaGroup('ops') }),
  ],
  policies: [policy({ include: set({ groups: ['g-tier0'] }), exclude: set({ users: ['u-zoe'] }) })],
  memberOf: { 'u-amy': ['g-tier0'], 'u-zoe': ['g-tier0'] },
  groupActivation: { 'g-ops': { member: true, owner: false } },
});

const cases: Case[] = [
  {
    name: 'not observed',
    reason: 'a provider that did not read holders gets no verdict at all, never an assumed one',
    facts: undefined,
    want: undefined,
  },
  {
    name: 'no holders',
    reason: 'a role nobody holds has no holdings and nothing uncovered',
    facts: facts(),
    want: [],
    counts: [0, 0, 0, 0],
  },
  {
    name: 'one rule per path, sorted by holder then path',
    reason:
      'amy is covered on activation by the rule and standing by the tier0 policy; bob by group activation; cat is not in tier0; zoe is excluded',
    facts: mixed,
    mfaRule: true,
    want: [
      'amy:Active:Covered',
      'amy:Eligible:Covered',
      'bob:GroupEligible:Covered',
      'cat:GroupActive:Uncovered:StandingAccessWithoutMfa',
      'zoe:Active:Uncovered:ExcludedByConditionalAccess',
    ],
    counts: [5, 3, 0, 2],
  },
  {
    name: 'input order does not matter',
    reason: 'the same facts in reverse order give the same list',
    facts: { ...mixed, holdings: [...mixed.holdings].reverse() },
    mfaRule: true,
    want: [
      'amy:Active:Covered',
      'amy:Eligible:Covered',
      'bob:GroupEligible:Covered',
      'cat:GroupActive:Uncovered:StandingAccessWithoutMfa',
      'zoe:Active:Uncovered:ExcludedByConditionalAccess',
    ],
    counts: [5, 3, 0, 2],
  },
  {
    name: 'conditional counted apart',
    reason: 'a conditional cover is neither covered nor uncovered',
    facts: facts({
      holdings: [holding(user('amy'), 'Active')],
      policies: [policy({ unjudged: ['locations'] })],
    }),
    want: ['amy:Active:Conditional:ConditionalCoverage'],
    counts: [1, 0, 1, 0],
  },
];

describe('assessCoverage', () => {
  it.each(cases)('$name: $reason', (c) => {
    const r = c.facts ? role(c.facts, { mfaRule: c.mfaRule ?? false }) : live();
    const got = assessCoverage(r);
    if (c.want === undefined) {
      expect(got).toBeUndefined();
      return;
    }
    expect(got).toBeDefined();
    expect(
      got!.holdings.map((h) =>
        [h.holding.principal.displayName, h.holding.path, h.verdict, h.gap]
          .filter((x) => x !== undefined)
          .join(':'),
      ),
    ).toEqual(c.want);
    const [total, covered, conditional, uncovered] = c.counts!;
    expect(got).toMatchObject({ total, covered, conditional, uncovered });
  });

  it.each(cases)('coverageCounts agrees with assessCoverage: $name', (c) => {
    const r = c.facts ? role(c.facts, { mfaRule: c.mfaRule ?? false }) : live();
    const full = assessCoverage(r);
    const counts = coverageCounts(r);
    if (!full) {
      expect(counts).toBeUndefined();
      return;
    }
    const { holdings: _, ...want } = full;
    expect(counts).toEqual(want);
  });
});
