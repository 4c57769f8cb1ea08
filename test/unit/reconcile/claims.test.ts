import { describe, expect, it } from 'vitest';
import {
  claimKey,
  claimRefOf,
  compareClaimants,
  duplicateClaims,
  olderClaimant,
  type Claimant,
  type ClaimRef,
  type RoleIdResolver,
} from '../../../src/reconcile/claims.js';
import { offlineRoleIds } from '../../../src/providers/offline-role-ids.js';

const GA = '62e90394-69f5-4237-9190-012177145e10';
const ref = (role: ClaimRef['role'], over: Partial<ClaimRef> = {}): ClaimRef => ({
  provider: 'tenant',
  role,
  scope: '/',
  ...over,
});
const entra = offlineRoleIds(new Map([['tenant', { entra: { tenantId: 't' } } as never]]));
const keycloak = offlineRoleIds(new Map([['tenant', { keycloak: {} } as never]]));
const unknown = offlineRoleIds(new Map());
/** A snapshot-like resolver: one custom role known by id and name. */
const snapshot: RoleIdResolver = (r) =>
  r.role.displayName === 'Custom Auditor' || r.role.id?.toLowerCase() === 'c0ffee'
    ? 'c0ffee'
    : undefined;

const sameClaim: {
  name: string;
  reason: string;
  a: ClaimRef;
  b: ClaimRef;
  resolve?: RoleIdResolver;
  same: boolean;
}[] = [
  {
    name: 'IdCase',
    reason: 'role ids differing only in case are the same role',
    a: ref({ id: GA }),
    b: ref({ id: GA.toUpperCase() }),
    same: true,
  },
  {
    name: 'IdVsBuiltinName',
    reason: 'without provider access, an Entra built-in display name resolves to its template id',
    a: ref({ id: GA }),
    b: ref({ displayName: 'Global Administrator' }),
    resolve: entra,
    same: true,
  },
  {
    name: 'IdVsBuiltinNameUnknownProvider',
    reason: 'a provider defined only in the cluster may be Entra: its built-in names resolve too',
    a: ref({ id: GA }),
    b: ref({ displayName: 'Global Administrator' }),
    resolve: unknown,
    same: true,
  },
  {
    name: 'KeycloakNamesDoNotResolve',
    reason: 'a Keycloak role named like an Entra built-in is not that built-in',
    a: ref({ id: GA }),
    b: ref({ displayName: 'Global Administrator' }),
    resolve: keycloak,
    same: false,
  },
  {
    name: 'BuiltinNameAtAzureScope',
    reason: 'the directory catalog applies at scope / only',
    a: ref({ id: GA }, { scope: '/subscriptions/1' }),
    b: ref({ displayName: 'Global Administrator' }, { scope: '/subscriptions/1' }),
    resolve: entra,
    same: false,
  },
  {
    name: 'SnapshotResolvesCustomRole',
    reason: 'with a snapshot, a custom role by name and by id is one claim',
    a: ref({ id: 'C0FFEE' }),
    b: ref({ displayName: 'Custom Auditor' }),
    resolve: snapshot,
    same: true,
  },
  {
    name: 'UnresolvedNamesExact',
    reason: 'display names compare exactly, as the providers match them',
    a: ref({ displayName: 'Custom Auditor' }),
    b: ref({ displayName: 'custom auditor' }),
    same: false,
  },
  {
    name: 'ArmFullIdVsGuid',
    reason: 'an Azure role definition given as a full id or as its GUID is one role',
    a: ref({ id: '/subscriptions/1/providers/Microsoft.Authorization/roleDefinitions/ABC' }),
    b: ref({ id: 'abc' }),
    same: true,
  },
  {
    name: 'ScopeTrailingSlashAndCase',
    reason: 'ARM scopes compare without case and without a trailing slash',
    a: ref({ id: 'x' }, { scope: '/subscriptions/AB/' }),
    b: ref({ id: 'x' }, { scope: '/subscriptions/ab' }),
    same: true,
  },
  {
    name: 'DifferentScope',
    reason: 'the same role at another scope is another claim',
    a: ref({ id: GA }),
    b: ref({ id: GA }, { scope: '/administrativeUnits/1' }),
    same: false,
  },
  {
    name: 'DifferentClient',
    reason: 'a Keycloak client role of another client is another role',
    a: ref({ displayName: 'admin', clientId: 'a' }),
    b: ref({ displayName: 'admin', clientId: 'b' }),
    same: false,
  },
  {
    name: 'DifferentProvider',
    reason: 'the same role of another IdentityProvider is another claim',
    a: ref({ id: GA }),
    b: ref({ id: GA }, { provider: 'other' }),
    same: false,
  },
];

describe('claimKey', () => {
  it.each(sameClaim)('$name: $reason', (c) => {
    const ka = claimKey(c.a, c.resolve);
    const kb = claimKey(c.b, c.resolve);
    expect(ka).toBeDefined();
    expect(ka === kb, c.reason).toBe(c.same);
  });

  it('has no key for a reference that names no role (the object is invalid)', () => {
    expect(claimKey(ref({}))).toBeUndefined();
  });
});

const G = '0b5e4a7c-1d2f-4e3a-9b8c-7d6e5f4a3b2c';
/** The claim of a spec, as the controller and validate read it. */
const specClaim = (spec: Record<string, unknown>): ClaimRef | undefined =>
  claimRefOf({ spec: { providerRef: { name: 'tenant' }, mfaRequired: true, ...spec } });
