// The Keycloak provider through the same CLI, plan() and conditions as Entra: validate, plan, apply, plan
// again, against the real Keycloak, with the client secret coming from the environment as in directory mode.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../../harness/cli.js';
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
});
