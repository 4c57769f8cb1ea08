// Effective roles against a real Keycloak. The role condition matches roles held through a composite, so one role's
// OTP step also asks the holders of a composite that contains it (and not the other way round); and a
// direct-grant client with fullScopeAllowed false issues tokens carrying only the roles in its scope, so it is a
// way to use a role only when the role is in that scope (the client's own scope mappings or those of its default
// or optional client scopes). Logins are real: browser logins by form posts, password grants at the token endpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Holding, HoldingCoverage } from '../../../../src/api/coverage.js';
import { switchEnabled, type LiveRole } from '../../../../src/api/observation.js';
import { planHolderReads, roleGraph } from '../../../../src/providers/keycloak/role-holders.js';
import { clientScopeRoles } from '../../../../src/providers/keycloak/token-scope.js';
import { assessCoverage } from '../../../../src/reconcile/coverage/assess-coverage.js';
import { holdersCondition } from '../../../../src/reconcile/holders-condition.js';
import {
  createTestRealm,
  isOtpPrompt,
  liveRole,
  passwordGrant,
  realmRolesIn,
  loginWithPassword,
  setMfa,
  type TestRealm,
} from './fixtures.js';

const REALM = 'rg-effective';
let t: TestRealm;
const r = `/${REALM}`;

/** `username:path:via -> verdict` per holding, sorted. */
function verdicts(role: LiveRole): string[] {
  const via = (h: Holding): string => (h.via ? `${h.via.kind} ${h.via.displayName}` : 'direct');
  const fmt = (c: HoldingCoverage): string =>
    `${c.holding.principal.userPrincipalName}:${c.holding.path}:${via(c.holding)} -> ${c.verdict}`;
  return (assessCoverage(role)?.holdings ?? []).map(fmt).sort();
}

async function clientUuid(clientId: string): Promise<string> {
  const [c] = await t.admin.call<{ id: string }[]>('GET', `${r}/clients?clientId=${clientId}`);
  return c!.id;
}

beforeAll(async () => {
  t = await createTestRealm(REALM, ['breakglass', 'superadmin', 'top'], {
    alice: ['breakglass'],
    carl: ['superadmin'],
    tina: ['top'],
    bob: [],
  });
  // top contains superadmin, which contains breakglass.
  await t.admin.call('POST', `${r}/roles/superadmin/composites`, [{ id: t.roles.breakglass }]);
  await t.admin.call('POST', `${r}/roles/top/composites`, [{ id: t.roles.superadmin }]);
  // Password-grant clients that issue only the roles in their scope.
  const dg = { publicClient: true, standardFlowEnabled: false, directAccessGrantsEnabled: true };
  await t.admin.call('POST', `${r}/clients`, {
    clientId: 'narrow',
    fullScopeAllowed: false,
    ...dg,
  });
  await t.admin.call('POST', `${r}/clients`, {
    clientId: 'scoped',
    fullScopeAllowed: false,
    ...dg,
  });
  await t.admin.call('POST', `${r}/clients/${await clientUuid('scoped')}/scope-mappings/realm`, [
    { id: t.roles.breakglass, name: 'breakglass' },
  ]);
  // A client-role scope mapping (the account client's manage-account), to check where the export lists it.
  const account = await clientUuid('account');
  const manage = await t.admin.call<{ id: string; name: string }>(
    'GET',
    `${r}/clients/${account}/roles/manage-account`,
  );
  await t.admin.call(
    'POST',
    `${r}/clients/${await clientUuid('narrow')}/scope-mappings/clients/${account}`,
    [manage],
  );
  // An optional client scope mapping the composite superadmin: a token request may ask for it by name.
  await t.admin.call('POST', `${r}/client-scopes`, { name: 'ops', protocol: 'openid-connect' });
  const scopes = await t.admin.call<{ id: string; name: string }[]>('GET', `${r}/client-scopes`);
  const ops = scopes.find((s) => s.name === 'ops')!;
  await t.admin.call('POST', `${r}/client-scopes/${ops.id}/scope-mappings/realm`, [
    { id: t.roles.superadmin, name: 'superadmin' },
  ]);
  await t.admin.call('POST', `${r}/clients`, { clientId: 'opt', fullScopeAllowed: false, ...dg });
  await t.admin.call(
    'PUT',
    `${r}/clients/${await clientUuid('opt')}/optional-client-scopes/${ops.id}`,
  );
}, 120_000);
afterAll(async () => {
  await t?.destroy();
});

