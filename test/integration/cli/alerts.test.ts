// `rolegate alerts` against the Graph emulator: the roles and accounts lists in every format it writes, the SARIF
// findings on the manifests a reviewer would change, and the CI gate (--detailed-exitcode: 2 with findings, 0
// without, 1 on errors).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli, type CliResult } from '../../harness/cli.js';
import {
  SEEDED_TIER0_GROUP,
  startGraphEmulator,
  type GraphEmulator,
} from '../../../src/emulator/graph/index.js';
import { emulatorProviderYaml } from '../../harness/emulator-provider.js';
import type { AlertsReport } from '../../../src/cli/alerts-report.js';

const PRA = 'e8611ab8-c189-46e8-94e1-60213ab1f814';

let emulator: GraphEmulator;
let dir: string;
const cli = (args: string[]): Promise<CliResult> => runCli(args, dir);

beforeAll(async () => {
  emulator = await startGraphEmulator({ port: 0 });
  emulator.setEnabledRules(PRA, ['Justification']);
  dir = mkdtempSync(join(tmpdir(), 'rolegate-alerts-'));
  writeFileSync(join(dir, 'provider.yaml'), emulatorProviderYaml(emulator));
  writeFileSync(
    join(dir, 'roles.yaml'),
    `# one declared role
apiVersion: rolegate.io/v1alpha1
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

async function report(): Promise<AlertsReport> {
  const r = await cli(['alerts', '.', '-o', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as AlertsReport;
}

describe('rolegate alerts', () => {
  it('json and yaml carry the roles, the accounts and the roles whose holders were not read', async () => {
    const j = await report();
    expect(j.provider).toBe('tenant');
    expect(j.rolesWithoutMfa).toBe(j.alerts.length);
    expect(j.alerts.find((a) => a.roleId === PRA)?.declared).toEqual(['identity/pra']);
    expect(j.alerts.filter((a) => a.roleId !== PRA).every((a) => a.declared.length === 0)).toBe(
      true,
    );
    expect(j.accountsNotCovered).toBe(j.accounts.length);
    // Every role is either judged or named as not read: none is silently left out.
    expect(j.holdersNotRead.length).toBeLessThanOrEqual(emulator.roleDefinitions().length);
    for (const a of j.accounts) {
      expect(a.verdict).toMatch(/^(Uncovered|Conditional)$/);
      expect(a.principal.id).not.toBe('');
      expect(a.why).not.toBe('');
    }
    // The default tenant's group owner can make herself a member of the group holding Security Administrator:
    // listed on her own path, naming the group, with her own reason.
    const owner = j.accounts.find((a) => a.path === 'GroupOwner');
    expect(owner).toMatchObject({
      principal: { userPrincipalName: 'olivia@contoso.example' },
      roleDisplayName: 'Security Administrator',
      via: expect.stringContaining(`group ${SEEDED_TIER0_GROUP}`),
      verdict: 'Uncovered',
      gap: 'GroupOwnerWithoutMfa',
    });
    const y = await cli(['alerts', '.', '-o', 'yaml']);
    expect(parse(y.stdout)).toEqual(j);
  });

  it('text and markdown say the same counts', async () => {
    const j = await report();
    const t = await cli(['alerts', '.']);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toContain(
      `${j.rolesWithoutMfa} role(s) of tenant do not require MFA on activation.`,
    );
    if (j.accountsNotCovered > 0)
      expect(t.stdout).toContain(
        `${j.accountsNotCovered} account holding(s) of tenant are not behind MFA`,
      );
    if (j.holdersNotRead.length > 0)
      expect(t.stdout).toContain(
        `Holders not read for ${j.holdersNotRead.length} role(s) of tenant`,
      );
    const md = await cli(['alerts', '.', '-o', 'markdown']);
    expect(md.stdout).toMatch(/^### rolegate alerts: tenant\n/);
    expect(md.stdout).toContain(
      `**${j.rolesWithoutMfa} role(s) without MFA on activation**, **${j.accountsNotCovered} account holding(s) not behind MFA**.`,
    );
    expect(md.stdout).toContain(
      `| Privileged Role Administrator | \`${PRA}\` | medium | identity/pra |`,
    );
  });

  it('sarif puts a declared role on its PrivilegedRole and an undeclared one on the IdentityProvider', async () => {
    const j = await report();
    const r = await cli(['alerts', '.', '-o', 'sarif', '--output-file', 'alerts.sarif']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('role(s) of tenant do not require MFA'); // the text on stdout
    const { readFileSync } = await import('node:fs');
    const log = JSON.parse(readFileSync(join(dir, 'alerts.sarif'), 'utf8')) as {
      version: string;
      runs: {
        results: {
          ruleId: string;
          properties: { roleId: string };
          locations: {
            physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
          }[];
        }[];
      }[];
    };
    expect(log.version).toBe('2.1.0');
    const results = log.runs[0]!.results;
    expect(results).toHaveLength(j.rolesWithoutMfa + j.accountsNotCovered);
    const where = (roleId: string): [string, number] | undefined => {
      const loc = results.find((x) => x.properties.roleId === roleId)?.locations[0];
      return (
        loc && [loc.physicalLocation.artifactLocation.uri, loc.physicalLocation.region.startLine]
      );
    };
    // roles.yaml line 2 is the PrivilegedRole's apiVersion (line 1 is a comment).
    expect(where(PRA)).toEqual(['roles.yaml', 2]);
    const other = j.alerts.find((a) => a.roleId !== PRA)!;
    expect(where(other.roleId)).toEqual(['provider.yaml', 1]);
  });

  it('--detailed-exitcode: 2 while a role or an account lacks MFA, 0 once none does, 1 on errors', async () => {
    const before = await report();
    expect(before.rolesWithoutMfa).toBeGreaterThan(0);
    expect((await cli(['alerts', '.', '--detailed-exitcode'])).code).toBe(2);
    expect((await cli(['alerts', '.'])).code).toBe(0);

    for (const role of emulator.roleDefinitions())
      emulator.setEnabledRules(role.id, ['MultiFactorAuthentication']);
    // The seeded group's member access (PIM for Groups) is listed too: its activation needs MFA as well.
    emulator.seedDirectory({
      groups: [
        {
          displayName: SEEDED_TIER0_GROUP,
          isAssignableToRole: true,
          pim: { member: ['MultiFactorAuthentication'], owner: ['MultiFactorAuthentication'] },
        },
      ],
    });
    const after = await report();
    expect(after.rolesWithoutMfa).toBe(0);
    const gate = await cli(['alerts', '.', '--detailed-exitcode']);
    expect(gate.code, gate.stdout).toBe(after.accountsNotCovered > 0 ? 2 : 0);

    const missing = await cli(['alerts', 'nope/', '--detailed-exitcode']);
    expect(missing.code).toBe(1);
    const format = await cli(['alerts', '.', '-o', 'junit', '--detailed-exitcode']);
    expect(format.code).toBe(1);
    expect(format.stderr).toMatch(/expected one of text, json, yaml, markdown, sarif/);
  });
});
