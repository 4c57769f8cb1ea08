// The Keycloak provider against a real Keycloak: observe, enforce, converge without writes, keep unrelated
// customisations, repair drift, and remove only what rolegate owns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { switchEnabled, type LiveRole } from '../../../../src/api/observation.js';
import { planHolderReads, roleGraph } from '../../../../src/providers/keycloak/role-holders.js';
import { addRoleSubflow, createTestRealm, otp, setMfa, type TestRealm } from './fixtures.js';

const REALM = 'rg-provider';
let t: TestRealm;

function found(
  snapRole: ReturnType<Awaited<ReturnType<TestRealm['provider']['snapshot']>>['resolve']>,
): LiveRole {
  if (snapRole.kind !== 'Found') throw new Error(`expected Found, got ${JSON.stringify(snapRole)}`);
  return snapRole.role;
}

async function live(name: string): Promise<LiveRole> {
  const snap = await t.provider.snapshot();
  return found(snap.resolve({ displayName: name }, '/'));
}

async function enforce(name: string, enabled = true): Promise<void> {
  const [r] = await t.provider.apply([setMfa(t.roles[name]!, name, enabled)]);
  if (!r?.ok) throw new Error(`apply ${name}: ${r ? r.error.message : 'no result'}`);
}

/** The rows of rolegate's sub-flow for a role in the bound flow. */
async function ownedRows(
  role: string,
): Promise<{ sub: Record<string, unknown> & { id: string; requirement: string }; flow: string }> {
  const flow = await t.browserFlow();
  const rows = await t.executions(flow);
  const sub = rows.find(
    (x) => x.authenticationFlow && (x.description ?? '').includes(`role=${role}`),
  );
  if (!sub) throw new Error(`no rolegate sub-flow for ${role} in ${flow}`);
  return {
    sub: sub as unknown as Record<string, unknown> & { id: string; requirement: string },
    flow,
  };
}

beforeAll(async () => {
  t = await createTestRealm(REALM, ['breakglass', 'auditor', 'ops']);
});
afterAll(async () => {
  await t?.destroy();
});

