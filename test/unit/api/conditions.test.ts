import { describe, expect, it } from 'vitest';
import {
  markNotReady,
  markReady,
  markReconciling,
  markStalled,
  markUnknown,
  Reason,
  type ConditionSpec,
} from '../../../src/api/conditions.js';

const show = (cs: ConditionSpec[]): string[] => cs.map((c) => `${c.type}=${c.status} ${c.reason}`);

describe('kstatus helpers', () => {
  it.each<{ name: string; reason: string; got: ConditionSpec[]; want: string[] }>([
    {
      name: 'Ready',
      reason: 'Ready=True alone: Reconciling and Stalled are absent, which kstatus reads as False',
      got: markReady(Reason.InSync, 'm'),
      want: ['Ready=True InSync'],
    },
    {
      name: 'Reconciling',
      reason:
        'retrying on its own: Ready=False and Reconciling=True, ProgressingWithRetry by default',
      got: markReconciling(Reason.Throttled, 'm'),
      want: ['Ready=False Throttled', 'Reconciling=True ProgressingWithRetry'],
    },
    {
      name: 'ReconcilingWithProgress',
      reason: 'correcting drift names its own progress reason',
      got: markReconciling(Reason.DriftDetected, 'm', Reason.DriftDetected),
      want: ['Ready=False DriftDetected', 'Reconciling=True DriftDetected'],
    },
    {
      name: 'Stalled',
      reason: 'waiting for a change: Ready=False and Stalled=True with the same reason',
      got: markStalled(Reason.Conflict, 'm'),
      want: ['Ready=False Conflict', 'Stalled=True Conflict'],
    },
    {
      name: 'Unknown',
      reason: 'paused: readiness is unknown, neither reconciling nor stalled',
      got: markUnknown(Reason.Paused, 'm'),
      want: ['Ready=Unknown Paused'],
    },
    {
      name: 'NotReady',
      reason: 'audit drift: not ready, and rolegate leaves it so',
      got: markNotReady(Reason.DriftDetected, 'm'),
      want: ['Ready=False DriftDetected'],
    },
  ])('$name: $reason', ({ got, want }) => {
    expect(show(got)).toEqual(want);
    expect(got.every((c) => c.message === 'm')).toBe(true);
  });
});
