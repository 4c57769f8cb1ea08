// Who holds a role and how, from an export shaped as Keycloak 26.7.3's partial export and the per-role and
// per-group lists: direct mappings, groups (with roles inherited from ancestor groups), composite roles (also when
// held through a group), and the clients whose password grant skips the browser flow.
import { describe, expect, it } from 'vitest';
import {
  directGrantClients,
  planHolderReads,
  roleGraph,
  signInHoldings,
  type UserRep,
} from '../../../../src/providers/keycloak/role-holders.js';
import type { RealmExport } from '../../../../src/providers/keycloak/realm-state.js';

const EXPORT: RealmExport = {
  realm: 't',
  directGrantFlow: 'direct grant',
  defaultRole: { id: 'DEF', name: 'default-roles-t' },
  roles: {
    realm: [
      {
        id: 'DEF',
        name: 'default-roles-t',
        composite: true,
        composites: { realm: ['offline_access'], client: { account: ['view-profile'] } },
      },
      { id: 'OFF', name: 'offline_access' },
      { id: 'BG', name: 'breakglass' },
      { id: 'SUPER', name: 'super', composite: true, composites: { realm: ['breakglass'] } },
      { id: 'TOP', name: 'top', composite: true, composites: { realm: ['super'] } },
      { id: 'LOOP', name: 'loop', composite: true, composites: { realm: ['loop'] } },
    ],
    client: {
      account: [{ id: 'VP', name: 'view-profile' }],
      app: [{ id: 'APPADM', name: 'admin' }],
    },
  },
  groups: [
    {
      id: 'G-OPS',
      name: 'ops',
      path: '/ops',
      realmRoles: ['breakglass'],
      subGroups: [{ id: 'G-ONCALL', name: 'oncall', path: '/ops/oncall', subGroups: [] }],
    },
    { id: 'G-ADM', name: 'admins', path: '/admins', realmRoles: ['super'] },
    { id: 'G-ALL', name: 'all', path: '/all', realmRoles: ['default-roles-t'] },
    { id: 'G-APP', name: 'app', path: '/app', clientRoles: { app: ['admin'] } },
  ],
  clients: [
    { id: 'U-ACC', clientId: 'account' },
    { id: 'U-APP', clientId: 'app', directAccessGrantsEnabled: true, name: 'The App' },
    {
      id: 'U-CLI',
      clientId: 'admin-cli',
      directAccessGrantsEnabled: true,
      name: '${client_admin-cli}',
    },
    { id: 'U-OFF', clientId: 'off', directAccessGrantsEnabled: true, enabled: false },
    { id: 'U-BEARER', clientId: 'bearer', directAccessGrantsEnabled: true, bearerOnly: true },
    {
      id: 'U-SVC',
      clientId: 'svc',
      serviceAccountsEnabled: true,
      directAccessGrantsEnabled: true,
      authenticationFlowBindingOverrides: { direct_grant: 'F-STRICT' },
    },
  ],
  authenticationFlows: [
    { id: 'F-DG', alias: 'direct grant' },
    { id: 'F-STRICT', alias: 'strict grant' },
  ],
};

const user = (username: string, extra: Partial<UserRep> = {}): UserRep => ({
  id: `id-${username}`,
  username,
  ...extra,
});

const graph = roleGraph(EXPORT);
const plan = planHolderReads(EXPORT, graph);

/** Lists as the admin API would give them: direct mappings and direct group members. */
const LISTS = {
  roleUsers: new Map<string, UserRep[]>([
    [
      'bg',
      [user('alice', { firstName: 'Alice', lastName: 'A' }), user('dora', { enabled: false })],
    ],
    ['super', [user('carl')]],
    ['top', [user('tina'), user('alice')]],
    ['loop', []],
    ['appadm', [user('service-account-svc')]],
  ]),
  groupMembers: new Map<string, UserRep[]>([
    ['G-OPS', [user('olga'), user('carl')]],
    ['G-ONCALL', [user('grace')]],
    ['G-ADM', [user('adam')]],
    ['G-APP', [user('pete')]],
  ]),
};
// Every planned role list exists (empty unless above), as a full read would give.
for (const r of plan.roles) if (!LISTS.roleUsers.has(r.key)) LISTS.roleUsers.set(r.key, []);

