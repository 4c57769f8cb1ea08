// Flux and `kubectl wait` read kstatus. These are its rules (cli-utils pkg/kstatus), checked over every kind of
// plan() outcome: Ready is always present, Reconciling and Stalled only ever appear as True, the status carries
// observedGeneration, and a Ready=True object is neither Reconciling nor Stalled.
import { describe, expect, it } from 'vitest';
import { plan, type PlanInput } from '../../../src/reconcile/plan.js';
import { nextStatus } from '../../../src/reconcile/status.js';
import type { EffectiveSpec } from '../../../src/api/v1alpha1/types.js';
import { useRequirement, type LiveRole } from '../../../src/api/observation.js';

const spec = (o: Partial<EffectiveSpec> = {}): EffectiveSpec => ({
  providerRef: 'p',
  role: { id: 'r' },
  scope: '/',
  mfaRequired: true,
  mechanism: 'Any',
  enforcement: 'Enforce',
  deletionPolicy: 'Orphan',
  holderCoverage: 'Report',
  ...o,
});
const live = ({ mfaRule = false }: { mfaRule?: boolean } = {}): LiveRole => ({
  roleId: 'r',
  roleDisplayName: 'Role',
  scope: '/',
  handle: 'p1',
  requirements: [useRequirement('Eligible', 'ActivationRule', mfaRule)],
});
const base: PlanInput = {
  spec: spec(),
  problems: [],
  paused: false,
  lookup: { kind: 'Found', role: live() },
  options: { allowWeakening: false },
};

const inputs: { name: string; input: PlanInput }[] = [
  { name: 'in sync', input: { ...base, lookup: { kind: 'Found', role: live({ mfaRule: true }) } } },
  { name: 'drift to correct', input: base },
  { name: 'audit drift', input: { ...base, spec: spec({ enforcement: 'Audit' }) } },
  {
    name: 'weakening refused',
    input: {
      ...base,
      spec: spec({ mfaRequired: false }),
      lookup: { kind: 'Found', role: live({ mfaRule: true }) },
    },
  },
  { name: 'not found', input: { ...base, lookup: { kind: 'NotFound', message: 'No role r' } } },
  { name: 'ambiguous', input: { ...base, lookup: { kind: 'Ambiguous', candidates: ['a', 'b'] } } },
  { name: 'conflict', input: { ...base, conflictWinner: 'ns/older' } },
  { name: 'invalid', input: { ...base, problems: ['/spec/x: bad'] } },
  { name: 'paused', input: { ...base, paused: true } },
  {
    name: 'provider retrying',
    input: {
      ...base,
      lookup: undefined,
      providerProblem: { reason: 'Throttled', message: 'Throttled', stalled: false },
    },
  },
  {
    name: 'provider stalled',
    input: {
      ...base,
      lookup: undefined,
      providerProblem: { reason: 'PermissionDenied', message: 'Denied', stalled: true },
    },
  },
];

describe('kstatus conformance of every outcome', () => {
  it.each(inputs)('$name', ({ input }) => {
    const status = nextStatus(undefined, plan(input), {
      generation: 4,
      now: '2026-11-28T10:00:00Z',
      corrected: false,
    });
    const conds = status.conditions ?? [];
    expect(status.observedGeneration).toBe(4);
    expect(conds.filter((c) => c.type === 'Ready')).toHaveLength(1);
    for (const abnormal of ['Reconciling', 'Stalled']) {
      for (const c of conds.filter((x) => x.type === abnormal)) expect(c.status).toBe('True');
    }
    const ready = conds.find((c) => c.type === 'Ready')!;
    if (ready.status === 'True')
      expect(conds.some((c) => c.type === 'Reconciling' || c.type === 'Stalled')).toBe(false);
    expect(
      conds.some((c) => c.type === 'Reconciling') && conds.some((c) => c.type === 'Stalled'),
    ).toBe(false);
    for (const c of conds) {
      expect(c.reason).toMatch(/^[A-Z][A-Za-z]*$/);
      expect(c.message).not.toMatch(/\.$|\n/);
      expect(c.observedGeneration).toBe(4);
    }
  });
});
