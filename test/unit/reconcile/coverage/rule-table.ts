// The shape every coverage rule table shares: one holding of Global Administrator, the facts and role around it,
// and the verdict, gap and (optionally) what covers it.
import { expect } from 'vitest';
import type {
  CoverageFacts,
  CoverageGap,
  CoverageVerdict,
  Holding,
  HoldingCoverage,
} from '../../../../src/api/coverage.js';
import type { RuleInput } from '../../../../src/reconcile/coverage/rule-input.js';
import { facts, role, type RoleOver } from './fixtures.js';

export interface RuleCase {
  name: string;
  reason: string;
  holding: Holding;
  facts?: Partial<CoverageFacts>;
  role?: RoleOver;
  verdict: CoverageVerdict;
  gap?: CoverageGap;
  /** A fragment `by` must contain. */
  by?: string;
  /** A fragment `why` must contain. */
  why?: string;
}

/** Runs one case through `rule` and checks the verdict, the gap and the words. */
export function checkRule(rule: (input: RuleInput) => HoldingCoverage, c: RuleCase): void {
  const f = facts({ holdings: [c.holding], ...c.facts });
  const got = rule({ holding: c.holding, role: role(f, c.role), facts: f });
  expect(got.verdict).toBe(c.verdict);
  expect(got.gap).toBe(c.gap);
  expect(got.holding).toBe(c.holding);
  expect(got.why.length).toBeGreaterThan(0);
  if (c.verdict === 'Covered') expect(got.gap).toBeUndefined();
  if (c.by !== undefined) expect(got.by).toContain(c.by);
  if (c.why !== undefined) expect(got.why).toContain(c.why);
}
