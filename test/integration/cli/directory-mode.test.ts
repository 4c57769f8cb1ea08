// Directory mode end to end: manifests in a temporary "git checkout", the real CLI as a process, and a Graph
// emulator the test controls. Covers issue #2's "done when" list.
import { mkdtempSync, writeFileSync, rmSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../../harness/cli.js';
import { startGraphEmulator, type GraphEmulator } from '../../../src/emulator/graph/index.js';
import { eventually } from '../../harness/kube-client.js';
import { directoryRunArgs, startRolegate } from '../../harness/controller-process.js';
import { emulatorProviderYaml } from '../../harness/emulator-provider.js';

const PRA = 'e8611ab8-c189-46e8-94e1-60213ab1f814';
const PAA = '7be44c8a-adaf-4e2a-84d6-ab2649e08a13';

let emulator: GraphEmulator;
let dir: string;
const cli = (args: string[]): Promise<CliResult> => runCli(args, dir);

const writes = (): number => emulator.counts().writes;

function writeManifests(): void {
  writeFileSync(join(dir, 'provider.yaml'), emulatorProviderYaml(emulator));
  writeFileSync(
    join(dir, 'roles.yaml'),
    `apiVersion: rolegate.io/v1alpha1
kind: PrivilegedRole
metadata: { name: global-admin, namespace: identity }
spec: { providerRef: { name: tenant }, role: { displayName: Global Administrator }, mfaRequired: true }
---
apiVersion: rolegate.io/v1alpha1
kind: PrivilegedRole
metadata: { name: pra, namespace: identity }
spec: { providerRef: { name: tenant }, role: { id: ${PRA} }, mfaRequired: true }
---
apiVersion: rolegate.io/v1alpha1
kind: PrivilegedRole
metadata: { name: paa, namespace: identity }
spec: { providerRef: { name: tenant }, role: { id: ${PAA} }, mfaRequired: true }
`,
  );
}

beforeAll(async () => {
  emulator = await startGraphEmulator({ port: 0 });
  // Two roles without MFA, whatever the seed says, so the test states its own drift.
  emulator.setEnabledRules(PRA, ['Justification']);
  emulator.setEnabledRules(PAA, ['Justification']);
  dir = mkdtempSync(join(tmpdir(), 'rolegate-dir-'));
  writeManifests();
});
afterAll(async () => {
  await emulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('directory mode', () => {
  it('plan shows drift without writing and exits 2 with --detailed-exitcode', async () => {
    const before = writes();
    const r = await cli(['plan', '.', '--detailed-exitcode', '-o', 'json']);
    expect(r.code, r.stderr).toBe(2);
    const report = JSON.parse(r.stdout) as {
      rows: { key: string; outcome: string }[];
      summary: { toChange: number };
    };
    expect(report.summary.toChange).toBe(2);
    expect(Object.fromEntries(report.rows.map((x) => [x.key, x.outcome]))).toEqual({
      'identity/global-admin': 'InSync',
      'identity/pra': 'Correct',
      'identity/paa': 'Correct',
    });
    expect(writes()).toBe(before);
  });

  it('apply enables MFA with batched writes, then plan shows no drift and a second apply writes nothing', async () => {
    emulator.resetLog();
    const a = await cli(['apply', '.']);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/Applied 2 change\(s\)/);
    // The snapshot is the two listings (one page each: rolegate asks for $top=999, which the emulator grants)
    // plus one page of Conditional Access policies (the seeded Privileged Authentication Administrator has an
    // authentication context); both corrections then travel together: one $batch of writes, with a batched
    // re-read before and a batched verification after. The snapshot also reads the role holders: the two schedule
    // instance listings, one getByIds for the holders, one $batch for the seeded role-assignable group and one
    // getByIds for its eligible member (the Conditional Access listing serves both contexts and holders). Last,
    // the PIM for Groups policies: one listing of the role-assignable groups and one $batch of their policies.
    expect(emulator.counts()).toMatchObject({
      writes: 2,
      batches: 3 + 1 + 1,
      requests: 2 + 1 + 3 + (2 + 1 + 1 + 1) + (1 + 1),
    });
    const p = await cli(['plan', '.', '--detailed-exitcode']);
    expect(p.code, p.stdout).toBe(0);
    expect(p.stdout).toMatch(/Plan: 0 to change, 3 in sync/);
    const before = writes();
    const again = await cli(['apply', '.']);
    expect(again.stdout).toMatch(/No changes were needed/);
    expect(writes()).toBe(before);
  });

  it('run --dir finds and fixes out-of-band changes on the next resync, and a malformed file does not stop the others', async () => {
    const statusFile = join(dir, 'status.json');
    const run = startRolegate(directoryRunArgs(dir, ['--status-file', statusFile]));
    try {
      await run.waitForLog((l) => l.msg === 'controller started');
      const url = await run.opsUrl();
      await eventually(
        async () => {
          const s = (await (await fetch(`${url}/status`)).json()) as {
            roles: { key: string; status?: { conditions?: { type: string; status: string }[] } }[];
          };
          const readyCount = s.roles.filter((r) =>
            r.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
          ).length;
          if (readyCount !== 3) throw new Error(`ready ${readyCount}`);
        },
        20_000,
        200,
      );

      // an administrator removes MFA in the portal
      emulator.setEnabledRules(PRA, []);
      await run.waitForLog(
        (l) => typeof l.msg === 'string' && l.msg.includes('wrote:') && l.roleId === PRA,
        15_000,
      );

      // a broken file arrives next to the good ones
      writeFileSync(
        join(dir, 'broken.yaml'),
        'apiVersion: rolegate.io/v1alpha1\nkind: PrivilegedRole\nmetadata: { name: x\nspec: [\n',
      );
      const err = await run.waitForLog(
        (l) => typeof l.msg === 'string' && /broken\.yaml:\d+:\d+/.test(l.msg),
        10_000,
      );
      expect(err.level).toBe('error');
      emulator.setEnabledRules(PAA, ['Justification']);
      await run.waitForLog(
        (l) => typeof l.msg === 'string' && l.msg.includes('wrote:') && l.roleId === PAA,
        15_000,
      );
      await eventually(
        () => {
          if (!existsSync(statusFile)) throw new Error('no status file');
          const s = JSON.parse(readFileSync(statusFile, 'utf8')) as {
            roles: { key: string; status?: { drift?: { corrections?: number } } }[];
          };
          const paa = s.roles.find((r) => r.key === 'identity/paa');
          if ((paa?.status?.drift?.corrections ?? 0) < 1)
            throw new Error('status file not updated');
        },
        10_000,
        200,
      );
    } finally {
      expect(await run.stop()).toBe(0);
    }
  });

  it('run --dir resets a ResetToDefault role when its file is deleted, and leaves an Orphan one as is', async () => {
    const [resetId, orphanId] = emulator
      .roleDefinitions()
      .slice(20, 22)
      .map((d) => d.templateId);
    const mfa = (id: string): boolean =>
      (
        emulator.getRule(id!, 'Enablement_EndUser_Assignment') as
          { enabledRules?: string[] } | undefined
      )?.enabledRules?.includes('MultiFactorAuthentication') ?? false;
    emulator.setEnabledRules(resetId!, ['Justification', 'MultiFactorAuthentication']);
    emulator.setEnabledRules(orphanId!, ['Justification', 'MultiFactorAuthentication']);
    const own = mkdtempSync(join(tmpdir(), 'rolegate-dir-deletion-'));
    writeFileSync(join(own, 'provider.yaml'), readFileSync(join(dir, 'provider.yaml')));
    const roleFile = (name: string, id: string, policy: string): string => {
      const file = join(own, `${name}.yaml`);
      writeFileSync(
        file,
        `apiVersion: rolegate.io/v1alpha1
kind: PrivilegedRole
metadata: { name: ${name}, namespace: identity }
spec: { providerRef: { name: tenant }, role: { id: ${id} }, mfaRequired: false, deletionPolicy: ${policy} }
`,
      );
      return file;
    };
    const resetFile = roleFile('reset', resetId!, 'ResetToDefault');
    const orphanFile = roleFile('orphan', orphanId!, 'Orphan');
    const run = startRolegate(directoryRunArgs(own, ['--allow-weakening']));
    try {
      await run.waitForLog((l) => l.msg === 'controller started');
      await eventually(
        () => expect([mfa(resetId!), mfa(orphanId!)]).toEqual([false, false]),
        20_000,
      );
      rmSync(resetFile);
      rmSync(orphanFile);
      await run.waitForLog(
        (l) =>
          typeof l.msg === 'string' &&
          l.msg.startsWith('finalized:') &&
          l.namespace === 'identity' &&
          l.name === 'reset',
        15_000,
      );
      expect(mfa(resetId!)).toBe(true);
      const wrote = run.logs.find(
        (l) =>
          typeof l.msg === 'string' &&
          l.msg.startsWith('wrote: require MFA') &&
          l.roleId === resetId,
      );
      expect(wrote).toMatchObject({
        before: 'off',
        after: 'on',
        settings: ['Justification', 'MultiFactorAuthentication'],
      });
      // two resyncs (1 s) later the Orphan role is still as it was left
      await new Promise((r) => setTimeout(r, 2500));
      expect(mfa(orphanId!)).toBe(false);
      const url = await run.opsUrl();
      const s = (await (await fetch(`${url}/status`)).json()) as { roles: { key: string }[] };
      expect(s.roles.map((r) => r.key)).toEqual([]);
    } finally {
      expect(await run.stop()).toBe(0);
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('run --dir without --allow-weakening keeps MFA on active assignment when resetting a deleted role', async () => {
    const id = emulator.roleDefinitions()[22]!.templateId!;
    const assignmentMfa = (): boolean =>
      (
        emulator.getRule(id, 'Enablement_Admin_Assignment') as
          { enabledRules?: string[] } | undefined
      )?.enabledRules?.includes('MultiFactorAuthentication') ?? false;
    const own = mkdtempSync(join(tmpdir(), 'rolegate-dir-assignment-'));
    writeFileSync(join(own, 'provider.yaml'), readFileSync(join(dir, 'provider.yaml')));
    const file = join(own, 'kept.yaml');
    writeFileSync(
      file,
      `apiVersion: rolegate.io/v1alpha1
kind: PrivilegedRole
metadata: { name: kept, namespace: identity }
spec: { providerRef: { name: tenant }, role: { id: ${id} }, mfaRequired: true, mfaOnActiveAssignment: true, deletionPolicy: ResetToDefault }
`,
    );
    const run = startRolegate(directoryRunArgs(own, []));
    try {
      await run.waitForLog((l) => l.msg === 'controller started');
      await eventually(() => expect(assignmentMfa()).toBe(true), 20_000);
      rmSync(file);
      const finalized = await run.waitForLog(
        (l) => typeof l.msg === 'string' && l.msg.startsWith('finalized:') && l.name === 'kept',
        15_000,
      );
      // The Entra default has no MFA on active assignment: resetting to it would remove MFA, which needs the flag.
      expect(finalized.msg).toMatch(
        /MFA on active assignment kept: removing it requires the controller flag --allow-weakening/,
      );
      expect(assignmentMfa()).toBe(true);
    } finally {
      expect(await run.stop()).toBe(0);
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('plan says once, at info, when Graph refuses $top, and still plans from smaller pages', async () => {
    const refusing = await startGraphEmulator({ port: 0, refuseTop: true });
    const own = mkdtempSync(join(tmpdir(), 'rolegate-dir-top-'));
    try {
      writeFileSync(
        join(own, 'all.yaml'),
        `apiVersion: rolegate.io/v1alpha1
kind: IdentityProvider
metadata: { name: tenant }
spec:
  entra: { tenantId: ${refusing.tenantId}, graphBaseUrl: "${refusing.url}", credentials: { type: Emulator } }
---
apiVersion: rolegate.io/v1alpha1
kind: PrivilegedRole
metadata: { name: global-admin, namespace: identity }
spec: { providerRef: { name: tenant }, role: { displayName: Global Administrator }, mfaRequired: true }
`,
      );
      const r = await runCli(['plan', '.', '--log-level', 'info', '--log-format', 'json'], own);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/Plan: 0 to change, 1 in sync/);
      const notices = r.stderr.split('\n').filter((l) => l.includes('Graph refused $top'));
      expect(notices).toHaveLength(1);
      expect(JSON.parse(notices[0]!)).toMatchObject({
        level: 'info',
        provider: 'tenant',
        status: 400,
      });
    } finally {
      await refusing.close();
      rmSync(own, { recursive: true, force: true });
    }
  });
});
