// `rolegate report` read the way a reviewer reads it: the real CLI writes the page against the Graph emulator,
// and a real headless Chromium (Debian's package) opens it; the test checks what the page shows, and that it
// shows it offline (no script, nothing fetched but the page itself), against the JSON the same command writes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../../harness/cli.js';
import { chromiumVersion, renderPage, type RenderedPage } from '../../harness/chromium.js';
import { startGraphEmulator, type GraphEmulator } from '../../../src/emulator/graph/index.js';
import { emulatorProviderYaml } from '../../harness/emulator-provider.js';
import { directoryRunArgs, startRolegate } from '../../harness/controller-process.js';
import { eventually } from '../../harness/kube-client.js';
import type { CoverageReport } from '../../../src/cli/coverage-report.js';
import { listAccounts } from '../../../src/cli/accounts.js';
import { coverageReport } from '../../../src/cli/coverage-report.js';
import { renderCoverageHtml } from '../../../src/cli/coverage-html.js';
import { driftFromPlan } from '../../../src/cli/drift-history.js';
import {
  BREAKGLASS,
  GA,
  HOSTILE,
  PRA as PRA_ROLE,
  READER,
  judge,
} from '../../fixtures/coverage-verdicts.js';

const PRA = 'e8611ab8-c189-46e8-94e1-60213ab1f814';

let emulator: GraphEmulator;
let dir: string;
const cli = (args: string[]): Promise<CliResult> => runCli(args, dir);

beforeAll(async () => {
  // Fails the file, not skips it, when Chromium is missing.
  chromiumVersion();
  emulator = await startGraphEmulator({ port: 0 });
  emulator.setEnabledRules(PRA, ['Justification']);
  dir = mkdtempSync(join(tmpdir(), 'rolegate-report-'));
  writeFileSync(join(dir, 'provider.yaml'), emulatorProviderYaml(emulator));
  writeFileSync(
    join(dir, 'roles.yaml'),
    `apiVersion: rolegate.io/v1alpha1
kind: PrivilegedRole
metadata: { name: pra, namespace: identity }
spec: { providerRef: { name: tenant }, role: { id: ${PRA} }, mfaRequired: true }
`,
  );
});
afterAll(async () => {
  await emulator?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The page is self-contained: no script ran, and nothing was fetched but the page itself. */
function expectOffline(page: RenderedPage, file: string): void {
  expect(page.scripts).toBe(0);
  expect(page.resources).toEqual([]);
  expect(page.requests).toEqual([pathToFileURL(file).href]);
  expect(page.screenshot.length).toBeGreaterThan(10_000);
  expect(page.size.height).toBeGreaterThan(600);
}

/** The summary cards as the page shows them: label -> number. */
function cards(page: RenderedPage): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of (page.sections['summary'] ?? '').matchAll(/^(\d+)\n(.+)$/gm))
    out[m[2]!.trim()] = Number(m[1]);
  return out;
}

