// The CRDs in crds/ against a real API server: they are accepted as shipped, print the documented columns, and
// their CEL rules reject the invalid combinations with a readable message.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubectl, uniqueNamespace } from '../harness/kube-client.js';
import { runCli, type CliResult } from '../harness/cli.js';

const CRDS = resolve(import.meta.dirname, '../../crds');

const role = (
  ns: string,
  name: string,
  roleSpec: string,
): string => `apiVersion: rolegate.io/v1alpha1
kind: PrivilegedRole
metadata: {name: ${name}, namespace: ${ns}}
spec:
  providerRef: {name: entra}
  role: ${roleSpec}
  mfaRequired: true
`;

const idp = (name: string, spec: string): string => `apiVersion: rolegate.io/v1alpha1
kind: IdentityProvider
metadata: {name: ${name}}
spec: ${spec}
`;

const entra = '{tenantId: 00000000-0000-0000-0000-000000000001, credentials: {type: Environment}}';
const keycloak = '{url: "https://sso.example.com", realm: r, credentials: {clientId: c}}';

/** `rolegate validate` of one manifest, for the cases where it must agree with the API server. */
async function validateText(text: string): Promise<CliResult> {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-crd-'));
  try {
    writeFileSync(join(dir, 'idp.yaml'), text);
    return await runCli(['validate', 'idp.yaml'], dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('CRDs', () => {
  it('are accepted by the API server as shipped (structural schemas)', async () => {
    // The harness installs a copy with `additionalProperties: false` stripped (see scripts/envtest/envtest.sh), so
    // this is the test that holds crds/ itself to the API server's rules. Only the reasons, not kubectl's dump.
    const r = await kubectl(['replace', '--dry-run=server', '-f', CRDS], { allowFailure: true });
    const problems = [...r.stderr.matchAll(/"([a-z.]+)" is invalid: \[(.*)\]/g)].map(
      (m) => `${m[1]}: ${m[2]}`,
    );
    expect(problems).toEqual([]);
    expect(r.code, r.stderr.slice(0, 2000)).toBe(0);
  });

  it('list PrivilegedRoles with the printer columns', async () => {
    const ns = await uniqueNamespace('crd');
    await kubectl(['apply', '-f', '-'], {
      input: role(ns, 'global-admin', '{displayName: Global Administrator}'),
    });
    const { stdout } = await kubectl(['get', 'privilegedroles', '-A']);
    const [header, ...rows] = stdout.trimEnd().split('\n');
    expect(header?.split(/\s+/)).toEqual([
      'NAMESPACE',
      'NAME',
      'ROLE',
      'MFA-REQUIRED',
      'ENFORCEMENT',
      'READY',
      'MFA-ENFORCED',
      'HOLDERS-COVERED',
      'UNCOVERED',
      'AGE',
    ]);
    expect(rows.find((r) => r.startsWith(ns))).toMatch(
      new RegExp(`^${ns}\\s+global-admin\\s+true\\s+`),
    );
    // the short name and the category work too
    expect((await kubectl(['get', 'proles', '-n', ns, '-o', 'name'])).stdout.trim()).toBe(
      'privilegedrole.rolegate.io/global-admin',
    );
    expect((await kubectl(['get', 'rolegate', '-n', ns, '-o', 'name'])).stdout).toContain(
      'privilegedrole.rolegate.io/global-admin',
    );
  });

  it('rejects a PrivilegedRole with both role.id and role.displayName', async () => {
    const ns = await uniqueNamespace('crd');
    const r = await kubectl(['apply', '-f', '-'], {
      input: role(
        ns,
        'both',
        '{id: 62e90394-69f5-4237-9190-012177145e10, displayName: Global Administrator}',
      ),
      allowFailure: true,
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('exactly one of role.id or role.displayName must be set');
  });

  it.each([
    ['both', `{entra: ${entra}, keycloak: ${keycloak}}`],
    ['neither', '{resyncInterval: 5m}'],
  ])('rejects an IdentityProvider with %s of entra and keycloak', async (which, spec) => {
    const r = await kubectl(['apply', '-f', '-'], {
      input: idp(`idp-${which}`, spec),
      allowFailure: true,
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('exactly one of entra or keycloak must be set');
  });

  it.each(['0s', '1ms', '999ms'])(
    'rejects an IdentityProvider with resyncInterval %s (below the 1s minimum), and validate agrees',
    async (interval) => {
      const input = idp(`idp-resync-${interval}`, `{resyncInterval: ${interval}, entra: ${entra}}`);
      const r = await kubectl(['apply', '--dry-run=server', '-f', '-'], {
        input,
        allowFailure: true,
      });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('resyncInterval must be at least 1s');
      const v = await validateText(input);
      expect(v.code).toBe(1);
      expect(v.stdout + v.stderr).toContain('resyncInterval must be at least 1s');
    },
  );

  it('accepts resyncInterval at the minimum', async () => {
    await kubectl(['apply', '--dry-run=server', '-f', '-'], {
      input: idp('idp-resync-min', `{resyncInterval: 1s, entra: ${entra}}`),
    });
  });

  it('rejects unknown fields without additionalProperties: false (structural pruning + strict field validation)', async () => {
    const ns = await uniqueNamespace('crd');
    const r = await kubectl(['apply', '-f', '-'], {
      input: role(ns, 'typo', '{displayName: Global Administrator}') + '  mfaRequierd: true\n',
      allowFailure: true,
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('unknown field "spec.mfaRequierd"');
  });

  it('accepts a valid IdentityProvider of each kind', async () => {
    await kubectl(['apply', '--dry-run=server', '-f', '-'], {
      input: idp('idp-entra', `{entra: ${entra}}`),
    });
    await kubectl(['apply', '--dry-run=server', '-f', '-'], {
      input: idp('idp-keycloak', `{keycloak: ${keycloak}}`),
    });
  });
});
