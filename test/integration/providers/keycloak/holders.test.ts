// Holders against a real Keycloak: who holds a role directly, through a (sub)group and through a composite role,
// read in bulk; the clients whose password grant skips the browser flow; and the issue's dotted role name (a realm
// role payroll.approver beside a client payroll), which Keycloak's role condition cannot name. Logins are real:
// browser logins by form posts, password grants at the token endpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Holding } from '../../../../src/api/coverage.js';
import { switchEnabled, type LiveRole } from '../../../../src/api/observation.js';
import { planHolderReads, roleGraph } from '../../../../src/providers/keycloak/role-holders.js';
import {
  addRoleSubflow,
  isOtpPrompt,
  liveRole,
  passwordGrant,
  realmRolesIn,
  createTestRealm,
  loginWithPassword,
  setMfa,
  type TestRealm,
} from './fixtures.js';

const REALM = 'rg-holders';
let t: TestRealm;
const r = `/${REALM}`;

async function userId(username: string): Promise<string> {
  const [u] = await t.admin.call<{ id: string }[]>(
    'GET',
    `${r}/users?username=${username}&exact=true`,
  );
  return u!.id;
}

/** `username:path:via` per holding, sorted, for readable comparisons. */
function holdings(role: LiveRole): string[] {
  const fmt = (h: Holding): string =>
    `${h.principal.userPrincipalName}:${h.path}:${h.via ? `${h.via.kind} ${h.via.displayName}` : 'direct'}`;
  return (role.coverage?.holdings ?? []).map(fmt).sort();
}

beforeAll(async () => {
  t = await createTestRealm(REALM, ['breakglass', 'superadmin', 'payroll.approver'], {
    alice: ['breakglass'],
    carl: ['superadmin'],
    grace: [],
    bob: [],
    pam: ['payroll.approver'],
    dora: ['breakglass'],
  });
  // superadmin is a composite containing breakglass.
  await t.admin.call('POST', `${r}/roles/superadmin/composites`, [{ id: t.roles.breakglass }]);
  // /ops holds breakglass; grace is a member of its subgroup /ops/oncall only.
  await t.admin.call('POST', `${r}/groups`, { name: 'ops' });
  const [ops] = await t.admin.call<{ id: string }[]>('GET', `${r}/groups?search=ops&exact=true`);
  await t.admin.call('POST', `${r}/groups/${ops!.id}/role-mappings/realm`, [
    { id: t.roles.breakglass, name: 'breakglass' },
  ]);
  const oncall = await t.admin.call<{ id: string }>('POST', `${r}/groups/${ops!.id}/children`, {
    name: 'oncall',
  });
  await t.admin.call('PUT', `${r}/users/${await userId('grace')}/groups/${oncall.id}`);
  // A disabled holder cannot sign in.
  const dora = await t.admin.call<Record<string, unknown>>(
    'GET',
    `${r}/users/${await userId('dora')}`,
  );
  await t.admin.call('PUT', `${r}/users/${String(dora.id)}`, { ...dora, enabled: false });
  // The issue's clients: payroll (whose clientId captures "payroll.approver"), and a legacy app with direct grants.
  await t.admin.call('POST', `${r}/clients`, { clientId: 'payroll', publicClient: true });
  await t.admin.call('POST', `${r}/clients`, {
    clientId: 'legacy',
    name: 'Legacy app',
    publicClient: true,
    standardFlowEnabled: false,
    directAccessGrantsEnabled: true,
  });
}, 120_000);
afterAll(async () => {
  await t?.destroy();
});

