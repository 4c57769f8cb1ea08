import { describe, expect, it } from 'vitest';
import { plan, type PlanInput } from '../../../src/reconcile/plan.js';
import { withSourceProblem, type SourceProblem } from '../../../src/reconcile/source-problem.js';
import { ConditionType, Reason, type ConditionSpec } from '../../../src/api/conditions.js';
import { input as fixture, live, spec } from './fixtures.js';

/** Global Administrator wanting MFA, observed with or without it, in `enforcement` mode. */
const input = (mfaRule: boolean, enforcement: 'Enforce' | 'Audit' = 'Enforce'): PlanInput =>
  fixture({ spec: spec({ enforcement }), lookup: { kind: 'Found', role: live({ mfaRule }) } });

const unreadable: SourceProblem = {
  file: 'roles/ga.yaml',
  problem: 'cannot read roles/ga.yaml: EACCES: permission denied',
};
const unparsable: SourceProblem = {
  file: 'roles/ga.yaml',
  problem: 'roles/ga.yaml:3:1: Implicit keys need to be on a single line',
};

const find = (cs: ConditionSpec[], type: string): ConditionSpec | undefined =>
  cs.find((c) => c.type === type);

describe('withSourceProblem', () => {
  const cases: {
    name: string;
    why: string;
    conditions: ConditionSpec[];
    source: SourceProblem | undefined;
    ready: { status: string; reason: string };
    reconciling: boolean;
    stalled: boolean;
    mfa: string | undefined;
  }[] = [
    {
      name: 'a readable file leaves an InSync role as plan() said',
      why: 'Kubernetes mode and healthy files must not change',
      conditions: plan(input(true)).conditions,
      source: undefined,
      ready: { status: 'True', reason: Reason.InSync },
      reconciling: false,
      stalled: false,
      mfa: 'True',
    },
    {
      name: 'an unreadable file turns InSync into SourceUnreadable, Stalled',
      why: 'no stale green light while the desired state on disk is unknown',
      conditions: plan(input(true)).conditions,
      source: unreadable,
      ready: { status: 'False', reason: Reason.SourceUnreadable },
      reconciling: false,
      stalled: true,
      mfa: 'True',
    },
    {
      name: 'a file that no longer parses is reported the same way',
      why: 'a syntax error after a good version keeps the last good objects too',
      conditions: plan(input(true)).conditions,
      source: unparsable,
      ready: { status: 'False', reason: Reason.SourceUnreadable },
      reconciling: false,
      stalled: true,
      mfa: 'True',
    },
    {
      name: 'drift being corrected: Reconciling gives way to Stalled, MFAEnforced stays as observed',
      why: 'kstatus: one of Reconciling/Stalled; the security signal is independent of the file',
      conditions: plan(input(false)).conditions,
      source: unreadable,
      ready: { status: 'False', reason: Reason.SourceUnreadable },
      reconciling: false,
      stalled: true,
      mfa: 'False',
    },
    {
      name: 'audit drift with an unreadable file',
      why: 'the file problem is the one the operator must fix first',
      conditions: plan(input(false, 'Audit')).conditions,
      source: unreadable,
      ready: { status: 'False', reason: Reason.SourceUnreadable },
      reconciling: false,
      stalled: true,
      mfa: 'False',
    },
    {
      name: 'a stalled plan (paused role) with an unreadable file',
      why: 'Ready=Unknown from a pause must not hide the broken file either',
      conditions: plan({ ...input(true), paused: true }).conditions,
      source: unreadable,
      ready: { status: 'False', reason: Reason.SourceUnreadable },
      reconciling: false,
      stalled: true,
      mfa: find(plan({ ...input(true), paused: true }).conditions, ConditionType.MFAEnforced)
        ?.status,
    },
  ];
  it.each(cases)('$name ($why)', (c) => {
    const out = withSourceProblem(c.conditions, c.source);
    const ready = find(out, ConditionType.Ready);
    expect(ready).toMatchObject(c.ready);
    expect(find(out, ConditionType.Reconciling) !== undefined).toBe(c.reconciling);
    expect(find(out, ConditionType.Stalled) !== undefined).toBe(c.stalled);
    expect(find(out, ConditionType.MFAEnforced)?.status).toBe(c.mfa);
    if (c.source) {
      // The message names the file, the problem, that the last good content is enforced, and what plan() said.
      const before = find(c.conditions, ConditionType.Ready)!;
      expect(ready?.message).toContain(c.source.file);
      expect(ready?.message).toContain(c.source.problem);
      expect(ready?.message).toContain('last good content');
      expect(ready?.message).toContain(before.message);
      expect(find(out, ConditionType.Stalled)?.reason).toBe(Reason.SourceUnreadable);
    } else {
      expect(out).toEqual(c.conditions);
    }
  });
});
