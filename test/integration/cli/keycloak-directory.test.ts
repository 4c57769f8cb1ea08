// The Keycloak provider through the same CLI, plan() and conditions as Entra: validate, plan, apply, plan
// again, against the real Keycloak, with the client secret coming from the environment as in directory mode.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../../harness/cli.js';
import { startRolegate } from '../../harness/controller-process.js';
import {
  createTestRealm,
  ROLEGATE_SECRET,
  type TestRealm,
} from '../providers/keycloak/fixtures.js';

let realm: TestRealm;
let dir: string;
const cli = (args: string[]): Promise<CliResult> =>
  runCli(args, dir, { ROLEGATE_SECRET_KC_ROLEGATE_CLIENT_SECRET: ROLEGATE_SECRET });

beforeAll(async () => {
  realm = await createTestRealm(`cli-${Date.now().toString(36)}`, [
    'ops-admin',
    'auditor',
    'viewer',
  ]);
  dir = mkdtempSync(join(tmpdir(), 'rolegate-kc-'));
  writeFileSync(
    join(dir, 'keycloak.yaml'),
    `apiVersion: rolegate.io/v1alpha1
kind: IdentityProvider
metadata: { name: corp }
spec:
  keycloak:
    url: ${realm.admin.url}
    realm: ${realm.realm}
    adminRealm: ${realm.realm}
    credentials: { clientId: rolegate, clientSecretRef: { name: kc-rolegate, key: client-secret } }
---
apiVersion: rolegate.io/v1alpha1
kind: PrivilegedRole
metadata: { name: ops-admin, namespace: identity }
spec: { providerRef: { name: corp }, role: { displayName: ops-admin }, mfaRequired: true }
---
apiVersion: rolegate.io/v1alpha1
kind: PrivilegedRole
metadata: { name: auditor, namespace: identity }
spec: { providerRef: { name: corp }, role: { displayName: auditor }, mfaRequired: true, enforcement: Audit }
---
apiVersion: rolegate.io/v1alpha1
kind: PrivilegedRole
metadata: { name: ghost, namespace: identity }
spec: { providerRef: { name: corp }, role: { displayName: no-such-role }, mfaRequired: true }
`,
  );
});
afterAll(async () => {
  await realm?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('rolegate with a Keycloak IdentityProvider', () => {
  it('validates, plans drift, applies, and then plans no drift for the enforced role', async () => {
    expect((await cli(['validate', '.'])).code).toBe(0);
    const before = JSON.parse((await cli(['plan', '.', '-o', 'json'])).stdout) as {
      rows: { key: string; outcome: string; reason: string }[];
    };
    expect(Object.fromEntries(before.rows.map((r) => [r.key, `${r.outcome}/${r.reason}`]))).toEqual(
      {
        'identity/auditor': 'Drifted/DriftDetected',
        'identity/ghost': 'Blocked/RoleNotFound',
        'identity/ops-admin': 'Correct/DriftDetected',
      },
    );
    const applied = await cli(['apply', '.']);
    expect(applied.stdout).toMatch(/Applied 1 change\(s\)/);
    expect(applied.code).toBe(1); // the unknown role is an error
    const after = JSON.parse((await cli(['plan', '.', '-o', 'json'])).stdout) as {
      rows: { key: string; outcome: string }[];
    };
    expect(after.rows.find((r) => r.key === 'identity/ops-admin')?.outcome).toBe('InSync');
    expect(after.rows.find((r) => r.key === 'identity/auditor')?.outcome).toBe('Drifted');
  });

  it('ResetToDefault on a deleted role: refused without --allow-weakening (the Keycloak default has no OTP step), done with it', async () => {
    const own = mkdtempSync(join(tmpdir(), 'rolegate-kc-reset-'));
    const env = { ROLEGATE_SECRET_KC_ROLEGATE_CLIENT_SECRET: ROLEGATE_SECRET };
    const provider = readFileSync(join(dir, 'keycloak.yaml'), 'utf8').split('\n---\n')[0]!;
    writeFileSync(join(own, 'provider.yaml'), provider);
    const roleFile = join(own, 'viewer.yaml');
    const viewer = `apiVersion: rolegate.io/v1alpha1
kind: PrivilegedRole
metadata: { name: viewer, namespace: identity }
spec: { providerRef: { name: corp }, role: { displayName: viewer }, mfaRequired: true, deletionPolicy: ResetToDefault }
`;
    /** The outcome plan gives viewer with mfaRequired: true, read from a separate directory. */
    const planViewer = async (): Promise<string> => {
      const check = mkdtempSync(join(tmpdir(), 'rolegate-kc-check-'));
      writeFileSync(join(check, 'all.yaml'), `${provider}\n---\n${viewer}`);
      const r = await runCli(['plan', '.', '-o', 'json'], check, env);
      rmSync(check, { recursive: true, force: true });
      const rows = (JSON.parse(r.stdout) as { rows: { key: string; outcome: string }[] }).rows;
      return rows.find((x) => x.key === 'identity/viewer')?.outcome ?? 'missing';
    };
    const cycle = async (extra: string[]): Promise<Record<string, unknown>> => {
      writeFileSync(roleFile, viewer);
      const run = startRolegate(
        ['run', '--dir', own, '--http-addr', '127.0.0.1:0', '--log-format', 'json', ...extra],
        env,
      );
      try {
        await run.waitForLog((l) => l.msg === 'controller started', 30_000);
        await run.waitForLog(
          (l) =>
            typeof l.msg === 'string' &&
            l.namespace === 'identity' &&
            l.name === 'viewer' &&
            /InSync|as declared/.test(String(l.msg)),
          30_000,
        );
        rmSync(roleFile);
        return await run.waitForLog(
          (l) => typeof l.msg === 'string' && l.msg.startsWith('finalized:'),
          30_000,
        );
      } finally {
        expect(await run.stop()).toBe(0);
      }
    };
    try {
      const refused = await cycle([]);
      expect(refused.msg).toMatch(/refused.*--allow-weakening/);
      expect(await planViewer()).toBe('InSync'); // the OTP step is still there

      const reset = await cycle(['--allow-weakening']);
      expect(reset).toMatchObject({ decision: 'Reset' });
      expect(await planViewer()).toBe('Correct'); // rolegate's step is gone: back to Keycloak's default
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });
});
