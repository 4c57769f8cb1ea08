import { describe, expect, it } from 'vitest';
import { listAccounts } from '../../../src/cli/accounts.js';
import { holderName } from '../../../src/reconcile/coverage/holder-name.js';
import {
  alertsExitCode,
  alertsReport,
  renderAlertsMarkdown,
  renderAlertsText,
  type AlertRow,
} from '../../../src/cli/alerts-report.js';
import { parsePlace, toAlertsSarif } from '../../../src/cli/alerts-sarif.js';
import { exportRoles } from '../../../src/cli/export.js';
import type { AccessPolicy } from '../../../src/api/coverage.js';
import { assessCoverage } from '../../../src/reconcile/coverage/assess-coverage.js';
import {
  ALICE,
  BOB,
  BREAKGLASS,
  GA,
  HOSTILE,
  PRA,
  READER,
  judge,
  liveRole,
} from '../../fixtures/coverage-verdicts.js';

const declared = (r: { roleId: string }): string[] =>
  r.roleId === GA.roleId ? ['identity/global-admin'] : [];
const accounts = listAccounts([READER, PRA, GA], judge, declared);
const praAlert: AlertRow = {
  roleId: PRA.roleId,
  roleDisplayName: PRA.roleDisplayName,
  severity: 'medium',
  declared: [],
  source: 'snapshot',
};

describe('listAccounts', () => {
  it('lists one row per holding that is not Covered, sorted by role then account, declared or not', () => {
    expect(
      accounts.accounts.map((a) => [
        a.roleDisplayName,
        holderName(a.principal),
        a.path,
        a.verdict,
        a.declared,
      ]),
    ).toEqual([
      // accounts in people's order (case aside): Bob before breakglass@
      ['Global Administrator', 'Bob', 'Eligible', 'Conditional', ['identity/global-admin']],
      [
        'Global Administrator',
        'breakglass@contoso.example',
        'Active',
        'Uncovered',
        ['identity/global-admin'],
      ],
      ['Privileged Role Administrator', HOSTILE.displayName, 'GroupEligible', 'Uncovered', []],
    ]);
    expect(accounts.accounts.some((a) => a.principal.id === ALICE.id)).toBe(false);
  });

  it.each([
    {
      reason: 'a group holding names the group and its id',
      id: HOSTILE.id,
      via: 'group PRA <admins> (e5e5e5e5-0000-4000-8000-000000000005)',
    },
    { reason: 'a direct holding has no via', id: BREAKGLASS.id, via: undefined },
  ])('$reason', ({ id, via }) => {
    expect(accounts.accounts.find((a) => a.principal.id === id)?.via).toBe(via);
  });

  it('counts holders by path per role, standing paths first, and says which roles were not read', () => {
    const ga = accounts.roles.find((r) => r.roleId === GA.roleId)!;
    expect(ga).toMatchObject({
      observed: true,
      total: 3,
      covered: 1,
      conditional: 1,
      uncovered: 1,
    });
    expect(ga.byPath).toEqual([
      { path: 'Active', total: 2, covered: 1, conditional: 0, uncovered: 1 },
      { path: 'Eligible', total: 1, covered: 0, conditional: 1, uncovered: 0 },
    ]);
    expect(accounts.notObserved).toEqual(['Directory Readers']);
    expect(accounts.roles.find((r) => r.roleId === READER.roleId)).toMatchObject({
      observed: false,
      total: 0,
    });
  });
});

