// The Graph client against the emulator over real HTTP: paging, retries of 429/503/504 and resets (honouring
// fractional Retry-After), error classification and batching in chunks of 20.
import { describe, expect, it } from 'vitest';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { GraphClient, StaticTokenCredential } from '../../../../src/providers/entra/index.js';
import { ProviderError } from '../../../../src/providers/types.js';
import type { GraphEmulator } from '../../../../src/emulator/graph/index.js';
import { emulator } from './fixtures.js';

const ASSIGNMENTS = `/policies/roleManagementPolicyAssignments?$filter=${encodeURIComponent("scopeId eq '/' and scopeType eq 'DirectoryRole'")}`;
const SECRET = 'secret-token-value-never-shown';

function client(
  e: GraphEmulator,
  credential: TokenCredential = new StaticTokenCredential(e.token),
): GraphClient {
  return new GraphClient({
    baseUrl: e.url,
    credential,
    retry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 3, maxRetryAfterMs: 2_000 },
    random: () => 0.5,
  });
}

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const err = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!(err instanceof ProviderError))
    throw new Error(`expected a ProviderError, got ${String(err)}`);
  expect(err.message).not.toContain(SECRET);
  // no bearer token (a JWT) either
  expect(err.message).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
  return err;
}

describe('GraphClient', () => {
  it('asks the credential for {graphBaseUrl}/.default on every request', async () => {
    const e = await emulator();
    const scopes: string[] = [];
    const cred: TokenCredential = {
      getToken: (s: string | string[]): Promise<AccessToken> => {
        scopes.push(...(Array.isArray(s) ? s : [s]));
        return Promise.resolve({ token: e.token, expiresOnTimestamp: Date.now() + 3_600_000 });
      },
    };
    const c = client(e, cred);
    await c.get(`${ASSIGNMENTS}&$top=1`);
    await c.get(`${ASSIGNMENTS}&$top=1`);
    expect(scopes).toEqual([`${e.url}/.default`, `${e.url}/.default`]);
    expect(
      new GraphClient({ baseUrl: 'https://graph.microsoft.com/', credential: cred }).scope,
    ).toBe('https://graph.microsoft.com/.default');
  });

  it('follows absolute @odata.nextLink pages with a small page size', async () => {
    const e = await emulator({ pageSize: 4 });
    const c = client(e);
    const all = await c.list<{ roleDefinitionId: string }>(
      `${ASSIGNMENTS}&$expand=policy($expand=rules)`,
    );
    expect(all).toHaveLength(31);
    expect(new Set(all.map((a) => a.roleDefinitionId)).size).toBe(31);
    expect(e.counts().requests).toBe(Math.ceil(31 / 4));
    expect(c.stats).toMatchObject({ requests: 8, reads: 8, retries: 0 });
    // Every follow-up page repeated the original query.
    for (const r of e.requests().slice(1))
      expect(decodeURIComponent(r.query)).toContain('$expand=policy($expand=rules)');
  });

  it.each([
    { reason: 'integral seconds', retryAfter: '1', minMs: 1000 },
    { reason: 'fractional seconds, as Graph sends them', retryAfter: '0.25', minMs: 250 },
  ])('retries a 429 after Retry-After ($reason)', async ({ retryAfter, minMs }) => {
    const e = await emulator();
    const c = client(e);
    e.injectFault({ status: 429, retryAfter, times: 1 });
    const t0 = Date.now();
    await c.get(`${ASSIGNMENTS}&$top=1`);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(minMs - 5);
    expect(e.requests().map((r) => r.status)).toEqual([429, 200]);
    expect(c.stats).toMatchObject({ requests: 2, retries: 1, throttled: 1 });
  });

  it.each([
    { reason: '429 without Retry-After backs off', fault: { status: 429 as const } },
    { reason: '503 is retried', fault: { status: 503 as const } },
    { reason: '504 is retried', fault: { status: 504 as const } },
    { reason: 'a connection reset is retried', fault: { kind: 'reset' as const } },
  ])('$reason', async ({ fault }) => {
    const e = await emulator();
    const c = client(e);
    e.injectFault({ ...fault, times: 2 });
    const body = await c.get<{ value: unknown[] }>(`${ASSIGNMENTS}&$top=1`);
    expect(body.value).toHaveLength(1);
    expect(e.pendingFaults()).toBe(0);
    expect(c.stats.retries).toBe(2);
    expect(e.requests()).toHaveLength(3);
  });

  it('gives up after the last attempt with Throttled and the server-requested delay', async () => {
    const e = await emulator();
    const c = client(e);
    e.injectFault({ status: 429, retryAfter: '0.01', times: 5 });
    const err = await failure(c.get(ASSIGNMENTS));
    expect(err.kind).toBe('Throttled');
    expect(err.retryAfterMs).toBe(10);
    expect(err.message).toBe(
      'Graph GET /policies/roleManagementPolicyAssignments: 429 TooManyRequests: Please retry again later.',
    );
    expect(e.requests()).toHaveLength(3);
  });

  it('does not sleep through a Retry-After longer than its limit: Throttled at once', async () => {
    const e = await emulator();
    const c = client(e);
    e.injectFault({ status: 429, retryAfter: '120', times: 1 });
    const err = await failure(c.get(ASSIGNMENTS));
    expect(err.kind).toBe('Throttled');
    expect(err.retryAfterMs).toBe(120_000);
    expect(e.requests()).toHaveLength(1);
  });

  it.each([
    {
      reason: '403 on a read names the read permission',
      method: 'GET',
      path: ASSIGNMENTS,
      fault: 403 as const,
      kind: 'PermissionDenied',
      contains: 'RoleManagementPolicy.Read.Directory',
    },
    {
      reason: '403 on a write names the write permission',
      method: 'PATCH',
      path: '/policies/roleManagementPolicies/x/rules/Enablement_EndUser_Assignment',
      fault: 403 as const,
      kind: 'PermissionDenied',
      contains: 'RoleManagementPolicy.ReadWrite.Directory',
    },
    {
      reason: '403 on role definitions names RoleManagement.Read.Directory',
      method: 'GET',
      path: '/roleManagement/directory/roleDefinitions',
      fault: 403 as const,
      kind: 'PermissionDenied',
      contains: 'RoleManagement.Read.Directory',
    },
    {
      reason: '401 is PermissionDenied too',
      method: 'GET',
      path: ASSIGNMENTS,
      fault: 401 as const,
      kind: 'PermissionDenied',
      contains: 'access token was refused',
    },
    {
      reason: '500 (not retried) is Unavailable',
      method: 'GET',
      path: ASSIGNMENTS,
      fault: 500 as const,
      kind: 'Unavailable',
      contains: '500 An error has occurred.',
    },
  ])('$reason', async ({ method, path, fault, kind, contains }) => {
    const e = await emulator();
    const c = client(e);
    e.injectFault({ status: fault, times: 1 });
    const err = await failure(c.request(method, path, method === 'PATCH' ? { body: {} } : {}));
    expect(err.kind).toBe(kind);
    expect(err.message).toContain(contains);
    expect(err.options.status).toBe(fault);
    expect(e.requests()).toHaveLength(1);
  });

  it.each([
    {
      reason: 'a list without the scope filter is Invalid with PIM’s MissingProvider unwrapped',
      path: '/policies/roleManagementPolicyAssignments',
      kind: 'Invalid',
      message:
        'Graph GET /policies/roleManagementPolicyAssignments: 400 MissingProvider: The provider is missing.',
    },
    {
      reason: 'an unknown policy is NotFound',
      path: '/policies/roleManagementPolicies/DirectoryRole_nope',
      kind: 'NotFound',
      message:
        "Graph GET /policies/roleManagementPolicies/DirectoryRole_nope: 404 Request_ResourceNotFound: Resource 'DirectoryRole_nope' does not exist or one of its queried reference-property objects are not present.",
    },
  ])('$reason', async ({ path, kind, message }) => {
    const e = await emulator();
    const err = await failure(client(e).get(path));
    expect(err.kind).toBe(kind);
    expect(err.message).toBe(message);
  });

  it('classifies a wrong @odata.type PATCH (500 per the docs) as Unavailable without retrying it', async () => {
    const e = await emulator();
    const policyId = e.getPolicy('62e90394-69f5-4237-9190-012177145e10')!.id;
    const err = await failure(
      client(e).request(
        'PATCH',
        `/policies/roleManagementPolicies/${policyId}/rules/Enablement_EndUser_Assignment`,
        {
          body: {
            '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule',
            enabledRules: [],
          },
        },
      ),
    );
    expect(err.kind).toBe('Unavailable');
    expect(err.message).toContain('500 An error has occurred.');
    expect(e.requests()).toHaveLength(1);
  });

  it('reports an unreachable server as Unavailable after retrying', async () => {
    const e = await emulator();
    const url = e.url;
    await e.close();
    const c = new GraphClient({
      baseUrl: url,
      credential: new StaticTokenCredential(SECRET),
      retry: { baseDelayMs: 1, maxAttempts: 2 },
    });
    const err = await failure(c.get(ASSIGNMENTS));
    expect(err.kind).toBe('Unavailable');
    expect(err.message).toBe('Graph GET /policies/roleManagementPolicyAssignments: ECONNREFUSED');
    expect(c.stats.retries).toBe(1);
  });

  it('sends batches in chunks of 20 and returns each item’s result', async () => {
    const e = await emulator();
    const c = client(e);
    const ids = e.roleDefinitions().map((r) => r.id);
    const reqs = [...ids, ...ids].slice(0, 45).map((id, n) => ({
      id: `r${n}`,
      method: 'GET' as const,
      url: `/roleManagement/directory/roleDefinitions/${id}?$select=id,displayName`,
    }));
    reqs[44] = { id: 'r44', method: 'GET', url: '/policies/roleManagementPolicies/missing' };
    const results = await c.batch(reqs);
    expect(e.counts()).toMatchObject({ requests: 3, batches: 3, reads: 45 });
    expect(results.size).toBe(45);
    expect(results.get('r0')).toMatchObject({ status: 200, body: { id: ids[0] } });
    expect(results.get('r44')?.error?.kind).toBe('NotFound');
    expect(c.stats).toMatchObject({ requests: 3, batches: 3, reads: 45, writes: 0 });
  });
});
