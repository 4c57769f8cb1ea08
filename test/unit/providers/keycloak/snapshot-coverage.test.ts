// A realm snapshot's coverage facts, end to end in pure code: a step for a role asks the holders of a composite
// that contains it (browser flow and direct grant flow alike), and direct-grant clients with fullScopeAllowed
// false are ways to use a role only when the role is in their scope. Shapes as Keycloak 26.7.3 gives them.
import { describe, expect, it } from 'vitest';
import type { LiveRole } from '../../../../src/api/observation.js';
import type { ExecutionRow } from '../../../../src/providers/keycloak/flow-model.js';
import type { RealmExport, RealmState } from '../../../../src/providers/keycloak/realm-state.js';
import type { UserRep } from '../../../../src/providers/keycloak/role-holders.js';
import { KeycloakSnapshot } from '../../../../src/providers/keycloak/snapshot.js';
import { assessCoverage } from '../../../../src/reconcile/coverage/assess-coverage.js';

/** The bound browser flow: the password form, then a CONDITIONAL sub-flow asking holders of breakglass. */
const BROWSER: ExecutionRow[] = [
  {
    id: 'e1',
    requirement: 'REQUIRED',
    providerId: 'auth-username-password-form',
    level: 0,
    index: 0,
  },
  {
    id: 'e2',
    requirement: 'CONDITIONAL',
    authenticationFlow: true,
    displayName: 'breakglass otp',
    level: 0,
    index: 1,
  },
  {
    id: 'e3',
    requirement: 'REQUIRED',
    providerId: 'conditional-user-role',
    alias: 'bg-role',
    level: 1,
    index: 0,
  },
  { id: 'e4', requirement: 'REQUIRED', providerId: 'auth-otp-form', level: 1, index: 1 },
];

const grantStart = [
  { authenticator: 'direct-grant-validate-username', requirement: 'REQUIRED', priority: 10 },
  { authenticator: 'direct-grant-validate-password', requirement: 'REQUIRED', priority: 20 },
];

const EXPORT: RealmExport = {
  realm: 't',
  browserFlow: 'b',
  directGrantFlow: 'direct grant',
  roles: {
    realm: [
      { id: 'BG', name: 'breakglass' },
      { id: 'SUPER', name: 'super', composite: true, composites: { realm: ['breakglass'] } },
    ],
  },
  clients: [
    { id: 'U-CLI', clientId: 'admin-cli', directAccessGrantsEnabled: true },
    {
      id: 'U-NARROW',
      clientId: 'narrow',
      directAccessGrantsEnabled: true,
      fullScopeAllowed: false,
    },
    {
      id: 'U-SCOPED',
      clientId: 'scoped',
      directAccessGrantsEnabled: true,
      fullScopeAllowed: false,
    },
    {
      id: 'U-STRICT',
      clientId: 'strict',
      directAccessGrantsEnabled: true,
      authenticationFlowBindingOverrides: { direct_grant: 'F-STRICT' },
    },
  ],
  scopeMappings: [{ client: 'scoped', roles: ['breakglass'] }],
  authenticationFlows: [
    { id: 'F-DG', alias: 'direct grant', authenticationExecutions: grantStart },
    {
      id: 'F-STRICT',
      alias: 'strict grant',
      authenticationExecutions: [
        ...grantStart,
        {
          authenticatorFlow: true,
          flowAlias: 'strict otp',
          requirement: 'CONDITIONAL',
          priority: 30,
        },
      ],
    },
    {
      alias: 'strict otp',
      authenticationExecutions: [
        {
          authenticator: 'conditional-user-role',
          authenticatorConfig: 'strict-role',
          requirement: 'REQUIRED',
          priority: 10,
        },
        { authenticator: 'direct-grant-validate-otp', requirement: 'REQUIRED', priority: 20 },
      ],
    },
  ],
  authenticatorConfig: [
    { alias: 'bg-role', config: { condUserRole: 'breakglass' } },
    { alias: 'strict-role', config: { condUserRole: 'breakglass' } },
  ],
};

const user = (username: string): UserRep => ({ id: `id-${username}`, username });

function snapshot(): KeycloakSnapshot {
  const state: RealmState = {
    realm: 't',
    export: EXPORT,
    browserFlow: 'b',
    executions: BROWSER,
    holders: {
      roleUsers: new Map([
        ['bg', [user('alice')]],
        ['super', [user('carl')]],
      ]),
      groupMembers: new Map(),
    },
  };
  return new KeycloakSnapshot(state, '2026-12-06T00:00:00Z');
}

function role(name: string): LiveRole {
  const l = snapshot().resolve({ displayName: name }, '/');
  if (l.kind !== 'Found') throw new Error(name);
  return l.role;
}

/** `user:path:via -> verdict (by)` per holding. */
function verdicts(r: LiveRole): string[] {
  return (assessCoverage(r)?.holdings ?? []).map((c) => {
    const via = c.holding.via ? c.holding.via.displayName : 'direct';
    const by = c.by ? ` (${c.by})` : '';
    return `${c.holding.principal.userPrincipalName}:${c.holding.path}:${via} -> ${c.verdict}${by}`;
  });
}

describe('Keycloak snapshot coverage with effective roles and client scopes', () => {
  it("a composite's holder is covered by the step of a role it contains; only clients that can carry the composite, and whose flow does not ask, are reported", () => {
    const sup = role('super');
    expect(sup.coverage?.askedThrough).toEqual({ 'id-carl': ['breakglass'] });
    // Its own switch stays off (no step of its own), and the detail says who asks its holders instead.
    expect(sup.requirements[0]?.mechanisms).toEqual([
      expect.objectContaining({ kind: 'Switch', enabled: false }),
    ]);
    expect(sup.detail).toContain('its holders are asked for OTP by the step of breakglass');
    expect(verdicts(sup).sort()).toEqual([
      // admin-cli: full scope, the realm's flow asks nobody.
      'carl:DirectGrant:admin-cli -> Uncovered',
      'carl:SignIn:direct -> Covered (OTP step of breakglass)',
      // narrow: nothing in scope; scoped: breakglass only, which does not put super in a token; strict: its flow
      // asks holders of breakglass, which carl holds through super.
    ]);
  });

  it("a contained role's holders: its own step covers sign-in, and every client whose tokens can carry it is reported", () => {
    const bg = role('breakglass');
    expect(bg.coverage?.askedThrough).toBeUndefined();
    expect(bg.detail).not.toContain('its holders are asked');
    expect(verdicts(bg).sort()).toEqual([
      'alice:DirectGrant:admin-cli -> Uncovered',
      'alice:DirectGrant:scoped -> Uncovered',
      'alice:SignIn:direct -> Covered (OTP step)',
      'carl:DirectGrant:admin-cli -> Uncovered',
      'carl:DirectGrant:scoped -> Uncovered',
      'carl:SignIn:super -> Covered (OTP step)',
    ]);
  });
});