describe('rolegate report', () => {
  it('writes a page a browser shows offline: tenant, roles and their coverage, and the drift a live plan finds', async () => {
    const r = await cli(['report', '.', '--output-file', 'coverage.html']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^Wrote the MFA coverage report of IdentityProvider tenant to coverage.html: /,
    );
    const j = await cli(['report', '.', '-o', 'json']);
    expect(j.code, j.stderr).toBe(0);
    const data = JSON.parse(j.stdout) as CoverageReport;
    expect(data.provider).toMatchObject({
      name: 'tenant',
      kind: 'entra',
      tenant: emulator.tenantId,
    });
    // Every directory role, and the member and owner accesses of the seeded PIM for Groups group.
    expect(data.roles).toHaveLength(emulator.roleDefinitions().length + 2);

    const file = join(dir, 'coverage.html');
    const page = await renderPage(file);
    expectOffline(page, file);
    expect(page.title).toBe('MFA coverage of privileged roles: tenant');
    expect(page.text).toContain(emulator.tenantId);
    expect(page.text).toMatch(/Report generated at\s+\d{4}-\d\d-\d\dT/);
    expect(cards(page)).toEqual({
      roles: data.summary.roles,
      'roles declared in git': 1,
      'roles without MFA on activation': data.summary.rolesWithoutMfaOnActivation,
      'holdings read': data.summary.holdings,
      'covered by MFA': data.summary.covered,
      'conditionally covered': data.summary.conditional,
      'not covered': data.summary.uncovered,
    });

    const roles = page.tables.find((t) => t.id === 'roles')!;
    expect(roles.headers).toEqual([
      'Role',
      'Declared by',
      'MFA on activation',
      'MFA on active assignment',
      'Holders',
      'Covered',
      'Conditional',
      'Not covered',
      'By path',
    ]);
    expect(roles.rows).toHaveLength(data.roles.length);
    const praRow = roles.rows.find((row) => row[0]!.includes(PRA))!;
    expect(praRow[0]).toContain('Privileged Role Administrator');
    expect(praRow[1]).toBe('identity/pra');
    expect(praRow[2]).toBe('no');
    // The page says what it does not know: roles whose holders were not read are named, never counted covered.
    if (data.holdersNotRead.length > 0)
      expect(page.sections['not-read']).toContain(
        `Roles whose holders were not read (${data.holdersNotRead.length})`,
      );

    expect(page.sections['drift']).toContain('Drift found now (live plan)');
    expect(page.sections['drift']).toContain('No status history was given');
    const drift = page.tables.find((t) => t.id === 'drift')!;
    expect(drift.rows).toEqual([
      ['identity/pra', 'Privileged Role Administrator', '0', '', '', 'mfaRequired: true / false'],
    ]);
  });

  it('shows the corrections the controller recorded in its status file, within --since', async () => {
    const statusFile = join(dir, 'status.json');
    const run = startRolegate(directoryRunArgs(dir, ['--status-file', statusFile]));
    try {
      await run.waitForLog(
        (l) => typeof l.msg === 'string' && l.msg.includes('wrote:') && l.roleId === PRA,
        30_000,
      );
      await eventually(
        () => {
          if (!existsSync(statusFile)) throw new Error('no status file');
          const s = JSON.parse(readFileSync(statusFile, 'utf8')) as {
            roles: { key: string; status?: { drift?: { corrections?: number } } }[];
          };
          if (!s.roles.some((x) => (x.status?.drift?.corrections ?? 0) > 0))
            throw new Error('no correction recorded yet');
        },
        20_000,
        200,
      );
    } finally {
      expect(await run.stop()).toBe(0);
    }
    const recorded = (
      JSON.parse(readFileSync(statusFile, 'utf8')) as {
        roles: {
          key: string;
          status: { drift: { corrections: number; lastCorrectedTime: string } };
        }[];
      }
    ).roles.find((x) => x.key === 'identity/pra')!.status.drift;

    const r = await cli(['report', '.', '--status-file', 'status.json', '--output-file', 'h.html']);
    expect(r.code, r.stderr).toBe(0);
    const page = await renderPage(join(dir, 'h.html'));
    expectOffline(page, join(dir, 'h.html'));
    expect(page.sections['drift']).toContain('Drift corrected recently');
    expect(page.sections['drift']).toContain('status.json');
    expect(page.tables.find((t) => t.id === 'drift')!.rows).toEqual([
      [
        'identity/pra',
        'Privileged Role Administrator',
        String(recorded.corrections),
        recorded.lastCorrectedTime,
        expect.any(String),
        'none',
      ],
    ]);

    // A window that ends before the correction shows none.
    await new Promise((res) => setTimeout(res, 20));
    const old = await cli([
      'report',
      '.',
      '--status-file',
      'status.json',
      '--since',
      '10ms',
      '-o',
      'json',
    ]);
    expect(old.code, old.stderr).toBe(0);
    expect((JSON.parse(old.stdout) as CoverageReport).drift.entries).toEqual([]);
  });

  it.each([
    {
      reason: 'a status file that does not exist',
      args: ['--status-file', 'nope.json'],
      err: /cannot read the status file nope.json/,
    },
    {
      reason: 'both sources of status',
      args: ['--status-file', 'x.json', '--kubernetes'],
      err: /give one/,
    },
    {
      reason: 'a window that is not a duration',
      args: ['--since', '30d'],
      err: /expected a duration/,
    },
    {
      reason: 'a format the report does not write',
      args: ['-o', 'yaml'],
      err: /expected one of html, json/,
    },
  ])('exits 1 on $reason', async ({ args, err }) => {
    const r = await cli(['report', '.', ...args]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(err);
  });
});

describe('the report page with accounts', () => {
  // The emulator's tenant may hold no holders yet; the accounts part of the page is rendered from the CLI's
  // own builder fed with verdicts (fixtures), and read in the same browser.
  it('lists every account not behind MFA, with names an attacker chose shown as text', async () => {
    const roles = [GA, PRA_ROLE, READER];
    const report = coverageReport({
      idp: {
        apiVersion: 'rolegate.io/v1alpha1',
        kind: 'IdentityProvider',
        metadata: { name: 'contoso' },
        spec: {
          entra: {
            tenantId: '11111111-2222-4333-8444-555555555555',
            credentials: { type: 'Emulator' },
          },
        },
      },
      observedAt: '2026-12-01T10:00:00.000Z',
      generatedAt: '2026-12-01T10:00:01.000Z',
      generator: 'rolegate test',
      roles,
      accounts: listAccounts(roles, judge, (r) =>
        r.roleId === GA.roleId ? ['identity/global-admin'] : [],
      ),
      drift: driftFromPlan([], 'contoso', 'manifests/'),
    });
    const file = join(dir, 'accounts.html');
    writeFileSync(file, renderCoverageHtml(report));
    const page = await renderPage(file);
    expectOffline(page, file);
    expect(page.title).toBe('MFA coverage of privileged roles: contoso');

    const accounts = page.tables.find((t) => t.id === 'not-covered')!;
    expect(accounts.headers).toEqual([
      'Account',
      'Type',
      'Role',
      'Path',
      'Via',
      'Verdict',
      'Why',
      'Declared by',
    ]);
    expect(accounts.rows).toHaveLength(report.notCovered.length);
    expect(accounts.rows.map((r) => [r[0], r[5]])).toEqual([
      [`Bob\nc3c3c3c3-0000-4000-8000-000000000003`, 'Conditional\nConditionalCoverage'],
      [`breakglass@contoso.example\n${BREAKGLASS.id}`, 'Not covered\nExcludedByConditionalAccess'],
      [`${HOSTILE.displayName}\n${HOSTILE.id}`, 'Not covered\nGroupActivationWithoutMfa'],
    ]);
    expect(accounts.rows[2]![4]).toBe('group PRA <admins> (e5e5e5e5-0000-4000-8000-000000000005)');
    expect(accounts.rows[1]![3]).toBe('standing (active) assignment');
    expect(cards(page)).toMatchObject({
      'holdings read': 4,
      'covered by MFA': 1,
      'conditionally covered': 1,
      'not covered': 2,
    });

    const ga = page.tables
      .find((t) => t.id === 'roles')!
      .rows.find((r) => r[0]!.startsWith('Global Administrator'))!;
    expect(ga.slice(1)).toEqual([
      'identity/global-admin',
      'yes (MultiFactorAuthentication)',
      'n/a',
      '3',
      '1',
      '1',
      '1',
      'Active: 2, 1 not covered\nEligible: 1, 1 conditional',
    ]);
    const pra = page.tables
      .find((t) => t.id === 'roles')!
      .rows.find((r) => r[0]!.startsWith('Privileged Role'))!;
    expect(pra[3]).toBe('no');
    expect(page.sections['not-read']).toContain('Directory Readers');
  });
});
