// The Graph emulator against graph-pim.md over real HTTP: shapes, PIM error bodies, $batch rules, auth, token
// endpoints, persistence and the control API.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startGraphEmulator } from '../../../../src/emulator/graph/index.js';
import { emulator, graphFetch } from '../../providers/entra/fixtures.js';

const GA = '62e90394-69f5-4237-9190-012177145e10';
const USER_ADMIN = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
const ENABLEMENT = '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule';
const ruleUrl = (policyId: string, rule: string): string =>
  `/v1.0/policies/roleManagementPolicies/${policyId}/rules/${rule}`;

type ErrorBody = { error: { code: string; message: string; innerError: Record<string, string> } };

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('Graph emulator: reads', () => {
  it('serves a policy with the 17 rules in API order (ruleOrderSeed null), "all" in lower case and @odata.type on rules only', async () => {
    const e = await emulator({ ruleOrderSeed: null });
    const policyId = e.getPolicy(GA)!.id;
    expect(policyId).toMatch(new RegExp(`^DirectoryRole_${e.tenantId}_[0-9a-f-]{36}$`));
    expect(policyId.endsWith(GA)).toBe(false);
    const r = await graphFetch(
      e,
      'GET',
      `/v1.0/policies/roleManagementPolicies/${policyId}?$expand=rules`,
    );
    expect(r.status).toBe(200);
    const p = r.json as { '@odata.context': string; rules: Array<Record<string, unknown>> };
    expect(p['@odata.context']).toBe(
      'https://graph.microsoft.com/v1.0/$metadata#policies/roleManagementPolicies(rules())/$entity',
    );
    expect(p.rules.map((x) => x.id)).toEqual([
      'Expiration_Admin_Eligibility',
      'Enablement_Admin_Eligibility',
      'Notification_Admin_Admin_Eligibility',
      'Notification_Requestor_Admin_Eligibility',
      'Notification_Approver_Admin_Eligibility',
      'Expiration_Admin_Assignment',
      'Enablement_Admin_Assignment',
      'Notification_Admin_Admin_Assignment',
      'Notification_Requestor_Admin_Assignment',
      'Notification_Approver_Admin_Assignment',
      'Expiration_EndUser_Assignment',
      'Enablement_EndUser_Assignment',
      'Approval_EndUser_Assignment',
      'AuthenticationContext_EndUser_Assignment',
      'Notification_Admin_EndUser_Assignment',
      'Notification_Requestor_EndUser_Assignment',
      'Notification_Approver_EndUser_Assignment',
    ]);
    for (const rule of p.rules) {
      expect(rule['@odata.type']).toMatch(
        /^#microsoft\.graph\.unifiedRoleManagementPolicy\w+Rule$/,
      );
      expect(rule.target).toMatchObject({ operations: ['all'] });
      expect(rule.target).not.toHaveProperty('@odata.type');
      expect(rule.target).not.toHaveProperty('targetObjects');
    }
    const plain = await graphFetch(e, 'GET', `/v1.0/policies/roleManagementPolicies/${policyId}`);
    expect(plain.json).not.toHaveProperty('rules');
    expect(plain.json).toMatchObject({
      displayName: 'DirectoryRole',
      scopeId: '/',
      scopeType: 'DirectoryRole',
      isOrganizationDefault: false,
    });
  });

  it('filters assignments by role and names the expansion in @odata.context', async () => {
    const e = await emulator();
    const filter = encodeURIComponent(
      `scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '${GA}'`,
    );
    const r = await graphFetch(
      e,
      'GET',
      `/v1.0/policies/roleManagementPolicyAssignments?$filter=${filter}&$expand=policy($expand=rules)`,
    );
    const body = r.json as {
      '@odata.context': string;
      value: Array<{ id: string; policyId: string; policy: { rules: unknown[] } }>;
    };
    expect(body['@odata.context']).toBe(
      'https://graph.microsoft.com/v1.0/$metadata#policies/roleManagementPolicyAssignments(policy(rules()))',
    );
    expect(body.value).toHaveLength(1);
    expect(body.value[0]!.id).toBe(`${body.value[0]!.policyId}_${GA}`);
    expect(body.value[0]!.policy.rules).toHaveLength(17);
  });

  it('pages with an absolute nextLink on this server and ends without one', async () => {
    const e = await emulator({ pageSize: 20 });
    const first = await graphFetch(
      e,
      'GET',
      '/v1.0/roleManagement/directory/roleDefinitions?$select=id,displayName',
    );
    const b1 = first.json as { '@odata.nextLink': string; value: Array<Record<string, unknown>> };
    expect(b1.value).toHaveLength(20);
    expect(Object.keys(b1.value[0]!).sort()).toEqual(['displayName', 'id']);
    expect(
      b1['@odata.nextLink'].startsWith(
        `${e.url}/v1.0/roleManagement/directory/roleDefinitions?$select=id,displayName&$skiptoken=`,
      ),
    ).toBe(true);
    const second = await graphFetch(e, 'GET', b1['@odata.nextLink'].slice(e.url.length));
    const b2 = second.json as { value: unknown[] };
    expect(b2.value).toHaveLength(11);
    expect(second.json).not.toHaveProperty('@odata.nextLink');
  });

  it('answers a list without the scope filter with 400 MissingProvider exactly as documented', async () => {
    const e = await emulator();
    const r = await graphFetch(
      e,
      'GET',
      '/v1.0/policies/roleManagementPolicyAssignments',
      undefined,
      { 'client-request-id': 'c0ffee00-0000-4000-8000-000000000001' },
    );
    expect(r.status).toBe(400);
    const err = (r.json as ErrorBody).error;
    expect(err.code).toBe('UnknownError');
    expect(JSON.parse(err.message)).toEqual({
      errorCode: 'MissingProvider',
      message: 'The provider is missing.',
      instanceAnnotations: [],
    });
    expect(err.innerError['client-request-id']).toBe('c0ffee00-0000-4000-8000-000000000001');
    expect(err.innerError['request-id']).toBe(r.headers.get('request-id'));
    expect(r.headers.get('client-request-id')).toBe('c0ffee00-0000-4000-8000-000000000001');
    expect(err.innerError.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    const policies = await graphFetch(e, 'GET', '/v1.0/policies/roleManagementPolicies/');
    expect(JSON.parse((policies.json as ErrorBody).error.message)).toMatchObject({
      errorCode: 'MissingProvider',
    });
  });

  it('refuses a request without a bearer token with 401 InvalidAuthenticationToken', async () => {
    const e = await emulator();
    const r = await fetch(`${e.url}/v1.0/roleManagement/directory/roleDefinitions`);
    expect(r.status).toBe(401);
    const body = (await r.json()) as ErrorBody;
    expect(body.error.code).toBe('InvalidAuthenticationToken');
    expect(body.error.innerError['request-id']).toBe(r.headers.get('request-id'));
    expect(e.requests()).toEqual([
      {
        method: 'GET',
        path: '/v1.0/roleManagement/directory/roleDefinitions',
        query: '',
        status: 401,
      },
    ]);
  });
});

describe('Graph emulator: rule PATCH', () => {
  it('accepts a thin target and keeps caller/level; 204 with no body', async () => {
    const e = await emulator();
    const policyId = e.getPolicy(USER_ADMIN)!.id;
    const r = await graphFetch(e, 'PATCH', ruleUrl(policyId, 'Enablement_EndUser_Assignment'), {
      '@odata.type': ENABLEMENT,
      id: 'Enablement_EndUser_Assignment',
      enabledRules: ['MultiFactorAuthentication'],
      target: { '@odata.type': 'microsoft.graph.unifiedRoleManagementPolicyRuleTarget' },
    });
    expect(r.status).toBe(204);
    expect(r.json).toBeUndefined();
    expect(e.getRule(USER_ADMIN, 'Enablement_EndUser_Assignment')).toMatchObject({
      enabledRules: ['MultiFactorAuthentication'],
      target: { caller: 'EndUser', level: 'Assignment', operations: ['all'] },
    });
    expect(e.getPolicy(USER_ADMIN)!.lastModifiedDateTime).not.toBeNull();
  });

  it.each([
    {
      reason: 'a wrong @odata.type is a 500 with an empty code',
      rule: 'Enablement_EndUser_Assignment',
      body: {
        '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule',
        enabledRules: [],
      },
      status: 500,
      code: '',
      message: 'An error has occurred.',
    },
    {
      reason: 'a missing @odata.type is a 500 too',
      rule: 'Enablement_EndUser_Assignment',
      body: { enabledRules: ['MultiFactorAuthentication'] },
      status: 500,
      code: '',
      message: 'An error has occurred.',
    },
    {
      reason: 'a body id that differs from the path is an invalid rule id',
      rule: 'Enablement_EndUser_Assignment',
      body: { '@odata.type': ENABLEMENT, id: 'Enablement_Admin_Assignment', enabledRules: [] },
      status: 400,
      code: 'InvalidPolicyRule',
      message: 'The policy rule id Enablement_Admin_Assignment is invalid.',
    },
    {
      reason: 'an unknown rule id in the path is invalid',
      rule: 'Enablement_Everyone',
      body: { '@odata.type': ENABLEMENT, enabledRules: [] },
      status: 400,
      code: 'InvalidPolicyRule',
      message: 'The policy rule id Enablement_Everyone is invalid.',
    },
    {
      reason: 'an authentication context enabled with a null claim is an invalid policy',
      rule: 'AuthenticationContext_EndUser_Assignment',
      body: {
        '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule',
        isEnabled: true,
        claimValue: null,
      },
      status: 400,
      code: 'InvalidPolicy',
      message: 'The policy is invalid',
    },
    {
      reason: 'an unknown enabledRules value is an invalid policy',
      rule: 'Enablement_EndUser_Assignment',
      body: { '@odata.type': ENABLEMENT, enabledRules: ['Biometrics'] },
      status: 400,
      code: 'InvalidPolicy',
      message: 'The policy is invalid',
    },
    {
      reason: 'malformed JSON is a bad request',
      rule: 'Enablement_EndUser_Assignment',
      body: '{"@odata.type": ',
      status: 400,
      code: 'BadRequest',
      message: 'Unable to read JSON request payload.',
    },
  ])('$reason', async ({ rule, body, status, code, message }) => {
    const e = await emulator();
    const before = e.getPolicy(USER_ADMIN)!;
    const r = await graphFetch(e, 'PATCH', ruleUrl(before.id, rule), body);
    expect(r.status).toBe(status);
    const err = (r.json as ErrorBody).error;
    expect(err.code).toBe(code);
    expect(err.message.startsWith(message)).toBe(true);
    expect(e.getPolicy(USER_ADMIN)).toEqual(before);
  });

  it('can answer a wrong @odata.type with 400 instead, and refuse MFA with a context in strict mode', async () => {
    const e = await emulator({ wrongTypeStatus: 400, strictMfaOrAuthContext: true });
    const policyId = e.getPolicy(GA)!.id;
    const wrong = await graphFetch(e, 'PATCH', ruleUrl(policyId, 'Enablement_EndUser_Assignment'), {
      enabledRules: [],
    });
    expect(wrong.status).toBe(400);
    const both = await graphFetch(
      e,
      'PATCH',
      ruleUrl(policyId, 'AuthenticationContext_EndUser_Assignment'),
      {
        '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule',
        isEnabled: true,
        claimValue: 'c1',
      },
    );
    expect(both.status).toBe(400);
    expect((both.json as ErrorBody).error.message).toContain('mutually exclusive');
  });

  it('PATCHes several rules through the policy and answers 200 with the policy', async () => {
    const e = await emulator();
    const policyId = e.getPolicy(USER_ADMIN)!.id;
    const r = await graphFetch(e, 'PATCH', `/v1.0/policies/roleManagementPolicies/${policyId}`, {
      rules: [
        {
          '@odata.type': ENABLEMENT,
          id: 'Enablement_EndUser_Assignment',
          enabledRules: ['MultiFactorAuthentication'],
        },
        {
          '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule',
          id: 'Expiration_EndUser_Assignment',
          isExpirationRequired: true,
          maximumDuration: 'PT4H',
        },
      ],
    });
    expect(r.status).toBe(200);
    expect((r.json as { rules: unknown[] }).rules).toHaveLength(17);
    expect(e.getRule(USER_ADMIN, 'Expiration_EndUser_Assignment')).toMatchObject({
      maximumDuration: 'PT4H',
    });
  });
});

describe('Graph emulator: $batch', () => {
  const get = (id: string, url: string, dependsOn?: string[]): Record<string, unknown> => ({
    id,
    method: 'GET',
    url,
    ...(dependsOn ? { dependsOn } : {}),
  });

  it('refuses more than 20 requests and duplicate ids with 400', async () => {
    const e = await emulator();
    const many = Array.from({ length: 21 }, (_, i) =>
      get(String(i), '/roleManagement/directory/roleDefinitions'),
    );
    const tooMany = await graphFetch(e, 'POST', '/v1.0/$batch', { requests: many });
    expect(tooMany.status).toBe(400);
    expect((tooMany.json as ErrorBody).error.code).toBe('BadRequest');
    const dup = await graphFetch(e, 'POST', '/v1.0/$batch', {
      requests: [
        get('1', '/roleManagement/directory/roleDefinitions'),
        get('1', '/roleManagement/directory/roleDefinitions'),
      ],
    });
    expect(dup.status).toBe(400);
    expect(e.counts().reads).toBe(0);
  });

  it('answers 424 for the dependents of a failed request, and per-item status, headers and body', async () => {
    const e = await emulator();
    const policyId = e.getPolicy(GA)!.id;
    const r = await graphFetch(e, 'POST', '/v1.0/$batch', {
      requests: [
        get('1', '/policies/roleManagementPolicies/DirectoryRole_missing'),
        get('2', `/policies/roleManagementPolicies/${policyId}`, ['1']),
        get(
          '3',
          `/policies/roleManagementPolicies/${policyId}/rules/Enablement_EndUser_Assignment`,
        ),
        {
          id: '4',
          method: 'PATCH',
          url: `/policies/roleManagementPolicies/${policyId}/rules/Enablement_EndUser_Assignment`,
          headers: { 'Content-Type': 'application/json' },
          body: { '@odata.type': ENABLEMENT, enabledRules: ['MultiFactorAuthentication'] },
          dependsOn: ['3'],
        },
      ],
    });
    expect(r.status).toBe(200);
    const responses = (
      r.json as {
        responses: Array<{
          id: string;
          status: number;
          headers: Record<string, string>;
          body?: unknown;
        }>;
      }
    ).responses;
    const byId = new Map(responses.map((x) => [x.id, x]));
    expect(byId.get('1')?.status).toBe(404);
    expect(byId.get('2')?.status).toBe(424);
    expect(byId.get('3')).toMatchObject({
      status: 200,
      body: { enabledRules: ['MultiFactorAuthentication', 'Justification', 'Ticketing'] },
    });
    expect(byId.get('3')?.headers['Content-Type']).toContain('application/json');
    expect(byId.get('4')?.status).toBe(204);
    expect(byId.get('4')).not.toHaveProperty('body');
    // Responses come back in an order of the server's choosing, not the request order.
    expect(responses.map((x) => x.id)).not.toEqual(['1', '2', '3', '4']);
    expect(e.counts()).toMatchObject({ requests: 1, batches: 1, reads: 2, writes: 1 });
  });

  it('throttles one item on its own with an inner 429 and Retry-After', async () => {
    const e = await emulator();
    e.injectFault({
      match: { pathIncludes: 'roleDefinitions/' + GA, scope: 'batchItem' },
      status: 429,
      retryAfter: '2.128',
      times: 1,
    });
    const r = await graphFetch(e, 'POST', '/v1.0/$batch', {
      requests: [
        get('a', `/roleManagement/directory/roleDefinitions/${GA}`),
        get('b', `/roleManagement/directory/roleDefinitions/${USER_ADMIN}`),
      ],
    });
    const responses = (
      r.json as {
        responses: Array<{
          id: string;
          status: number;
          headers: Record<string, string>;
          body: ErrorBody;
        }>;
      }
    ).responses;
    const a = responses.find((x) => x.id === 'a')!;
    expect(a.status).toBe(429);
    expect(a.headers['Retry-After']).toBe('2.128');
    expect(a.body.error).toMatchObject({
      code: 'TooManyRequests',
      innerError: { code: '429', status: '429' },
    });
    expect(responses.find((x) => x.id === 'b')?.status).toBe(200);
  });

  it('needs Content-Type on an item with a body', async () => {
    const e = await emulator();
    const policyId = e.getPolicy(GA)!.id;
    const r = await graphFetch(e, 'POST', '/v1.0/$batch', {
      requests: [
        {
          id: '1',
          method: 'PATCH',
          url: `/policies/roleManagementPolicies/${policyId}/rules/Enablement_EndUser_Assignment`,
          body: { '@odata.type': ENABLEMENT, enabledRules: [] },
        },
      ],
    });
    expect(r.status).toBe(400);
    expect(e.getRule(GA, 'Enablement_EndUser_Assignment')?.enabledRules).toContain(
      'MultiFactorAuthentication',
    );
  });
});

describe('Graph emulator: identity endpoints', () => {
  it('serves OpenID configuration with issuer, token, authorization and JWKS endpoints', async () => {
    const e = await emulator();
    const r = await fetch(`${e.url}/${e.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(r.status).toBe(200);
    const c = (await r.json()) as Record<string, string>;
    expect(c).toMatchObject({
      issuer: `${e.url}/${e.tenantId}/v2.0`,
      token_endpoint: `${e.url}/${e.tenantId}/oauth2/v2.0/token`,
      authorization_endpoint: `${e.url}/${e.tenantId}/oauth2/v2.0/authorize`,
      jwks_uri: `${e.url}/${e.tenantId}/discovery/v2.0/keys`,
    });
    const keys = await fetch(c.jwks_uri!);
    expect(await keys.json()).toEqual({ keys: [] });
    const other = await fetch(
      `${e.url}/00000000-0000-0000-0000-000000000000/v2.0/.well-known/openid-configuration`,
    );
    expect(other.status).toBe(400);
  });

  it('issues client-credentials tokens that Graph accepts, and refuses incomplete requests', async () => {
    const e = await emulator({
      clients: [{ clientId: 'app', graphRoles: ['RoleManagement.Read.Directory'], armActions: [] }],
    });
    const token = async (form: Record<string, string>): Promise<Response> =>
      fetch(`${e.url}/${e.tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        body: new URLSearchParams(form),
      });
    const ok = await token({
      grant_type: 'client_credentials',
      client_id: 'app',
      client_secret: 's',
      scope: `${e.url}/.default`,
    });
    expect(ok.status).toBe(200);
    const t = (await ok.json()) as { token_type: string; expires_in: number; access_token: string };
    expect(t.token_type).toBe('Bearer');
    expect(t.expires_in).toBeGreaterThan(0);
    expect(t.access_token.split('.')).toHaveLength(3);
    const claims = JSON.parse(
      Buffer.from(t.access_token.split('.')[1]!, 'base64url').toString('utf8'),
    ) as Record<string, unknown>;
    expect(claims).toMatchObject({
      aud: 'https://graph.microsoft.com',
      tid: e.tenantId,
      appid: 'app',
      azp: 'app',
      roles: ['RoleManagement.Read.Directory'],
      idtyp: 'app',
    });
    const graph = await fetch(`${e.url}/v1.0/roleManagement/directory/roleDefinitions`, {
      headers: { authorization: `Bearer ${t.access_token}` },
    });
    expect(graph.status).toBe(200);
    expect((await token({ grant_type: 'password', client_id: 'app' })).status).toBe(400);
    const noSecret = await token({ grant_type: 'client_credentials', client_id: 'app' });
    expect(noSecret.status).toBe(401);
    expect(((await noSecret.json()) as { error: string }).error).toBe('invalid_client');
    expect(e.counts().tokens).toBe(3);
  });
});

describe('Graph emulator: state and control', () => {
  it('keeps a bounded request log: the newest entries, a count of dropped ones, exact totals', async () => {
    const e = await emulator({ requestLogLimit: 3 });
    for (let i = 0; i < 5; i++) {
      expect(
        (await graphFetch(e, 'GET', `/v1.0/roleManagement/directory/roleDefinitions/${GA}`)).status,
      ).toBe(200);
    }
    const r = (await (await fetch(`${e.url}/_emulator/requests`)).json()) as {
      requests: unknown[];
      counts: { requests: number };
      log: { kept: number; dropped: number; capacity: number };
    };
    expect(r.requests).toHaveLength(3);
    expect(r.log).toEqual({ kept: 3, dropped: 2, capacity: 3 });
    expect(r.counts.requests).toBe(5);
  });

  it('persists changes to the state file and loads them on the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolegate-graph-'));
    dirs.push(dir);
    const file = join(dir, 'tenant.json');
    const first = await startGraphEmulator({
      stateFile: file,
      tenantId: 'a1b2c3d4-0000-4000-8000-000000000001',
    });
    const policyId = first.getPolicy(USER_ADMIN)!.id;
    const r = await graphFetch(first, 'PATCH', ruleUrl(policyId, 'Enablement_EndUser_Assignment'), {
      '@odata.type': ENABLEMENT,
      enabledRules: ['MultiFactorAuthentication', 'Ticketing'],
    });
    expect(r.status).toBe(204);
    await first.close();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      version: 1,
      tenantId: 'a1b2c3d4-0000-4000-8000-000000000001',
    });
    // The tenant id comes from the file, not from the options of the second start.
    const second = await startGraphEmulator({ stateFile: file });
    try {
      expect(second.tenantId).toBe('a1b2c3d4-0000-4000-8000-000000000001');
      expect(second.getRule(USER_ADMIN, 'Enablement_EndUser_Assignment')?.enabledRules).toEqual([
        'MultiFactorAuthentication',
        'Ticketing',
      ]);
      expect(second.getPolicy(USER_ADMIN)?.id).toBe(policyId);
    } finally {
      await second.close();
    }
  });

  it('seeds N synthetic roles deterministically', async () => {
    const a = await emulator({ seed: { roles: 12 } });
    const b = await emulator({ seed: { roles: 12 } });
    expect(a.roleDefinitions()).toHaveLength(12);
    expect(a.exportState().policies.map((p) => p.id)).toEqual(
      b.exportState().policies.map((p) => p.id),
    );
  });

  it('takes faults, out-of-band changes and log requests over HTTP', async () => {
    const e = await emulator();
    const post = (path: string, body: unknown): Promise<Response> =>
      fetch(`${e.url}${path}`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
    expect((await post('/_emulator/faults', { status: 503, times: 1 })).status).toBe(201);
    expect(
      (await graphFetch(e, 'GET', '/v1.0/roleManagement/directory/roleDefinitions')).status,
    ).toBe(503);
    expect(
      (await graphFetch(e, 'GET', '/v1.0/roleManagement/directory/roleDefinitions')).status,
    ).toBe(200);
    expect(
      (await post(`/_emulator/state/roles/${GA}/enabledRules`, { enabledRules: ['Justification'] }))
        .status,
    ).toBe(204);
    expect(e.getRule(GA, 'Enablement_EndUser_Assignment')?.enabledRules).toEqual(['Justification']);
    expect(
      (
        await post('/_emulator/state/roles/00000000-0000-4000-8000-000000000000/enabledRules', [
          'Justification',
        ])
      ).status,
    ).toBe(400);
    const log = (await (await fetch(`${e.url}/_emulator/requests`)).json()) as {
      requests: Array<{ status: number }>;
      counts: { requests: number };
    };
    expect(log.requests.map((x) => x.status)).toEqual([503, 200]);
    expect(log.counts.requests).toBe(2);
    expect((await fetch(`${e.url}/_emulator/requests`, { method: 'DELETE' })).status).toBe(204);
    expect(e.requests()).toEqual([]);
  });

  it('adds the configured latency to every response', async () => {
    const e = await emulator({ latencyMs: 80 });
    const t0 = Date.now();
    expect(
      (await graphFetch(e, 'GET', '/v1.0/roleManagement/directory/roleDefinitions')).status,
    ).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(75);
  });

  it('delays and resets connections on request', async () => {
    const e = await emulator();
    e.injectFault({ kind: 'delay', delayMs: 150, times: 1 });
    const t0 = Date.now();
    expect(
      (await graphFetch(e, 'GET', '/v1.0/roleManagement/directory/roleDefinitions')).status,
    ).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(145);
    e.injectFault({ kind: 'reset', times: 1 });
    await expect(
      graphFetch(e, 'GET', '/v1.0/roleManagement/directory/roleDefinitions'),
    ).rejects.toThrow();
    expect(e.requests().map((r) => r.status)).toEqual([200, 0]);
  });
});
