// Which other roles' steps ask a holder, from the grant that makes them a holder (Keycloak's role condition matches
// effective roles: a composite's holders hold what it contains). Export shaped as Keycloak 26.7.3's partial export.
import { describe, expect, it } from 'vitest';
import type { Holding } from '../../../../src/api/coverage.js';
import { grantRoles, otherRolesAsking } from '../../../../src/providers/keycloak/grant-roles.js';
import type { RealmExport } from '../../../../src/providers/keycloak/realm-state.js';
import { flattenGroups, roleGraph } from '../../../../src/providers/keycloak/role-holders.js';

const EXPORT: RealmExport = {
  realm: 't',
  roles: {
    realm: [
      { id: 'BG', name: 'breakglass' },
      { id: 'SUPER', name: 'super', composite: true, composites: { realm: ['breakglass'] } },
      { id: 'TOP', name: 'top', composite: true, composites: { realm: ['super'] } },
      { id: 'AUD', name: 'auditor' },
      { id: 'LOOP', name: 'loop', composite: true, composites: { realm: ['loop', 'breakglass'] } },
      {
        id: 'MIX',
        name: 'mix',
        composite: true,
        composites: { client: { app: ['admin'] } },
      },
    ],
    client: { app: [{ id: 'APPADM', name: 'admin' }] },
  },
  groups: [
    {
      id: 'G-OPS',
      name: 'ops',
      path: '/ops',
      realmRoles: ['auditor'],
      subGroups: [{ id: 'G-ONCALL', name: 'oncall', path: '/ops/oncall', realmRoles: ['super'] }],
    },
    { id: 'G-TOP', name: 'top', path: '/top', realmRoles: ['top'] },
  ],
  clients: [{ id: 'U-APP', clientId: 'app' }],
};

const graph = roleGraph(EXPORT);
const grants = grantRoles(EXPORT, graph, flattenGroups(EXPORT, graph));
const composite = (id: string): Holding['via'] => ({ kind: 'CompositeRole', id, displayName: id });
const group = (id: string): Holding['via'] => ({ kind: 'Group', id, displayName: id });

interface Case {
  name: string;
  reason: string;
  /** The role judged. */
  role: string;
  via?: Holding['via'];
  /** Roles (ids) whose step forces a second factor. */
  inForce: string[];
  /** The other roles whose step asks the holder (lower-case ids). */
  want: string[];
}

const CASES: Case[] = [
  {
    name: 'composite holder, step on a contained role',
    reason: 'user.hasRole(breakglass) is true for a holder of super, which contains it',
    role: 'SUPER',
    inForce: ['BG'],
    want: ['bg'],
  },
  {
    name: 'composite holder, step on a role contained two levels down',
    reason: 'composites expand transitively (top -> super -> breakglass)',
    role: 'TOP',
    inForce: ['BG'],
    want: ['bg'],
  },
  {
    name: 'direct holder of a contained role, step on the composite',
    reason:
      'holding breakglass does not give super: its step does not ask a direct breakglass holder',
    role: 'BG',
    inForce: ['SUPER'],
    want: [],
  },
  {
    name: 'holder of a contained role through the composite, step on the composite',
    reason: "whoever holds breakglass through super holds super, so super's step asks them",
    role: 'BG',
    via: composite('SUPER'),
    inForce: ['SUPER'],
    want: ['super'],
  },
  {
    name: 'holder through an outer composite, step on the inner one',
    reason: 'a holder of top holds super too',
    role: 'BG',
    via: composite('TOP'),
    inForce: ['SUPER'],
    want: ['super'],
  },
  {
    name: 'holder through a group that maps the composite',
    reason: "group members hold the group's roles, expanded: super, and so breakglass",
    role: 'BG',
    via: group('G-ONCALL'),
    inForce: ['SUPER'],
    want: ['super'],
  },
  {
    name: "holder through a subgroup, step on the parent group's role",
    reason: "a subgroup inherits its ancestors' role mappings: oncall members hold auditor",
    role: 'BG',
    via: group('G-ONCALL'),
    inForce: ['AUD'],
    want: ['aud'],
  },
  {
    name: "holder through the parent group, step on the subgroup's role",
    reason: 'members of /ops alone do not hold what /ops/oncall maps',
    role: 'AUD',
    via: group('G-OPS'),
    inForce: ['SUPER'],
    want: [],
  },
  {
    name: 'unrelated role with a step',
    reason: 'a step on a role the grant does not give is no cover, even if some holders have it',
    role: 'SUPER',
    inForce: ['AUD'],
    want: [],
  },
  {
    name: "the role's own step",
    reason: 'the role itself is judged by its own switch, not listed as another role',
    role: 'SUPER',
    inForce: ['SUPER'],
    want: [],
  },
  {
    name: 'no step in force',
    reason: 'nothing asks',
    role: 'TOP',
    inForce: [],
    want: [],
  },
  {
    name: 'a composite containing itself',
    reason: 'a cycle ends; what it contains is still held',
    role: 'LOOP',
    inForce: ['BG', 'LOOP'],
    want: ['bg'],
  },
  {
    name: 'a realm composite containing a client role',
    reason: 'composites cross from realm to client roles',
    role: 'MIX',
    inForce: ['APPADM'],
    want: ['appadm'],
  },
  {
    name: 'holder through a group the tree does not know',
    reason: 'a group created after the export grants nothing provable: only the role itself',
    role: 'SUPER',
    via: group('G-NEW'),
    inForce: ['AUD'],
    want: [],
  },
];

describe('other roles whose step asks a holder (grantRoles + otherRolesAsking)', () => {
  it.each(CASES)('$name: $reason', (c) => {
    const inForce = new Set(c.inForce.map((s) => s.toLowerCase()));
    const got = otherRolesAsking(grants(c.role, c.via), c.role, (id) => inForce.has(id));
    expect(got).toEqual(c.want);
  });

  it('expands each grant once, whatever the number of holders', () => {
    const a = grants('BG', composite('SUPER'));
    const b = grants('TOP', composite('super'));
    expect(b).toBe(a);
    expect([...a].sort()).toEqual(['bg', 'super']);
  });
});