describe('effective roles (real server)', () => {
  it("a composite's step asks holders of the roles it contains only when they hold it through that composite", async () => {
    const [res] = await t.provider.apply([setMfa(t.roles.superadmin!, 'superadmin', true)]);
    expect(res?.ok, res && !res.ok ? res.error.message : '').toBe(true);

    // Keycloak: the superadmin step asks carl and tina (top contains superadmin), not alice (breakglass only).
    for (const username of ['carl', 'tina']) {
      const { outcome } = await loginWithPassword(t.admin.url, REALM, username);
      expect(isOtpPrompt(outcome), `${username} must be asked for OTP`).toBe(true);
    }
    expect((await loginWithPassword(t.admin.url, REALM, 'alice')).outcome.kind).toBe('code');

    try {
      // rolegate says the same of breakglass's holders: the holders through superadmin and through top (which
      // contains superadmin) are covered by superadmin's step; alice, a direct holder, is not.
      const bg = await liveRole(t, 'breakglass');
      expect(switchEnabled(bg)).toBe(false);
      expect(verdicts(bg).filter((v) => v.includes(':SignIn:'))).toEqual([
        'alice:SignIn:direct -> Uncovered',
        'carl:SignIn:CompositeRole superadmin -> Covered',
        'tina:SignIn:CompositeRole top -> Covered',
      ]);
    } finally {
      const [off] = await t.provider.apply([setMfa(t.roles.superadmin!, 'superadmin', false)]);
      expect(off?.ok, off && !off.ok ? off.error.message : '').toBe(true);
    }
    expect((await loginWithPassword(t.admin.url, REALM, 'carl')).outcome.kind).toBe('code');
  });

  it("a step for a role the composite contains asks the composite's holders at a real login, and rolegate reports them Covered", async () => {
    const [res] = await t.provider.apply([setMfa(t.roles.breakglass!, 'breakglass', true)]);
    expect(res?.ok, res && !res.ok ? res.error.message : '').toBe(true);

    for (const username of ['carl', 'tina', 'alice']) {
      const { outcome } = await loginWithPassword(t.admin.url, REALM, username);
      expect(isOtpPrompt(outcome), `${username} must be asked for OTP`).toBe(true);
    }
    expect((await loginWithPassword(t.admin.url, REALM, 'bob')).outcome.kind).toBe('code');

    // superadmin has no step of its own (its MFA switch stays off: plan would still write one), but every holder
    // is asked, through breakglass: no SignInWithoutMfa.
    const sa = await liveRole(t, 'superadmin');
    expect(switchEnabled(sa)).toBe(false);
    expect(verdicts(sa).filter((v) => v.includes(':SignIn:'))).toEqual([
      'carl:SignIn:direct -> Covered',
      'tina:SignIn:CompositeRole top -> Covered',
    ]);
    const carl = assessCoverage(sa)?.holdings.find(
      (h) => h.holding.path === 'SignIn' && h.holding.principal.userPrincipalName === 'carl',
    );
    expect(carl?.by).toBe('OTP step of breakglass');
    expect(sa.detail).toContain('its holders are asked for OTP by the step of breakglass');
    // HoldersCovered names only the password-grant paths (admin-cli, and opt whose optional scope maps
    // superadmin), not the sign-ins.
    const cond = holdersCondition(sa, assessCoverage(sa));
    expect(cond).toMatchObject({ status: 'False', reason: 'DirectGrant' });
    expect(cond.message).toMatch(/^4 of 6 holdings of superadmin are not behind MFA/);
    expect(cond.message).not.toContain('SignIn');
  });

  it('a fullScopeAllowed:false direct-grant client is reported only when the role is in its scope, as its tokens show', async () => {
    const p = t.newProvider();
    const snap = await p.snapshot();
    const l = snap.resolve({ displayName: 'breakglass' }, '/');
    if (l.kind !== 'Found') throw new Error('breakglass not found');
    const direct = verdicts(l.role).filter((v) => v.includes(':DirectGrant:'));
    // admin-cli allows full scope; scoped maps breakglass; opt's optional scope maps superadmin, which contains
    // breakglass. narrow's tokens cannot carry breakglass.
    for (const user of ['alice', 'carl', 'tina']) {
      for (const client of ['admin-cli', 'opt', 'scoped']) {
        expect(direct).toContain(`${user}:DirectGrant:Client ${client} -> Uncovered`);
      }
    }
    expect(direct.filter((v) => v.includes('narrow'))).toEqual([]);
    expect(direct).toHaveLength(9);

    // Keycloak agrees, token by token: a password grant needs no OTP (the step is in the browser flow only).
    const scoped = await passwordGrant(t, 'scoped', 'carl');
    expect(scoped.status, JSON.stringify(scoped.body)).toBe(200);
    expect(realmRolesIn(scoped.body.access_token)).toContain('breakglass');
    const narrow = await passwordGrant(t, 'narrow', 'carl');
    expect(narrow.status, JSON.stringify(narrow.body)).toBe(200);
    expect(realmRolesIn(narrow.body.access_token)).not.toContain('breakglass');
    expect(realmRolesIn(narrow.body.access_token)).not.toContain('superadmin');
    const optPlain = await passwordGrant(t, 'opt', 'carl');
    expect(realmRolesIn(optPlain.body.access_token)).not.toContain('breakglass');
    const optAsked = await passwordGrant(t, 'opt', 'carl', 'ops');
    expect(optAsked.status, JSON.stringify(optAsked.body)).toBe(200);
    expect(realmRolesIn(optAsked.body.access_token)).toEqual(
      expect.arrayContaining(['breakglass', 'superadmin']),
    );

    // The scope mappings come with the realm export rolegate already reads (no request added).
    const exp = snap.state.export;
    expect(exp.scopeMappings).toContainEqual({ client: 'scoped', roles: ['breakglass'] });
    expect(exp.scopeMappings).toContainEqual({ clientScope: 'ops', roles: ['superadmin'] });
    const opt = exp.clients?.find((c) => c.clientId === 'opt');
    expect(opt).toMatchObject({ fullScopeAllowed: false });
    expect(opt?.optionalClientScopes).toContain('ops');
    expect(exp.clientScopeMappings?.account).toContainEqual({
      client: 'narrow',
      roles: ['manage-account'],
    });
    // narrow's scope: the client-role mapping (manage-account, a composite containing manage-account-links) and
    // what its optional client scope offline_access maps (the role offline_access).
    const narrowRep = exp.clients!.find((c) => c.clientId === 'narrow')!;
    const graph = roleGraph(exp);
    expect(
      [...clientScopeRoles(exp, graph, narrowRep)].map((id) => graph.byId.get(id)?.name).sort(),
    ).toEqual(['manage-account', 'manage-account-links', 'offline_access']);
    const plan = planHolderReads(exp, roleGraph(exp));
    expect(p.stats()).toMatchObject({
      requests: 2 + plan.roles.length + plan.groups.length,
      writes: 0,
    });
  });
});
