import { describe, expect, it } from 'vitest';
import {
  renderPlanMarkdown,
  renderPlanText,
  type PlanReport,
  type PlanRow,
} from '../../../src/cli/plan.js';

const row = (over: Partial<PlanRow>): PlanRow => ({
  key: 'identity/helpdesk',
  provider: 'contoso',
  role: 'Helpdesk Administrator',
  want: true,
  have: true,
  mechanism: 'MultiFactorAuthentication',
  enforcement: 'Enforce',
  deletionPolicy: 'Orphan',
  outcome: 'InSync',
  reason: 'InSync',
  drift: [],
  actions: [],
  message: 'Activation of Helpdesk Administrator requires MFA, as declared',
  ...over,
});
const report = (r: PlanRow): PlanReport => ({
  rows: [r],
  summary: { roles: 1, inSync: 1, toChange: 0, drifted: 0, refused: 0, blocked: 0, paused: 0 },
  requests: {},
});

const cases = [
  {
    name: 'Ready',
    reason: 'a role in sync and Ready needs no detail',
    row: row({}),
    detail: undefined,
  },
  {
    name: 'NotCoveredUnderRequire',
    reason: 'in sync but not Ready (holderCoverage Require): the reason and message are shown',
    row: row({
      reason: 'HoldersNotCovered',
      message:
        'Activation of Helpdesk Administrator requires MFA, as declared; but holderCoverage is Require and 1 of 1 holdings are not behind MFA',
    }),
    detail: 'HoldersNotCovered: Activation of Helpdesk Administrator',
  },
];

describe('plan rendering', () => {
  it.each(cases)('$name: $reason', (c) => {
    for (const out of [renderPlanText(report(c.row)), renderPlanMarkdown(report(c.row))]) {
      if (c.detail === undefined) expect(out).not.toContain('InSync:');
      else expect(out).toContain(c.detail);
    }
  });
});
