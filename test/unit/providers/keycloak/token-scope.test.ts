// Whether a client's tokens can carry a role (Keycloak's TokenManager.getAccess): full scope carries every role the
// user holds; otherwise only the client's own roles and the scope mappings of the client, its default and its
// optional client scopes, expanded through composites. Export shaped as Keycloak 26.7.3's partial export.
import { describe, expect, it } from 'vitest';
import type { RoleKey } from '../../../../src/providers/keycloak/flow-model.js';
import type { ClientRep, RealmExport } from '../../../../src/providers/keycloak/realm-state.js';
import { roleGraph } from '../../../../src/providers/keycloak/role-holders.js';
import {
  clientScopeRoles,
  tokensCanCarry,
} from '../../../../src/providers/keycloak/token-scope.js';

const EXPORT: RealmExport = {
  realm: 't',
  roles: {
    realm: [
      { id: 'BG', name: 'breakglass' },
      { id: 'SUPER', name: 'super', composite: true, composites: { realm: ['breakglass'] } },
      { id: 'AUD', name: 'auditor' },
      {
        id: 'PLAT',
        name: 'platform-admin',
        composite: true,
        composites: { client: { 'realm-management': ['manage-users'] } },
      },
    ],
    client: {
      legacy: [{ id: 'LEG-ADM', name: 'admin' }],
      payroll: [{ id: 'PAY-APP', name: 'approver' }],
      'realm-management': [{ id: 'RM-MU', name: 'manage-users' }],
    },
  },
  clients: [],
  scopeMappings: [
    { client: 'mapped', roles: ['breakglass'] },
    { client: 'via-composite', roles: ['super'] },
    { clientScope: 'ops', roles: ['breakglass'] },
    { clientScope: 'unused-scope', roles: ['auditor'] },
  ],
  clientScopeMappings: {
    payroll: [
      { client: 'mapped', roles: ['approver'] },
      { clientScope: 'pay', roles: ['approver'] },
    ],
  },
};
const graph = roleGraph(EXPORT);

const BG: RoleKey = { id: 'BG', name: 'breakglass' };
const SUPER: RoleKey = { id: 'SUPER', name: 'super' };
const AUD: RoleKey = { id: 'AUD', name: 'auditor' };
const PAY: RoleKey = { id: 'PAY-APP', name: 'approver', clientId: 'payroll' };
const LEG: RoleKey = { id: 'LEG-ADM', name: 'admin', clientId: 'legacy' };
const RM: RoleKey = { id: 'RM-MU', name: 'manage-users', clientId: 'realm-management' };

const narrow = (clientId: string, extra: Partial<ClientRep> = {}): ClientRep => ({
  clientId,
  fullScopeAllowed: false,
  ...extra,
});

interface Case {
  name: string;
  reason: string;
  client: ClientRep;
  role: RoleKey;
  carries: boolean;
  realm?: string;
}

const CASES: Case[] = [
  {
    name: 'full scope',
    reason: 'fullScopeAllowed true (the default) puts every role the user holds in the token',
    client: { clientId: 'legacy' },
    role: BG,
    carries: true,
  },
  {
    name: 'full scope stated',
    reason: 'an explicit true is the same',
    client: { clientId: 'legacy', fullScopeAllowed: true },
    role: BG,
    carries: true,
  },
  {
    name: 'narrow, nothing mapped',
    reason: 'the role is in no scope of the client: its tokens never carry it',
    client: narrow('bare'),
    role: BG,
    carries: false,
  },
  {
    name: 'narrow, realm role mapped to the client',
    reason: "the client's own scope mappings are in scope",
    client: narrow('mapped'),
    role: BG,
    carries: true,
  },
  {
    name: 'narrow, client role mapped to the client',
    reason: 'client-role scope mappings (clientScopeMappings) count as realm-role ones do',
    client: narrow('mapped'),
    role: PAY,
    carries: true,
  },
  {
    name: 'narrow, composite mapped',
    reason: 'scope mappings are expanded through composites: super brings breakglass',
    client: narrow('via-composite'),
    role: BG,
    carries: true,
  },
  {
    name: 'narrow, contained role mapped, composite judged',
    reason: 'expansion goes down only: mapping breakglass does not put super in scope',
    client: narrow('mapped'),
    role: SUPER,
    carries: false,
  },
  {
    name: 'narrow, default client scope maps the role',
    reason: 'every token gets the default client scopes',
    client: narrow('bare', { defaultClientScopes: ['profile', 'ops'] }),
    role: BG,
    carries: true,
  },
  {
    name: 'narrow, optional client scope maps the role',
    reason: 'a password grant may ask for an optional scope with the scope parameter',
    client: narrow('bare', { optionalClientScopes: ['ops'] }),
    role: BG,
    carries: true,
  },
  {
    name: 'narrow, optional client scope maps a client role',
    reason: 'client-role mappings of a client scope count too',
    client: narrow('bare', { optionalClientScopes: ['pay'] }),
    role: PAY,
    carries: true,
  },
  {
    name: 'narrow, a scope the client does not have maps the role',
    reason: "only the client's own default and optional scopes count",
    client: narrow('bare', { defaultClientScopes: ['profile'] }),
    role: AUD,
    carries: false,
  },
  {
    name: "narrow, the client's own role",
    reason: "a client's own roles are always in its scope",
    client: narrow('legacy'),
    role: LEG,
    carries: true,
  },
  {
    name: 'narrow admin-cli',
    reason: "the admin API judges admin-cli's tokens by the user's stored roles, not the token's",
    client: narrow('admin-cli'),
    role: BG,
    carries: true,
  },
  {
    name: 'narrow security-admin-console',
    reason: 'same for the admin console',
    client: narrow('security-admin-console'),
    role: BG,
    carries: true,
  },
  {
    name: 'narrow, an admin role',
    reason:
      'realm-management roles are judged by the admin API, which may not go by the token: never excluded',
    client: narrow('bare'),
    role: RM,
    carries: true,
  },
  {
    name: 'narrow, a realm composite containing an admin role',
    reason:
      'the admin API may judge by the stored roles, which give manage-users through the composite',
    client: narrow('bare'),
    role: { id: 'PLAT', name: 'platform-admin' },
    carries: true,
  },
  {
    name: "narrow, a master realm's admin role",
    reason: "in master, the '<realm>-realm' clients hold the admin roles",
    client: narrow('bare'),
    role: { id: 'X', name: 'manage-users', clientId: 'acme-realm' },
    realm: 'master',
    carries: true,
  },
];

describe("whether a client's tokens can carry a role (tokensCanCarry)", () => {
  it.each(CASES)('$name: $reason', (c) => {
    const exp = c.realm ? { ...EXPORT, realm: c.realm } : EXPORT;
    let reads = 0;
    const got = tokensCanCarry(exp, graph, c.client, c.role, () => {
      reads++;
      return clientScopeRoles(exp, graph, c.client);
    });
    expect(got).toBe(c.carries);
    // The scope is worked out only for a narrow client that is not an exception.
    if (c.client.fullScopeAllowed !== false) expect(reads).toBe(0);
  });
});
