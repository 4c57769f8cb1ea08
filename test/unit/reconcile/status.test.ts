import { describe, expect, it } from 'vitest';
import { plan, type PlanInput } from '../../../src/reconcile/plan.js';
import { nextStatus, statusEqual } from '../../../src/reconcile/status.js';
import { useRequirement } from '../../../src/api/observation.js';

const GA = '62e90394-69f5-4237-9190-012177145e10';
const base = (mfaRule: boolean): PlanInput => ({
  spec: {
    providerRef: 'p',
    role: { id: GA },
    scope: '/',
    mfaRequired: true,
    mechanism: 'Any',
    enforcement: 'Enforce',
    deletionPolicy: 'Orphan',
    holderCoverage: 'Report',
  },
  problems: [],
  paused: false,
  lookup: {
    kind: 'Found',
    role: {
      roleId: GA,
      roleDisplayName: 'Global Administrator',
      scope: '/',
      handle: 'p1',
      requirements: [useRequirement('Eligible', 'ActivationRule', mfaRule)],
      settings: mfaRule ? ['MultiFactorAuthentication'] : [],
    },
  },
  options: { allowWeakening: false },
});

describe('nextStatus', () => {
  it('is equal to the previous status when only the clock moved, so no write is needed', () => {
    const p = plan(base(true));
    const first = nextStatus(undefined, p, {
      generation: 1,
      now: '2026-11-28T10:00:00Z',
      corrected: false,
    });
    const second = nextStatus(first, p, {
      generation: 1,
      now: '2026-11-28T10:05:00Z',
      corrected: false,
    });
    expect(statusEqual(first, second)).toBe(true);
    expect(second.atProvider?.observedAt).toBe('2026-11-28T10:00:00Z');
  });

  it('counts a correction and records when drift was seen and fixed', () => {
    const drifted = plan(base(false));
    const before = nextStatus(undefined, drifted, {
      generation: 2,
      now: '2026-11-28T10:00:00Z',
      corrected: false,
    });
    expect(before.drift?.fields).toEqual([{ path: 'mfaRequired', desired: 'true', live: 'false' }]);
    expect(before.drift?.lastDetectedTime).toBe('2026-11-28T10:00:00Z');
    const after = nextStatus(before, plan(base(true)), {
      generation: 2,
      now: '2026-11-28T10:00:01Z',
      corrected: true,
      correctedDrift: drifted.drift,
    });
    expect(after.drift).toEqual({
      corrections: 1,
      lastCorrectedTime: '2026-11-28T10:00:01Z',
      lastDetectedTime: '2026-11-28T10:00:01Z',
    });
    expect(after.observedGeneration).toBe(2);
    expect(after.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'True',
      observedGeneration: 2,
    });
  });

  it('moves lastTransitionTime only when a condition status changes', () => {
    const a = nextStatus(undefined, plan(base(false)), {
      generation: 1,
      now: 't1',
      corrected: false,
    });
    const b = nextStatus(a, plan(base(true)), { generation: 1, now: 't2', corrected: false });
    expect(b.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime).toBe('t2');
    const c = nextStatus(b, plan(base(true)), { generation: 1, now: 't3', corrected: false });
    expect(c.conditions?.find((x) => x.type === 'Ready')?.lastTransitionTime).toBe('t2');
  });
});
