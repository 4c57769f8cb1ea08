// The emulator surface other code and demos rely on, exercised through the Entra provider over real HTTP:
// fault shorthands (`reset: true`, a delayed status), role-keyed state access, the HTTP control API for
// out-of-band changes, a client-side page size, and loopback-only listening.
// Tests that count the requests of reading PIM policies turn the holder read off (holders.test.ts counts it).
import { describe, expect, it } from 'vitest';
import { startGraphEmulator } from '../../../../src/emulator/graph/index.js';
import { switchEnabled } from '../../../../src/api/observation.js';
import { emulator, pim, provider } from './fixtures.js';

const GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10';
const USER_ADMIN = 'fe930be7-5e62-47db-91af-98c3a49a38b1';

describe('Graph emulator API used by tests and demos', () => {
  it.each([
    {
      reason: '`reset: true` drops the connection',
      fault: { reset: true },
      statuses: [0, 200, 200],
      retries: 1,
    },
    {
      reason: 'a 503 after delayMs is still retried',
      fault: { status: 503 as const, delayMs: 30 },
      statuses: [503, 200, 200],
      retries: 1,
    },
    {
      reason: 'a lone delayMs only slows the answer',
      fault: { delayMs: 30 },
      statuses: [200, 200],
      retries: 0,
    },
  ])('snapshot survives a fault: $reason', async ({ fault, statuses, retries }) => {
    // A server that grants no more than its default page of 25, so that the definitions take two pages.
    const e = await emulator({ maxPageSize: 25 });
    const p = provider(e);
    e.injectFault({ match: { pathIncludes: 'roleDefinitions' }, times: 1, ...fault });
    const t0 = Date.now();
    const snap = await p.snapshot();
    expect(snap.roles().length).toBeGreaterThan(0);
    expect(e.pendingFaults()).toBe(0);
    if (fault.delayMs) expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
    expect(
      e
        .requests()
        .filter((r) => r.path.endsWith('/roleDefinitions'))
        .map((r) => r.status),
    ).toEqual(statuses); // 31 definitions: two pages at the default page size of 25
    expect(p.stats().retries).toBe(retries);
  });

  it('reads a policy by role id, with the 17 rules and a policy id that is not the role id', async () => {
    const e = await emulator();
    const policy = e.getPolicyOfRole(USER_ADMIN);
    expect(policy?.id).toMatch(new RegExp(`^DirectoryRole_${e.tenantId}_[0-9a-f-]{36}$`));
    expect(policy?.id.endsWith(USER_ADMIN)).toBe(false);
    expect(policy?.rules).toHaveLength(17);
    const enablement = policy?.rules.find((r) => r.id === 'Enablement_EndUser_Assignment');
    expect(enablement?.enabledRules).not.toContain('MultiFactorAuthentication');
    expect(e.getPolicyOfRole('no-such-role')).toBeUndefined();
  });

  it('takes an out-of-band change through PUT /_emulator/roles/{id}/enabledRules, seen by the next snapshot', async () => {
    const e = await emulator();
    const p = provider(e);
    expect((await p.snapshot()).resolve({ id: GLOBAL_ADMIN }, '/')).toMatchObject({
      role: { ...pim(true) },
    });
    const res = await fetch(`${e.url}/_emulator/roles/${GLOBAL_ADMIN}/enabledRules`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(['Ticketing', 'Justification']),
    });
    expect(res.status).toBe(204);
    expect((await p.snapshot()).resolve({ id: GLOBAL_ADMIN }, '/')).toMatchObject({
      role: { ...pim(false), settings: ['Justification', 'Ticketing'] },
    });
    // The control API is not Graph: it is neither logged nor counted.
    expect(e.requests().some((r) => r.path.startsWith('/_emulator'))).toBe(false);
  });

  it.each([
    { reason: 'a page size below the server’s', server: 25, max: 999, client: 4 },
    {
      reason: 'a page size above the server’s maximum is capped by the server',
      server: 10,
      max: 20,
      client: 50,
    },
  ])('snapshot with pageSize: $reason', async ({ server, max, client }) => {
    const e = await emulator({ pageSize: server, maxPageSize: max });
    const p = provider(e, { holders: false, pageSize: client });
    const snap = await p.snapshot();
    const size = Math.min(max, client);
    const defs = e.roleDefinitions().length;
    const assignments = e.exportState().assignments.length;
    expect(snap.roles()).toHaveLength(assignments);
    // Plus one listing of the Conditional Access policies: the seeded Privileged Authentication Administrator
    // has an authentication context, whose policy is judged once per snapshot (at the server's page size).
    const ca = Math.ceil(e.conditionalAccessPolicies().length / server);
    expect(e.counts().requests).toBe(Math.ceil(defs / size) + Math.ceil(assignments / size) + ca);
  });

  it.each([1, 7, 40])(
    'seeds %i synthetic roles, half of them (rounded up) without MFA',
    async (n) => {
      const e = await emulator({ seed: { roles: n } });
      const roles = (await provider(e).snapshot()).roles();
      expect(roles).toHaveLength(n);
      expect(roles.filter((r) => !switchEnabled(r))).toHaveLength(Math.ceil(n / 2));
      expect(roles.every((r) => r.settings?.includes('Justification') === true)).toBe(true);
    },
  );

  it('refuses to listen on anything but loopback', async () => {
    await expect(startGraphEmulator({ host: '0.0.0.0' })).rejects.toThrow(/127\.0\.0\.0\/8/);
  });
});
