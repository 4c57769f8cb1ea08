// PIM alerts (Graph beta, graph-pim.md §4): the emulator's alert endpoints, and EntraProvider.alerts() — an
// asynchronous refresh (202 + Location, polled) then the NoMfaOnRoleActivationAlert's incidents, paged.
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../../src/providers/types.js';
import { switchEnabled } from '../../../../src/api/observation.js';
import { emulator, graphFetch, provider, requireMfa } from './fixtures.js';

const BASE = '/beta/identityGovernance/roleManagementAlerts';
const SCOPE = `$filter=${encodeURIComponent("scopeId eq '/' and scopeType eq 'DirectoryRole'")}`;
const PRIV_ROLE_ADMIN = 'e8611ab8-c189-46e8-94e1-60213ab1f814';
const fast = { alertRefresh: { pollIntervalMs: 5, timeoutMs: 2000 } };

describe('Graph emulator: PIM alerts', () => {
  it('lists the seven alerts with definition, configuration and incidents expanded', async () => {
    const e = await emulator();
    const r = await graphFetch(
      e,
      'GET',
      `${BASE}/alerts?${SCOPE}&$expand=alertDefinition,alertConfiguration,alertIncidents`,
    );
    expect(r.status).toBe(200);
    const alerts = (r.json as { value: Array<Record<string, unknown>> }).value;
    expect(alerts).toHaveLength(7);
    const noMfa = alerts.find(
      (a) => a.id === `DirectoryRole_${e.tenantId}_NoMfaOnRoleActivationAlert`,
    )!;
    expect(noMfa).toMatchObject({
      alertDefinitionId: noMfa.id,
      scopeId: '/',
      scopeType: 'DirectoryRole',
      isActive: true,
      incidentCount: e.noMfaAlertIncidents().length,
      alertDefinition: { severityLevel: 'medium', isRemediatable: true, isConfigurable: false },
      alertConfiguration: {
        '@odata.type': '#microsoft.graph.noMfaOnRoleActivationAlertConfiguration',
        isEnabled: true,
      },
    });
    expect(noMfa['alertIncidents@odata.context']).toEqual(expect.any(String));
    expect(noMfa.alertIncidents).toContainEqual({
      '@odata.type': '#microsoft.graph.noMfaOnRoleActivationAlertIncident',
      id: PRIV_ROLE_ADMIN,
      roleTemplateId: PRIV_ROLE_ADMIN,
      roleDisplayName: 'Privileged Role Administrator',
    });
    expect(
      (
        alerts.find((a) => String(a.id).endsWith('_InvalidLicenseAlert'))?.alertDefinition as {
          isRemediatable: boolean;
        }
      ).isRemediatable,
    ).toBe(false);
    // The scope filter is mandatory, as on the other PIM lists.
    expect((await graphFetch(e, 'GET', `${BASE}/alerts`)).status).toBe(400);
    const defs = await graphFetch(e, 'GET', `${BASE}/alertDefinitions?${SCOPE}`);
    expect((defs.json as { value: unknown[] }).value).toHaveLength(7);
    const confs = await graphFetch(
      e,
      'GET',
      `${BASE}/alertConfigurations?${SCOPE}&$expand=alertDefinition`,
    );
    expect(
      (confs.json as { value: Array<{ alertDefinition?: unknown }> }).value.every(
        (c) => c.alertDefinition,
      ),
    ).toBe(true);
  });

  it('pages incidents with $top/$skip, refreshes asynchronously, dismisses and remediates', async () => {
    const e = await emulator();
    const id = `DirectoryRole_${e.tenantId}_NoMfaOnRoleActivationAlert`;
    const total = e.noMfaAlertIncidents().length;
    let next: string | undefined = `${BASE}/alerts/${id}/alertIncidents?$top=3`;
    const seen: string[] = [];
    while (next) {
      const r = await graphFetch(e, 'GET', next.replace(e.url, ''));
      const body = r.json as { value: Array<{ id: string }>; '@odata.nextLink'?: string };
      expect(body.value.length).toBeLessThanOrEqual(3);
      seen.push(...body.value.map((x) => x.id));
      next = body['@odata.nextLink'];
      if (next) expect(next).toMatch(/\$skip=\d+/);
    }
    expect(seen).toHaveLength(total);

    // Out-of-band fix: the incident stays until a refresh.
    e.setEnabledRules(PRIV_ROLE_ADMIN, ['MultiFactorAuthentication']);
    expect(e.noMfaAlertIncidents().some((i) => i.id === PRIV_ROLE_ADMIN)).toBe(true);
    const refresh = await graphFetch(e, 'POST', `${BASE}/alerts/${id}/refresh`);
    expect(refresh.status).toBe(202);
    const location = refresh.headers.get('location')!;
    expect(location).toMatch(new RegExp(`${BASE}/operations/[0-9a-f-]{36}$`));
    const poll = async (): Promise<string> =>
      ((await graphFetch(e, 'GET', location.replace(e.url, ''))).json as { status: string }).status;
    expect(await poll()).toBe('running');
    expect(await poll()).toBe('succeeded');
    expect(e.noMfaAlertIncidents().some((i) => i.id === PRIV_ROLE_ADMIN)).toBe(false);

    const all = await graphFetch(e, 'POST', `${BASE}/alerts/refresh`, {
      scopeId: '/',
      scopeType: 'DirectoryRole',
    });
    expect(all.status).toBe(202);

    const victim = e.noMfaAlertIncidents()[0]!;
    const rem = await graphFetch(
      e,
      'POST',
      `${BASE}/alerts/${id}/alertIncidents/${victim.id}/remediate`,
    );
    expect(rem.status).toBe(200);
    expect(
      e.getRule(victim.roleTemplateId, 'Enablement_EndUser_Assignment')?.enabledRules,
    ).toContain('MultiFactorAuthentication');
    expect(e.noMfaAlertIncidents().some((i) => i.id === victim.id)).toBe(false);

    const licence = `DirectoryRole_${e.tenantId}_InvalidLicenseAlert`;
    const notRem = await graphFetch(
      e,
      'POST',
      `${BASE}/alerts/${licence}/alertIncidents/x/remediate`,
    );
    expect(notRem.status).toBe(400);
    expect((notRem.json as { error: { innerError: unknown } }).error.innerError).toBeDefined();

    expect((await graphFetch(e, 'PATCH', `${BASE}/alerts/${id}`, { isActive: false })).status).toBe(
      204,
    );
    expect(
      ((await graphFetch(e, 'GET', `${BASE}/alerts/${id}`)).json as { isActive: boolean }).isActive,
    ).toBe(false);
  });

  it('serves alerts through /beta/$batch but refuses them in a v1.0 batch (405)', async () => {
    const e = await emulator();
    const id = `DirectoryRole_${e.tenantId}_NoMfaOnRoleActivationAlert`;
    const reqs = {
      requests: [
        { id: '1', method: 'GET', url: `/identityGovernance/roleManagementAlerts/alerts/${id}` },
      ],
    };
    const beta = await graphFetch(e, 'POST', '/beta/$batch', reqs);
    expect((beta.json as { responses: Array<{ status: number }> }).responses[0]?.status).toBe(200);
    const v1 = await graphFetch(e, 'POST', '/v1.0/$batch', reqs);
    expect((v1.json as { responses: Array<{ status: number }> }).responses[0]?.status).toBe(405);
  });
});