/** A snapshot-like resolver that knows one group by id and name, at the group scopes. */
const groups: RoleIdResolver = (r) =>
  r.scope.startsWith('/groups/') &&
  (r.role.id?.toLowerCase() === G || r.role.displayName === 'Tier0 Security Operators')
    ? G
    : undefined;

describe('claims of PIM for Groups accesses (spec.group)', () => {
  const cases: {
    name: string;
    reason: string;
    a: Record<string, unknown>;
    b: Record<string, unknown>;
    same: boolean;
  }[] = [
    {
      name: 'SameAccessByIdAndName',
      reason: 'one group access named by id and by display name is one claim: two objects conflict',
      a: { group: { id: G, access: 'member' } },
      b: { group: { displayName: 'Tier0 Security Operators', access: 'member' } },
      same: true,
    },
    {
      name: 'MemberVsOwner',
      reason: "a group's member and owner accesses have separate policies: separate claims",
      a: { group: { id: G, access: 'member' } },
      b: { group: { id: G, access: 'owner' } },
      same: false,
    },
    {
      name: 'GroupVsRoleSameId',
      reason: 'a role whose id happens to equal the group id is another claim (other scope)',
      a: { group: { id: G, access: 'member' } },
      b: { role: { id: G } },
      same: false,
    },
  ];
  it.each(cases)('$name: $reason', (c) => {
    const a = specClaim(c.a);
    const b = specClaim(c.b);
    expect(a && claimKey(a, groups)).toBeDefined();
    expect(claimKey(a!, groups) === claimKey(b!, groups), c.reason).toBe(c.same);
  });

  it('reads a group access as the group at its access scope', () => {
    expect(specClaim({ group: { id: G, access: 'owner' } })).toEqual({
      provider: 'tenant',
      role: { id: G },
      scope: '/groups/owner',
    });
  });
});

const at = (key: string, createdAt?: string): Claimant =>
  createdAt === undefined ? { key } : { key, createdAt };

const ownership: {
  name: string;
  reason: string;
  me: Claimant;
  others: Claimant[];
  owner?: string;
}[] = [
  {
    name: 'Alone',
    reason: 'a single claim has no conflict',
    me: at('a/x', '2026-01-01T00:00:00Z'),
    others: [],
  },
  {
    name: 'OlderWins',
    reason: 'the older object owns the role regardless of key order',
    me: at('a/new', '2026-02-01T00:00:00Z'),
    others: [at('z/old', '2026-01-01T00:00:00Z')],
    owner: 'z/old',
  },
  {
    name: 'MeOldest',
    reason: 'the oldest claimant keeps its role when newer ones appear',
    me: at('z/old', '2026-01-01T00:00:00Z'),
    others: [at('a/new', '2026-02-01T00:00:00Z'), at('b/new', '2026-03-01T00:00:00Z')],
  },
  {
    name: 'TieByKey',
    reason: 'same creation time: the smaller key wins, so the answer is stable',
    me: at('b/y', '2026-01-01T00:00:00Z'),
    others: [at('a/x', '2026-01-01T00:00:00Z')],
    owner: 'a/x',
  },
  {
    name: 'FractionalSeconds',
    reason: 'times compare as times, not strings (.5 s after a whole second is later)',
    me: at('a/x', '2026-01-01T00:00:00.500Z'),
    others: [at('b/y', '2026-01-01T00:00:00Z')],
    owner: 'b/y',
  },
  {
    name: 'UnknownAgeLast',
    reason: 'an object of unknown age never displaces one whose age is known',
    me: at('a/x'),
    others: [at('z/y', '2026-01-01T00:00:00Z')],
    owner: 'z/y',
  },
  {
    name: 'UnknownAgesByKey',
    reason: 'without creation times (files) the smaller key owns',
    me: at('b/y'),
    others: [at('a/x'), at('c/z')],
    owner: 'a/x',
  },
  {
    name: 'SelfIgnored',
    reason: 'the object itself among the candidates is not a conflict',
    me: at('a/x', '2026-02-01T00:00:00Z'),
    others: [at('a/x', '2026-01-01T00:00:00Z')],
  },
];

describe('olderClaimant', () => {
  it.each(ownership)('$name: $reason', (c) => {
    expect(olderClaimant(c.me, c.others)?.key, c.reason).toBe(c.owner);
  });
});

describe('duplicateClaims', () => {
  it('groups by claim, owner first, and leaves unique claims out', () => {
    const groups = duplicateClaims([
      { claim: 'k1', claimant: at('b', '2026-02-01T00:00:00Z') },
      { claim: 'k2', claimant: at('c') },
      { claim: 'k1', claimant: at('a', '2026-03-01T00:00:00Z') },
      { claim: 'k1', claimant: at('d', '2026-01-01T00:00:00Z') },
    ]);
    expect(groups.map((g) => g.map((c) => c.key))).toEqual([['d', 'b', 'a']]);
  });

  it('orders a group by the same rule olderClaimant applies', () => {
    const claimants = ownership.flatMap((c) => [c.me, ...c.others]);
    const [group] = duplicateClaims(claimants.map((claimant) => ({ claim: 'k', claimant })));
    const sorted = [...claimants].sort(compareClaimants);
    expect(group?.[0]).toBe(sorted[0]);
    expect(olderClaimant(at('~', '2999-01-01T00:00:00Z'), claimants)).toBe(sorted[0]);
  });
});