describe('planHolderReads', () => {
  it('reads every role but those every user holds through the default role, and only role-granting groups', () => {
    expect(plan.roles.map((r) => r.path).sort()).toEqual([
      '/clients/U-APP/roles/admin/users',
      '/roles/breakglass/users',
      '/roles/loop/users',
      '/roles/super/users',
      '/roles/top/users',
    ]);
    expect([...plan.everyone].sort()).toEqual(['def', 'off', 'vp']);
    // /all grants only the default role: reading it would list every user for nothing.
    expect(plan.groups.map((g) => g.key).sort()).toEqual(['G-ADM', 'G-APP', 'G-ONCALL', 'G-OPS']);
  });
});

describe('signInHoldings', () => {
  const held = signInHoldings(EXPORT, graph, plan, LISTS);
  const of = (roleId: string): string[] =>
    (held.get(roleId) ?? []).map(
      (h) =>
        `${h.principal.userPrincipalName}:${h.via ? `${h.via.kind} ${h.via.displayName}` : 'direct'}`,
    );

  it.each<{ role: string; want: string[]; reason: string }>([
    {
      role: 'bg',
      want: [
        'adam:Group /admins',
        'alice:direct',
        'carl:Group /ops',
        'grace:Group /ops/oncall',
        'olga:Group /ops',
        'tina:CompositeRole top',
      ],
      reason:
        'direct beats composite (alice); a subgroup inherits its parent’s role (grace); a composite held through a group names the group (adam); a composite of a composite (tina); a group beats a composite (carl); disabled users cannot sign in (dora)',
    },
    {
      role: 'super',
      want: [
        'adam:Group /admins',
        'alice:CompositeRole top',
        'carl:direct',
        'tina:CompositeRole top',
      ],
      reason: 'holders of a composite, and of the composite that contains it',
    },
    { role: 'loop', want: [], reason: 'a composite containing itself ends (no holders)' },
    {
      role: 'appadm',
      want: ['pete:Group /app'],
      reason: 'a client role through a group; the service account never signs in',
    },
  ])('$role: $reason', ({ role, want }) => {
    expect(of(role)).toEqual(want);
  });

  it('leaves roles every user holds unjudged, and roles the lists do not cover', () => {
    expect(held.has('off')).toBe(false);
    expect(held.has('def')).toBe(false);
    const partial = signInHoldings(EXPORT, graph, plan, {
      roleUsers: new Map([...LISTS.roleUsers].filter(([k]) => k !== 'top')),
      groupMembers: LISTS.groupMembers,
    });
    // breakglass is held through top, whose list is missing: unknown, not "no holders".
    expect(partial.has('bg')).toBe(false);
    expect(partial.has('appadm')).toBe(true);
  });

  it('names users by first and last name, the username as the sign-in name', () => {
    expect(
      held.get('bg')?.find((h) => h.principal.userPrincipalName === 'alice')?.principal,
    ).toEqual({
      id: 'id-alice',
      type: 'User',
      displayName: 'Alice A',
      userPrincipalName: 'alice',
    });
  });
});

describe('directGrantClients', () => {
  it('lists enabled, non-bearer clients with direct access grants and the flow each runs', () => {
    expect(directGrantClients(EXPORT)).toEqual([
      { clientId: 'admin-cli', displayName: 'admin-cli', flowAlias: 'direct grant' },
      { clientId: 'app', displayName: 'The App', flowAlias: 'direct grant' },
      { clientId: 'svc', displayName: 'svc', flowAlias: 'strict grant' },
    ]);
  });
});