describe('holders (real server)', () => {
  it('reads who holds a role directly, through a subgroup and through a composite, with one list per role and group', async () => {
    const p = t.newProvider();
    const snap = await p.snapshot();
    const l = snap.resolve({ displayName: 'breakglass' }, '/');
    if (l.kind !== 'Found') throw new Error('breakglass not found');
    const signIn = holdings(l.role).filter((h) => h.includes(':SignIn:'));
    expect(signIn).toEqual([
      'alice:SignIn:direct',
      'carl:SignIn:CompositeRole superadmin',
      'grace:SignIn:Group /ops/oncall',
    ]);
    // Keycloak's admin-cli allows the password grant in every new realm, and so does the legacy client.
    expect(holdings(l.role).filter((h) => h.includes(':DirectGrant:'))).toEqual([
      'alice:DirectGrant:Client Legacy app',
      'alice:DirectGrant:Client admin-cli',
      'carl:DirectGrant:Client Legacy app',
      'carl:DirectGrant:Client admin-cli',
      'grace:DirectGrant:Client Legacy app',
      'grace:DirectGrant:Client admin-cli',
    ]);
    expect(l.role.coverage?.ambiguity).toBeUndefined();
    // The cost: the export and the flow, then one page per role outside the default role and per role-granting
    // group, whatever the number of users.
    const plan = planHolderReads(snap.state.export, roleGraph(snap.state.export));
    expect(plan.groups).toHaveLength(2); // /ops and /ops/oncall
    expect(p.stats()).toMatchObject({
      requests: 2 + plan.roles.length + plan.groups.length,
      writes: 0,
    });
    console.log(
      `[keycloak holders] snapshot ${p.stats().requests} calls: 2 + ${plan.roles.length} role lists + ${plan.groups.length} group lists (${snap.roles().length} roles, ${plan.everyone.size} held by every user and not read)`,
    );
  });

  it('a holder through a group and a holder through a composite are asked for OTP at a real browser login', async () => {
    const [res] = await t.provider.apply([setMfa(t.roles.breakglass!, 'breakglass', true)]);
    expect(res?.ok, res && !res.ok ? res.error.message : '').toBe(true);
    const role = await liveRole(t, 'breakglass');
    expect(switchEnabled(role)).toBe(true);
    for (const username of ['grace', 'carl', 'alice']) {
      const { outcome } = await loginWithPassword(t.admin.url, REALM, username);
      expect(isOtpPrompt(outcome), `${username} must be asked for OTP`).toBe(true);
    }
    expect((await loginWithPassword(t.admin.url, REALM, 'bob')).outcome.kind).toBe('code');
  });

  it('a direct-grant client is reported, and its password grant indeed gives the group holder a token without OTP', async () => {
    const role = await liveRole(t, 'breakglass');
    expect(holdings(role)).toContain('grace:DirectGrant:Client Legacy app');
    const grant = await passwordGrant(t, 'legacy', 'grace');
    expect(grant.status, JSON.stringify(grant.body)).toBe(200);
    // The token carries the role, obtained with the password alone: the gap the DirectGrant holding names.
    expect(realmRolesIn(grant.body.access_token)).toContain('breakglass');
  });

  it('a direct grant flow that forces OTP on the role takes the DirectGrant holding away (and the grant fails)', async () => {
    await t.admin.call('POST', `${r}/authentication/flows/direct%20grant/copy`, {
      newName: 'strict grant',
    });
    await addRoleSubflow(t, {
      topFlow: 'strict grant',
      parent: 'strict grant',
      alias: 'strict role otp',
      step: 'direct-grant-validate-otp',
      condUserRole: 'breakglass',
    });
    const flows = await t.admin.call<{ id: string; alias: string }[]>(
      'GET',
      `${r}/authentication/flows`,
    );
    const strict = flows.find((f) => f.alias === 'strict grant')!;
    const [legacy] = await t.admin.call<Record<string, unknown>[]>(
      'GET',
      `${r}/clients?clientId=legacy`,
    );
    await t.admin.call('PUT', `${r}/clients/${String(legacy!.id)}`, {
      ...legacy,
      authenticationFlowBindingOverrides: { direct_grant: strict.id },
    });

    const role = await liveRole(t, 'breakglass');
    expect(holdings(role).filter((h) => h.includes('Legacy app'))).toEqual([]);
    expect(holdings(role)).toContain('grace:DirectGrant:Client admin-cli');
    // Keycloak agrees: the holder without OTP gets no token from legacy, but still gets one from admin-cli.
    expect((await passwordGrant(t, 'legacy', 'grace')).status).not.toBe(200);
    expect((await passwordGrant(t, 'admin-cli', 'grace')).status).toBe(200);
    // A non-holder is not asked.
    expect((await passwordGrant(t, 'legacy', 'bob')).status).toBe(200);

    // The flow's role condition matches effective roles: it also asks carl, who holds breakglass through the
    // composite superadmin, so superadmin's holders have no DirectGrant path through legacy either.
    const sa = await liveRole(t, 'superadmin');
    expect(holdings(sa)).toContain('carl:SignIn:direct');
    expect(holdings(sa).filter((h) => h.includes('Legacy app'))).toEqual([]);
    expect(holdings(sa)).toContain('carl:DirectGrant:Client admin-cli');
    expect((await passwordGrant(t, 'legacy', 'carl')).status).not.toBe(200);
    expect((await passwordGrant(t, 'admin-cli', 'carl')).status).toBe(200);
  });

  it('the issue: a realm role payroll.approver beside a client payroll is never reported protected', async () => {
    // What rolegate wrote before names were resolved: a role condition with the string "payroll.approver".
    await addRoleSubflow(t, {
      topFlow: 'rolegate-browser',
      parent: 'rolegate-browser forms',
      alias: 'approver-otp',
      step: 'auth-otp-form',
      condUserRole: 'payroll.approver',
    });

    // Keycloak reads the string as client payroll's role approver: pam logs in with no OTP prompt.
    const pam = await loginWithPassword(t.admin.url, REALM, 'pam');
    expect(pam.outcome.kind).toBe('code');

    // rolegate now says the same: not enforced (so plan is not in sync), and why, naming the role.
    const role = await liveRole(t, 'payroll.approver');
    expect(switchEnabled(role)).toBe(false);
    expect(role.coverage?.ambiguity).toMatch(
      /realm role payroll\.approver cannot be named in Keycloak's role condition: "payroll\.approver" resolves to client payroll's role approver/,
    );
    expect(role.detail).toContain('cannot be named');
    expect(holdings(role)).toContain('pam:SignIn:direct');

    // And it refuses to write a step that would ask nobody.
    const p = t.newProvider();
    const [res] = await p.apply([setMfa(t.roles['payroll.approver']!, 'payroll.approver', true)]);
    expect(res?.ok).toBe(false);
    if (res && !res.ok) {
      expect(res.error.kind).toBe('Invalid');
      expect(res.error.message).toContain('payroll.approver');
    }
    expect(p.stats().writes).toBe(0);
  });
});