describe('Keycloak provider (real server)', () => {
  it('observes a role without MFA in a fresh realm', async () => {
    const role = await live('breakglass');
    expect(role).toMatchObject({
      roleId: t.roles.breakglass!.toLowerCase(),
      roleDisplayName: 'breakglass',
      scope: '/',
      handle: 'browser',
      ...otp(false),
    });
    expect(role.detail).toContain('no step forces a second factor');
  });

  it('resolves by id, reports unknown names and scopes as NotFound', async () => {
    const snap = await t.provider.snapshot();
    expect(
      found(snap.resolve({ id: t.roles.breakglass!.toUpperCase() }, '/')).roleDisplayName,
    ).toBe('breakglass');
    expect(snap.resolve({ displayName: 'nope' }, '/').kind).toBe('NotFound');
    expect(snap.resolve({ displayName: 'breakglass' }, '/sub').kind).toBe('NotFound');
    expect(
      snap
        .roles()
        .some((r) => r.clientId === 'realm-management' && r.roleDisplayName === 'manage-realm'),
    ).toBe(true);
  });

  it('enforces: copies the built-in flow, adds the conditional sub-flow, binds it, and reads it back', async () => {
    const [res] = await t.provider.apply([setMfa(t.roles.breakglass!, 'breakglass', true)]);
    expect(res?.ok, res && !res.ok ? res.error.message : '').toBe(true);
    if (!res?.ok) return;
    expect(res.role).toMatchObject({
      ...otp(true),
      handle: 'rolegate-browser',
    });
    expect(await t.browserFlow()).toBe('rolegate-browser');
    const rows = await t.executions('rolegate-browser');
    const sub = rows.find((x) => x.displayName === 'rolegate-mfa-breakglass');
    expect(sub).toMatchObject({ requirement: 'CONDITIONAL', authenticationFlow: true });
    expect(sub?.description).toContain('managed-by=rolegate');
    const children = rows
      .filter((x, i) => i > rows.indexOf(sub!) && x.level === sub!.level + 1)
      .slice(0, 3);
    expect(children.map((c) => [c.providerId, c.requirement, c.priority])).toEqual([
      ['conditional-user-role', 'REQUIRED', 10],
      ['conditional-credential', 'REQUIRED', 20],
      ['auth-otp-form', 'REQUIRED', 30],
    ]);
    const cfg = await t.admin.call<{ config: Record<string, string> }>(
      'GET',
      `/${REALM}/authentication/config/${children[0]!.authenticationConfig}`,
    );
    expect(cfg.config).toEqual({ condUserRole: 'breakglass', negate: 'false' });
    const parent = rows
      .filter((x, i) => i < rows.indexOf(sub!) && x.level === sub!.level - 1)
      .pop();
    expect(parent?.displayName).toBe('rolegate-browser forms');
    expect(res.role.detail).toContain(`in sub-flow rolegate-mfa-breakglass (execution ${sub!.id})`);
    expect(res.role.detail).toContain(`auth-otp-form ${children[2]!.id}`);
    // The built-in stays untouched; other roles stay without MFA.
    expect((await t.executions('browser')).some((x) => x.displayName?.startsWith('rolegate'))).toBe(
      false,
    );
    expect(switchEnabled(await live('auditor'))).toBe(false);
    // The partial realm PUT that binds the flow left the rest of the realm alone.
    expect((await t.admin.call<{ enabled: boolean }>('GET', `/${REALM}`)).enabled).toBe(true);
  });

  it('converges: a second apply makes zero writes', async () => {
    const p = t.newProvider();
    const [res] = await p.apply([setMfa(t.roles.breakglass!, 'breakglass', true)]);
    expect(res?.ok).toBe(true);
    expect(p.stats()).toMatchObject({ writes: 0 });
    expect(p.stats().reads).toBe(4); // export + executions, then the read-back snapshot (export + executions)
  });

  it('a snapshot costs two admin calls, plus one list per role and role-granting group for holders', async () => {
    const p = t.newProvider();
    const snap = await p.snapshot();
    const plan = planHolderReads(snap.state.export, roleGraph(snap.state.export));
    const n = 2 + plan.roles.length + plan.groups.length;
    expect(p.stats()).toMatchObject({ requests: n, reads: n, writes: 0 });
  });

  it('preserves unrelated customisations of the flow', async () => {
    // An admin adds a step of their own to the same forms sub-flow and disables another.
    await t.admin.call(
      'POST',
      `/${REALM}/authentication/flows/${encodeURIComponent('rolegate-browser forms')}/executions/execution`,
      {
        provider: 'auth-cookie',
        priority: 5,
      },
    );
    const before = await t.executions('rolegate-browser');
    const webauthn = before.find((x) => x.providerId === 'webauthn-authenticator');
    await t.admin.call('PUT', `/${REALM}/authentication/flows/rolegate-browser/executions`, {
      ...webauthn,
      requirement: 'ALTERNATIVE',
    });
    const custom = await t.executions('rolegate-browser');

    await enforce('ops');
    await enforce('breakglass');
    const after = await t.executions('rolegate-browser');
    // Every row the admin had is still there, unchanged.
    for (const row of custom) {
      const same = after.find((x) => x.id === row.id);
      expect(same, row.displayName).toBeDefined();
      expect({
        requirement: same!.requirement,
        priority: same!.priority,
        displayName: same!.displayName,
      }).toEqual({
        requirement: row.requirement,
        priority: row.priority,
        displayName: row.displayName,
      });
    }
    expect(after.filter((x) => x.displayName === 'rolegate-mfa-ops')).toHaveLength(1);
    expect(switchEnabled(await live('ops'))).toBe(true);
  });

  it('drift: a disabled step is observed and repaired', async () => {
    const { sub, flow } = await ownedRows('breakglass');
    await t.admin.call(
      'PUT',
      `/${REALM}/authentication/flows/${encodeURIComponent(flow)}/executions`,
      { ...sub, requirement: 'DISABLED' },
    );
    const drifted = await live('breakglass');
    expect(switchEnabled(drifted)).toBe(false);
    expect(drifted.detail).toContain('is DISABLED, not CONDITIONAL');
    const p = t.newProvider();
    const [res] = await p.apply([setMfa(t.roles.breakglass!, 'breakglass', true)]);
    expect(res?.ok).toBe(true);
    expect(p.stats().writes).toBe(1);
    expect((await ownedRows('breakglass')).sub.id).toBe(sub.id);
  });

  it('drift: a disabled OTP step and a removed role condition are repaired', async () => {
    const { flow } = await ownedRows('breakglass');
    let rows = await t.executions(flow);
    const subIdx = rows.findIndex((x) => x.displayName === 'rolegate-mfa-breakglass');
    const otp = rows.slice(subIdx + 1).find((x) => x.providerId === 'auth-otp-form')!;
    const cond = rows.slice(subIdx + 1).find((x) => x.providerId === 'conditional-user-role')!;
    await t.admin.call(
      'PUT',
      `/${REALM}/authentication/flows/${encodeURIComponent(flow)}/executions`,
      { ...otp, requirement: 'DISABLED' },
    );
    await t.admin.call('DELETE', `/${REALM}/authentication/executions/${cond.id}`);
    const drifted = await live('breakglass');
    expect(switchEnabled(drifted)).toBe(false);
    expect(drifted.detail).toContain('has no role condition');
    await enforce('breakglass');
    rows = await t.executions(flow);
    const again = rows.slice(
      rows.findIndex((x) => x.displayName === 'rolegate-mfa-breakglass') + 1,
    );
    expect(again.find((x) => x.providerId === 'conditional-user-role')?.requirement).toBe(
      'REQUIRED',
    );
    expect(again.find((x) => x.providerId === 'auth-otp-form')).toMatchObject({
      id: otp.id,
      requirement: 'REQUIRED',
    });
    expect(switchEnabled(await live('breakglass'))).toBe(true);
  });

  it('drift: a deleted sub-flow is re-created', async () => {
    const { sub } = await ownedRows('breakglass');
    await t.admin.call('DELETE', `/${REALM}/authentication/executions/${sub.id}`);
    expect(switchEnabled(await live('breakglass'))).toBe(false);
    await enforce('breakglass');
    const again = await ownedRows('breakglass');
    expect(again.sub.id).not.toBe(sub.id);
    expect(switchEnabled(await live('breakglass'))).toBe(true);
  });

  it('drift: rebinding the built-in browser flow is observed and undone', async () => {
    await t.admin.call('PUT', `/${REALM}`, { browserFlow: 'browser' });
    const drifted = await live('breakglass');
    expect(drifted).toMatchObject({ ...otp(false), handle: 'browser' });
    const p = t.newProvider();
    const [res] = await p.apply([setMfa(t.roles.breakglass!, 'breakglass', true)]);
    expect(res?.ok).toBe(true);
    expect(await t.browserFlow()).toBe('rolegate-browser');
    expect(p.stats().writes).toBe(1); // only the binding
    expect(switchEnabled(await live('breakglass'))).toBe(true);
  });

  it('drift: a renamed role is NotFound by name and found by id with its new name, then repaired', async () => {
    await t.admin.call('PUT', `/${REALM}/roles-by-id/${t.roles.auditor}`, { name: 'auditor' });
    await enforce('auditor');
    await t.admin.call('PUT', `/${REALM}/roles-by-id/${t.roles.auditor}`, { name: 'auditor2' });
    const snap = await t.provider.snapshot();
    expect(snap.resolve({ displayName: 'auditor' }, '/').kind).toBe('NotFound');
    const byId = found(snap.resolve({ id: t.roles.auditor! }, '/'));
    expect(byId.roleDisplayName).toBe('auditor2');
    // Keycloak resolves the condition by name, so the rename switched MFA off.
    expect(switchEnabled(byId)).toBe(false);
    expect(byId.detail).toContain('names auditor, not auditor2');
    const [res] = await t.provider.apply([setMfa(t.roles.auditor!, 'auditor2', true)]);
    expect(res?.ok, res && !res.ok ? res.error.message : '').toBe(true);
    expect(switchEnabled(await live('auditor2'))).toBe(true);
  });

  it('weakening removes only rolegate’s step for that role', async () => {
    const before = await t.executions('rolegate-browser');
    await enforce('ops', false);
    const after = await t.executions('rolegate-browser');
    expect(after.some((x) => x.displayName === 'rolegate-mfa-ops')).toBe(false);
    const removed = before.filter((x) => !after.some((y) => y.id === x.id));
    // The sub-flow and its three steps, nothing else.
    expect(removed.map((x) => x.providerId ?? x.displayName).sort()).toEqual([
      'auth-otp-form',
      'conditional-credential',
      'conditional-user-role',
      'rolegate-mfa-ops',
    ]);
    // Its configs went with it (no orphans for Keycloak to trip over).
    const configs = removed
      .map((x) => x.authenticationConfig)
      .filter((x): x is string => Boolean(x));
    expect(configs).toHaveLength(2);
    for (const id of configs) {
      await expect(t.admin.call('GET', `/${REALM}/authentication/config/${id}`)).rejects.toThrow(
        /404/,
      );
    }
    expect(switchEnabled(await live('ops'))).toBe(false);
    expect(switchEnabled(await live('breakglass'))).toBe(true);
    expect(await t.browserFlow()).toBe('rolegate-browser');
    // Idempotent: nothing left to remove.
    const p = t.newProvider();
    const [res] = await p.apply([setMfa(t.roles.ops!, 'ops', false)]);
    expect(res?.ok).toBe(true);
    expect(p.stats().writes).toBe(0);
  });

  it('does not remove MFA it does not own, and says so', async () => {
    // An admin's own sub-flow forcing OTP on ops, without rolegate's marker.
    await addRoleSubflow(t, {
      topFlow: 'rolegate-browser',
      parent: 'rolegate-browser forms',
      alias: 'admin-ops-otp',
      step: 'auth-otp-form',
      condUserRole: 'ops',
    });
    const role = await live('ops');
    expect(switchEnabled(role)).toBe(true);
    expect(role.detail).toContain('admin-ops-otp');
    expect(role.detail).toContain('owner other');
    const [res] = await t.provider.apply([setMfa(t.roles.ops!, 'ops', false)]);
    expect(res?.ok).toBe(false);
    if (res && !res.ok) {
      expect(res.error.kind).toBe('Invalid');
      expect(res.error.message).toContain('admin-ops-otp');
    }
    expect(
      (await t.executions('rolegate-browser')).some((x) => x.displayName === 'admin-ops-otp'),
    ).toBe(true);
  });

  it('refuses authentication contexts with Invalid', async () => {
    const [res] = await t.provider.apply([
      {
        kind: 'SetAuthenticationContext',
        roleId: t.roles.ops!,
        roleDisplayName: 'ops',
        handle: '',
        scope: '/',
        claimValue: 'c1',
        before: 'none',
        after: 'c1',
      },
    ]);
    expect(res?.ok).toBe(false);
    if (res && !res.ok) expect(res.error.kind).toBe('Invalid');
  });

  it('classifies bad credentials as PermissionDenied', async () => {
    const { createKeycloakProvider } = await import('../../../../src/providers/keycloak/index.js');
    const p = createKeycloakProvider(
      { url: t.admin.url, realm: REALM, adminRealm: REALM, credentials: { clientId: 'rolegate' } },
      { clientSecret: 'wrong' },
    );
    await expect(p.snapshot()).rejects.toMatchObject({ kind: 'PermissionDenied' });
  });
});
