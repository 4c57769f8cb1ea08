import { describe, expect, it } from 'vitest';
import type { CoverageFacts, Holding } from '../../../src/api/coverage.js';
import { assessCoverage } from '../../../src/reconcile/coverage/assess-coverage.js';
import { holdersSummary, type HoldersSummary } from '../../../src/reconcile/holders-summary.js';
import { plan } from '../../../src/reconcile/plan.js';
import { nextStatus } from '../../../src/reconcile/status.js';
import { input, live } from './fixtures.js';
import { facts, holding, policy, set, user, viaGroup } from './coverage/fixtures.js';

const summary = (f: CoverageFacts, mfaRule = true): HoldersSummary =>
  holdersSummary(assessCoverage(live({ mfaRule, coverage: f }))!);

interface Case {
  name: string;
  reason: string;
  facts: CoverageFacts;
  mfaRule?: boolean;
  counts: [total: number, covered: number, conditional: number, uncovered: number];
  byPath: string[];
  /** notCovered as name:path:verdict:reason[:via]. */
  notCovered: string[] | undefined;
}

const cases: Case[] = [
  {
    name: 'no holders',
    reason: 'zeros, no paths, no list',
    facts: facts(),
    counts: [0, 0, 0, 0],
    byPath: [],
    notCovered: undefined,
  },
  {
    name: 'all covered',
    reason: 'counts by path, sorted by path, and no list when nothing is uncovered',
    facts: facts({
      holdings: [holding(user('b'), 'Eligible'), holding(user('a'), 'Active')],
      policies: [policy()],
    }),
    counts: [2, 2, 0, 0],
    byPath: ['Active:1:0:0', 'Eligible:1:0:0'],
    notCovered: undefined,
  },
  {
    name: 'uncovered before conditional, then reason, then name',
    reason: 'the list starts with what to fix first; conditional covers come last',
    facts: facts({
      holdings: [
        holding(user('cond'), 'Active'),
        holding(user('zz'), 'Active'),
        holding(user('aa'), 'Active'),
        holding(user('ex'), 'GroupActive', { via: viaGroup('ops') }),
        holding(user('el'), 'Eligible'),
      ],
      policies: [
        policy({ include: set({ groups: ['g-ops'] }), exclude: set({ users: ['u-ex'] }) }),
        policy({
          id: 'p2',
          displayName: 'Cond',
          include: set({ users: ['u-cond'] }),
          unjudged: ['locations'],
        }),
      ],
    }),
    mfaRule: false,
    counts: [5, 0, 1, 4],
    byPath: ['Active:3:2:1', 'Eligible:1:1:0', 'GroupActive:1:1:0'],
    notCovered: [
      'ex:GroupActive:Uncovered:ExcludedByConditionalAccess:ops',
      'aa:Active:Uncovered:StandingAccessWithoutMfa',
      'zz:Active:Uncovered:StandingAccessWithoutMfa',
      'el:Eligible:Uncovered:ActivationWithoutMfa',
      'cond:Active:Conditional:ConditionalCoverage',
    ],
  },
];

describe('holdersSummary', () => {
  it.each(cases)('$name: $reason', (c) => {
    const s = summary(c.facts, c.mfaRule);
    expect([s.total, s.covered, s.conditional, s.uncovered]).toEqual(c.counts);
    expect(s.byPath?.map((r) => `${r.path}:${r.total}:${r.uncovered}:${r.conditional}`)).toEqual(
      c.byPath,
    );
    expect(
      s.notCovered?.map((r) =>
        [r.displayName, r.path, r.verdict, r.reason, r.via]
          .filter((x) => x !== undefined)
          .join(':'),
      ),
    ).toEqual(c.notCovered);
  });

  it('stays small with 10,000 holders: complete counts, at most 20 listed, a few kilobytes', () => {
    const holdings: Holding[] = [];
    for (let i = 0; i < 10_000; i++) {
      const name = `user${String(i).padStart(5, '0')}`;
      holdings.push(holding(user(name), i % 4 === 0 ? 'Eligible' : 'Active'));
    }
    // Half the standing holders are in the group the policy covers; the policy excludes every 100th holder.
    const memberOf: Record<string, string[]> = {};
    const excluded: string[] = [];
    holdings.forEach((h, i) => {
      if (i % 2 === 0) memberOf[h.principal.id] = ['g-admins'];
      if (i % 100 === 2) excluded.push(h.principal.id);
    });
    const s = summary(
      facts({
        holdings,
        memberOf,
        policies: [
          policy({ include: set({ groups: ['g-admins'] }), exclude: set({ users: excluded }) }),
        ],
      }),
    );
    // 2,500 eligible covered by the activation rule; of 7,500 standing, 2,500 even-numbered are in g-admins
    // (100 of them excluded) and 5,000 odd-numbered are not.
    expect([s.total, s.covered, s.conditional, s.uncovered]).toEqual([10_000, 4_900, 0, 5_100]);
    expect(s.byPath).toEqual([
      { path: 'Active', total: 7_500, uncovered: 5_100, conditional: 0 },
      { path: 'Eligible', total: 2_500, uncovered: 0, conditional: 0 },
    ]);
    expect(s.notCovered).toHaveLength(20);
    expect(s.notCovered?.[0]).toMatchObject({
      displayName: 'user00002',
      reason: 'ExcludedByConditionalAccess',
    });
    const bytes = Buffer.byteLength(JSON.stringify(s));
    expect(bytes).toBeLessThan(6_000);
  });
});

describe('nextStatus with holders', () => {
  it('writes the summary and the assignment rule into atProvider, and keeps observedAt while they do not change', () => {
    const role = live({
      mfaRule: true,
      assignmentMfa: false,
      coverage: facts({ holdings: [holding(user('bob'), 'Active')] }),
    });
    const p = plan(input({ lookup: { kind: 'Found', role } }));
    const first = nextStatus(undefined, p, { generation: 1, now: 't1', corrected: false });
    expect(first.atProvider?.mfaOnActiveAssignment).toBe(false);
    expect(first.atProvider?.holders).toMatchObject({ total: 1, uncovered: 1 });
    expect(first.conditions?.map((c) => c.type)).toEqual([
      'Ready',
      'MFAEnforced',
      'HoldersCovered',
    ]);
    const again = nextStatus(first, p, { generation: 1, now: 't2', corrected: false });
    expect(again.atProvider?.observedAt).toBe('t1');
    const covered = plan(
      input({
        lookup: {
          kind: 'Found',
          role: { ...role, coverage: { ...role.coverage!, policies: [policy()] } },
        },
      }),
    );
    const later = nextStatus(again, covered, { generation: 1, now: 't3', corrected: false });
    expect(later.atProvider?.holders).toMatchObject({ total: 1, covered: 1, uncovered: 0 });
    expect(later.atProvider?.observedAt).toBe('t3');
  });

  it('leaves holders out when the provider did not read them', () => {
    const p = plan(input({ lookup: { kind: 'Found', role: live({ mfaRule: true }) } }));
    const s = nextStatus(undefined, p, { generation: 1, now: 't1', corrected: false });
    expect(s.atProvider?.holders).toBeUndefined();
    expect(s.atProvider?.mfaOnActiveAssignment).toBeUndefined();
  });
});
