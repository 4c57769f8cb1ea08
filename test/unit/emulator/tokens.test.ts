// The emulator's tokens: which API a scope names, which granted Azure RBAC actions cover an action, and why
// Graph or ARM refuses a token.
import { describe, expect, it } from 'vitest';
import {
  actionGranted,
  apiOfScope,
  TokenService,
  type EmulatorClient,
} from '../../../src/emulator/graph/tokens.js';
import { RuleOrder } from '../../../src/emulator/graph/rule-order.js';

const ORIGINS = { graph: ['http://127.0.0.1:1000'], arm: ['http://127.0.0.1:2000'] };
const CLIENT: EmulatorClient = { clientId: 'app', graphRoles: ['X.Read'], armActions: [] };

describe('apiOfScope', () => {
  it.each([
    { reason: 'public Graph', scope: 'https://graph.microsoft.com/.default', api: 'graph' },
    {
      reason: 'Graph with a trailing slash',
      scope: 'https://graph.microsoft.com//.default',
      api: 'graph',
    },
    { reason: 'public ARM', scope: 'https://management.azure.com/.default', api: 'arm' },
    {
      reason: 'classic ARM URI',
      scope: 'https://management.core.windows.net/.default',
      api: 'arm',
    },
    {
      reason: "the emulator's Graph origin",
      scope: 'http://127.0.0.1:1000/.default',
      api: 'graph',
    },
    { reason: "the emulator's ARM origin", scope: 'HTTP://127.0.0.1:2000/.default', api: 'arm' },
    { reason: 'another resource', scope: 'https://vault.azure.net/.default', api: undefined },
    { reason: 'no /.default', scope: 'https://graph.microsoft.com/User.Read', api: undefined },
  ])('$reason', ({ scope, api }) => {
    expect(apiOfScope(scope, ORIGINS)).toBe(api);
  });
});

describe('actionGranted', () => {
  it.each([
    { reason: 'exact', granted: ['Microsoft.Authorization/roleDefinitions/read'], ok: true },
    {
      reason: 'case-insensitive',
      granted: ['microsoft.authorization/ROLEDEFINITIONS/read'],
      ok: true,
    },
    { reason: 'everything', granted: ['*'], ok: true },
    { reason: 'provider wildcard', granted: ['Microsoft.Authorization/*'], ok: true },
    { reason: 'read wildcard', granted: ['Microsoft.Authorization/*/read'], ok: true },
    { reason: 'write only', granted: ['Microsoft.Authorization/*/write'], ok: false },
    { reason: 'another provider', granted: ['Microsoft.Compute/*'], ok: false },
    { reason: 'nothing', granted: [], ok: false },
  ])('$reason', ({ granted, ok }) => {
    expect(actionGranted(granted, 'Microsoft.Authorization/roleDefinitions/read')).toBe(ok);
  });
});

describe('TokenService.check', () => {
  const svc = new TokenService('tenant-a', () => 'http://127.0.0.1:1000');
  const now = Date.now();
  const graph = svc.issue(CLIENT, 'graph', 3600, now);
  const other = new TokenService('tenant-a', () => 'http://127.0.0.1:1000').issue(
    CLIENT,
    'graph',
    3600,
    now,
  );
  const otherTenant = new TokenService('tenant-b', () => 'x');
  it.each([
    { reason: 'a good Graph token', header: `Bearer ${graph}`, api: 'graph', problem: undefined },
    { reason: 'no header', header: undefined, api: 'graph', problem: 'missing' },
    { reason: 'not a JWT', header: 'Bearer test', api: 'graph', problem: 'malformed' },
    {
      reason: 'another emulator signed it',
      header: `Bearer ${other}`,
      api: 'graph',
      problem: 'signature',
    },
    { reason: 'a Graph token at ARM', header: `Bearer ${graph}`, api: 'arm', problem: 'audience' },
    {
      reason: 'expired',
      header: `Bearer ${svc.issue(CLIENT, 'graph', -1, now)}`,
      api: 'graph',
      problem: 'expired',
    },
  ] as const)('$reason', ({ header, api, problem }) => {
    const r = svc.check(header, api, now);
    expect('problem' in r ? r.problem : undefined).toBe(problem);
  });

  it('carries the roles for Graph only (ARM decides from role assignments)', () => {
    const r = svc.check(`Bearer ${graph}`, 'graph', now);
    expect('claims' in r && r.claims.roles).toEqual(['X.Read']);
    const a = svc.check(`Bearer ${svc.issue(CLIENT, 'arm', 60, now)}`, 'arm', now);
    expect('claims' in a && a.claims.roles).toBeUndefined();
    expect(otherTenant.check(`Bearer ${graph}`, 'graph', now)).toMatchObject({
      problem: 'signature',
    });
  });
});

describe('RuleOrder', () => {
  const rules = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((id) => ({ id }));
  it.each([
    { reason: 'a null seed keeps the stored order', seed: null, same: true },
    { reason: 'a seed reorders', seed: 's', same: false },
  ])('$reason', ({ seed, same }) => {
    const ids = new RuleOrder(seed).apply('p1', rules).map((r) => r.id);
    expect(ids.join() === 'a,b,c,d,e,f,g').toBe(same);
    expect([...ids].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });

  it('is the same for the same seed and policy, and differs between policies', () => {
    const o = new RuleOrder('s');
    const ids = (p: string): string =>
      o
        .apply(p, rules)
        .map((r) => r.id)
        .join();
    expect(ids('p1')).toBe(
      new RuleOrder('s')
        .apply('P1', rules)
        .map((r) => r.id)
        .join(),
    );
    expect(new Set(['p1', 'p2', 'p3', 'p4'].map(ids)).size).toBeGreaterThan(1);
  });
});