describe('alerts report', () => {
  const none = listAccounts(
    [GA],
    () => ({ holdings: [], total: 0, covered: 0, conditional: 0, uncovered: 0 }),
    declared,
  );
  it.each([
    {
      reason: 'accounts not covered exit 2 with --detailed-exitcode',
      alerts: [],
      acc: accounts,
      detailed: true,
      code: 2,
    },
    {
      reason: 'a role without MFA alone exits 2',
      alerts: [praAlert],
      acc: none,
      detailed: true,
      code: 2,
    },
    { reason: 'nothing to review exits 0', alerts: [], acc: none, detailed: true, code: 0 },
    {
      reason: 'findings without --detailed-exitcode exit 0',
      alerts: [praAlert],
      acc: accounts,
      detailed: false,
      code: 0,
    },
    {
      reason: 'holders not read are not findings (said in the report, not gated)',
      alerts: [],
      acc: listAccounts([READER], judge, declared),
      detailed: true,
      code: 0,
    },
  ])('$reason', ({ alerts, acc, detailed, code }) => {
    expect(alertsExitCode(alertsReport('tenant', alerts, acc), detailed)).toBe(code);
  });

  const report = alertsReport('tenant', [praAlert], accounts);

  it('text: the role table, the account table with id, path, via, verdict and why, and the roles not read', () => {
    const t = renderAlertsText(report);
    expect(t).toMatch(/ACCOUNT\s+TYPE\s+ROLE\s+PATH\s+VIA\s+VERDICT\s+REASON\s+DECLARED BY\s+WHY/);
    expect(t).toContain(`breakglass@contoso.example (${BREAKGLASS.id})`);
    expect(t).toMatch(
      /Active\s+not covered\s+ExcludedByConditionalAccess\s+identity\/global-admin\s+Policy 'Admins MFA' excludes/,
    );
    expect(t).toMatch(/Eligible\s+conditional\s+ConditionalCoverage/);
    expect(t).toContain(
      '3 account holding(s) of tenant are not behind MFA (1 only conditionally).',
    );
    expect(t).toContain(
      'Holders not read for 1 role(s) of tenant: their accounts are not judged (Directory Readers).',
    );
  });

  it('markdown: pipes in provider data cannot break the table', () => {
    const md = renderAlertsMarkdown(report);
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---'));
    const cells = (l: string): number => l.split(/(?<!\\)\|/).length;
    expect(
      new Set(
        rows
          .filter(
            (l) =>
              l.includes('Account') || l.includes('@') || l.includes('Bob') || l.includes('img'),
          )
          .map(cells),
      ).size,
    ).toBe(1);
    expect(md).toContain('\\| **x**');
  });

  it('sarif: one result per finding, on the declaring manifest or else the IdentityProvider, with stable fingerprints', () => {
    const log = toAlertsSarif(report, (d) =>
      parsePlace(d[0] === 'identity/global-admin' ? 'roles/ga.yaml:3:1' : 'idp.yaml:1:1'),
    ) as {
      runs: {
        tool: { driver: { rules: { id: string }[] } };
        results: {
          ruleId: string;
          level: string;
          locations: {
            physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
          }[];
          partialFingerprints: Record<string, string>;
        }[];
      }[];
    };
    const run = log.runs[0]!;
    expect(
      run.results.map((r) => [
        r.ruleId,
        r.level,
        r.locations[0]?.physicalLocation.artifactLocation.uri,
      ]),
    ).toEqual([
      ['RoleActivationWithoutMfa', 'warning', 'idp.yaml'],
      ['ConditionalCoverage', 'warning', 'roles/ga.yaml'],
      ['ExcludedByConditionalAccess', 'error', 'roles/ga.yaml'],
      ['GroupActivationWithoutMfa', 'error', 'idp.yaml'],
    ]);
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual([
      'ConditionalCoverage',
      'ExcludedByConditionalAccess',
      'GroupActivationWithoutMfa',
      'RoleActivationWithoutMfa',
    ]);
    const prints = run.results.map((r) => r.partialFingerprints['rolegateFinding/v1']);
    expect(new Set(prints).size).toBe(prints.length);
  });

  it.each([
    {
      reason: 'file:line:col',
      where: 'a/b.yaml:12:3',
      want: { file: 'a/b.yaml', line: 12, col: 3 },
    },
    {
      reason: 'a file name with a colon',
      where: 'c:/x.yaml:1:2',
      want: { file: 'c:/x.yaml', line: 1, col: 2 },
    },
    { reason: 'nothing known', where: undefined, want: undefined },
  ])('parsePlace: $reason', ({ where, want }) => expect(parsePlace(where)).toEqual(want));
});

describe('exportRoles writes mfaOnActiveAssignment where the provider has the rule', () => {
  it.each([
    { reason: 'rule off is written as false (zero drift)', role: PRA, want: false },
    { reason: 'rule on is written as true', role: { ...PRA, assignmentMfa: true }, want: true },
    { reason: 'a provider without the rule gets no field', role: GA, want: undefined },
  ])('$reason', ({ role, want }) => {
    const [doc] = exportRoles([role], 'tenant', 'identity');
    expect(doc!.spec.mfaOnActiveAssignment).toBe(want);
    expect('mfaOnActiveAssignment' in doc!.spec).toBe(want !== undefined);
  });
});

describe('from provider facts through the core to the account list', () => {
  // Facts as a provider reports them, judged by the core's assessCoverage (the rules are tested in
  // test/unit/reconcile/coverage): the list shows the core's verdicts and reasons, not its own.
  const admins: AccessPolicy = {
    id: 'p1',
    displayName: 'Admins MFA',
    state: 'enabled',
    requiresMfa: true,
    include: { all: true, users: [], groups: [], roles: [] },
    exclude: { all: false, users: [BREAKGLASS.id], groups: [], roles: [] },
    applications: { scope: 'All', authenticationContexts: [] },
    unjudged: [],
  };
  const role = liveRole(GA.roleId, 'Global Administrator', true, {
    coverage: {
      holdings: [
        { principal: ALICE, path: 'Active' },
        { principal: BREAKGLASS, path: 'Active' },
        { principal: BOB, path: 'Eligible' },
      ],
      policies: [admins],
      memberOf: {},
      groupActivation: {},
    },
  });
  const list = listAccounts([role], assessCoverage, () => []);

  it('lists the excluded standing holder only: the covered standing one and the eligible one (activation rule on) are covered', () => {
    expect(list.accounts.map((a) => [a.principal.id, a.path, a.verdict, a.gap])).toEqual([
      [BREAKGLASS.id, 'Active', 'Uncovered', 'ExcludedByConditionalAccess'],
    ]);
    expect(list.accounts[0]!.why).toMatch(/Admins MFA/);
    expect(list.roles[0]).toMatchObject({ total: 3, covered: 2, uncovered: 1, conditional: 0 });
  });
});