describe('EntraProvider.alerts', () => {
  it('refreshes (202 + polling), then lists the seeded roles without MFA with the definition’s severity', async () => {
    const e = await emulator({ alertRefreshPolls: 2 });
    const p = provider(e, fast);
    const alerts = await p.alerts();
    const expected = e.noMfaAlertIncidents();
    expect(alerts.map((a) => a.roleId).sort()).toEqual(
      expected.map((i) => i.roleTemplateId).sort(),
    );
    expect(alerts).toContainEqual({
      roleId: PRIV_ROLE_ADMIN,
      roleDisplayName: 'Privileged Role Administrator',
      severity: 'medium',
    });
    // Same content as what the snapshot says of directory roles (no role of the seed has a context that enforces
    // MFA); PIM's alert does not cover PIM for Groups accesses, which the snapshot also holds.
    const snapWithout = (await p.snapshot())
      .roles()
      .filter((r) => r.scope === '/' && !switchEnabled(r))
      .map((r) => r.roleId)
      .sort();
    expect(alerts.map((a) => a.roleId).sort()).toEqual(snapWithout);
    const log = e
      .requests()
      .map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}$/, '{op}')} ${r.status}`);
    expect(log.slice(0, 4)).toEqual([
      `POST ${BASE}/alerts/refresh 202`,
      `GET ${BASE}/operations/{op} 200`,
      `GET ${BASE}/operations/{op} 200`,
      `GET ${BASE}/operations/{op} 200`,
    ]);
  });

  it('pages incidents and follows the alert once rolegate has enabled MFA', async () => {
    const e = await emulator({ pageSize: 2 });
    const p = provider(e, fast);
    const before = await p.alerts();
    expect(e.requests().filter((r) => r.path.endsWith('/alertIncidents')).length).toBe(
      Math.ceil(before.length / 2),
    );
    const snap = await p.snapshot();
    const pra = snap.resolve({ id: PRIV_ROLE_ADMIN }, '/');
    if (pra.kind !== 'Found') throw new Error('not found');
    expect((await p.apply([requireMfa(pra.role)]))[0]?.ok).toBe(true);
    const after = await p.alerts();
    expect(after.map((a) => a.roleId)).not.toContain(PRIV_ROLE_ADMIN);
    expect(after).toHaveLength(before.length - 1);
  });

  it('reads the last scan when the refresh is not allowed (403) or does not finish in time', async () => {
    const e = await emulator({ alertRefreshPolls: 1000 });
    const p = provider(e, { alertRefresh: { pollIntervalMs: 5, timeoutMs: 30 } });
    expect((await p.alerts()).length).toBe(e.noMfaAlertIncidents().length);
    e.injectFault({ match: { method: 'POST', pathIncludes: 'alerts/refresh' }, status: 403 });
    expect((await p.alerts()).length).toBe(e.noMfaAlertIncidents().length);
  });

  it('403 on the alert read → PermissionDenied naming RoleManagementAlert.Read.Directory', async () => {
    const e = await emulator();
    e.injectFault({
      match: { method: 'GET', pathIncludes: 'roleManagementAlerts/alerts' },
      status: 403,
    });
    const err = await provider(e, fast)
      .alerts()
      .catch((x: unknown) => x);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'PermissionDenied' });
    expect((err as Error).message).toContain('RoleManagementAlert.Read.Directory');
  });

  it('a dismissed alert reports nothing', async () => {
    const e = await emulator();
    const p = provider(e, fast);
    const id = `DirectoryRole_${e.tenantId}_NoMfaOnRoleActivationAlert`;
    expect((await graphFetch(e, 'PATCH', `${BASE}/alerts/${id}`, { isActive: false })).status).toBe(
      204,
    );
    // The emulator's refresh reactivates an alert that still has incidents; without refresh it stays dismissed.
    const stale = provider(e, { alertRefresh: { pollIntervalMs: 5, timeoutMs: 1 } });
    e.injectFault({ match: { method: 'POST', pathIncludes: 'alerts/refresh' }, status: 403 });
    expect(await stale.alerts()).toEqual([]);
    expect((await p.alerts()).length).toBeGreaterThan(0);
  });
});
