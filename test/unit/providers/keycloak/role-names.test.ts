// How Keycloak resolves a role string (the "Condition - user role" config), as KeycloakModelUtils.getRoleFromString
// does in 26.x: the dotted prefix that is an existing clientId wins, from the right; only without one is the whole
// string a realm role. Each case says why it matters for what rolegate writes and judges.
import { describe, expect, it } from 'vitest';
import {
  MAX_CLIENT_LOOKUPS,
  resolveRoleName,
  roleDirectory,
  roleReference,
  type ResolvedName,
} from '../../../../src/providers/keycloak/role-names.js';

const dir = roleDirectory(
  [
    { id: 'R-BREAKGLASS', name: 'breakglass' },
    { id: 'R-PAYROLL-APPROVER', name: 'payroll.approver' },
    { id: 'R-FIN-AUDIT', name: 'finance.audit' },
    { id: 'R-A-B-C', name: 'a.b.c' },
  ],
  {
    payroll: [{ id: 'C-PAYROLL-ADMIN', name: 'admin' }],
    app: [{ id: 'C-APP-X-Y', name: 'x.y' }],
    'my.app': [{ id: 'C-MYAPP-ADMIN', name: 'admin' }],
    'app.x': [],
  },
  ['payroll', 'app', 'my.app', 'app.x', 'norole'],
);

const role = (id: string): ResolvedName => {
  for (const r of dir.realmRoles.values()) if (r.id === id) return { kind: 'Role', role: r };
  for (const m of dir.clientRoles.values())
    for (const r of m.values()) if (r.id === id) return { kind: 'Role', role: r };
  throw new Error(id);
};

describe('resolveRoleName', () => {
  it.each<{ value: string; want: ResolvedName; reason: string }>([
    { value: 'breakglass', want: role('R-BREAKGLASS'), reason: 'no dot: a realm role' },
    {
      value: 'payroll.approver',
      want: { kind: 'MissingClientRole', clientId: 'payroll', name: 'approver' },
      reason:
        'the issue: a client payroll exists, so this names its role approver, never the realm role',
    },
    { value: 'payroll.admin', want: role('C-PAYROLL-ADMIN'), reason: 'a client role' },
    {
      value: 'finance.audit',
      want: role('R-FIN-AUDIT'),
      reason: 'a dotted realm role is fine while no client is called finance',
    },
    {
      value: 'app.x.y',
      want: { kind: 'MissingClientRole', clientId: 'app.x', name: 'y' },
      reason: 'the longest prefix is tried first: client app.x shadows client app role x.y',
    },
    {
      value: 'my.app.admin',
      want: role('C-MYAPP-ADMIN'),
      reason: 'a clientId with a dot: the longest prefix my.app matches',
    },
    {
      value: 'a.b.c',
      want: role('R-A-B-C'),
      reason: 'no prefix a.b or a is a client: the realm role',
    },
    { value: 'nope', want: { kind: 'None' }, reason: 'an unknown realm role resolves to nothing' },
    {
      value: 'norole.admin',
      want: { kind: 'MissingClientRole', clientId: 'norole', name: 'admin' },
      reason: 'a client without roles still captures the name',
    },
    {
      value: '.breakglass',
      want: { kind: 'None' },
      reason: 'a leading dot: the empty prefix is no client, and no realm role has that name',
    },
    {
      value: `${'x.'.repeat(MAX_CLIENT_LOOKUPS)}breakglass`,
      want: { kind: 'None' },
      reason: 'Keycloak gives up after 25 client lookups and resolves nothing',
    },
  ])('$value: $reason', ({ value, want }) => {
    expect(resolveRoleName(dir, value)).toEqual(want);
  });
});

describe('roleReference', () => {
  it.each<{ id: string; value: string; ambiguous: RegExp | undefined; reason: string }>([
    { id: 'R-BREAKGLASS', value: 'breakglass', ambiguous: undefined, reason: 'plain realm role' },
    {
      id: 'R-PAYROLL-APPROVER',
      value: 'payroll.approver',
      ambiguous:
        /realm role payroll\.approver cannot be named.*client payroll's role approver, which does not exist/,
      reason: 'the issue: no string names this role; the condition would ask nobody',
    },
    { id: 'C-PAYROLL-ADMIN', value: 'payroll.admin', ambiguous: undefined, reason: 'client role' },
    {
      id: 'C-APP-X-Y',
      value: 'app.x.y',
      ambiguous: /client app's role x\.y cannot be named.*client app\.x's role y/,
      reason: 'a client role shadowed by a longer clientId',
    },
    {
      id: 'R-FIN-AUDIT',
      value: 'finance.audit',
      ambiguous: undefined,
      reason: 'a dot alone is not ambiguous',
    },
  ])('$id: $reason', ({ id, value, ambiguous }) => {
    const r = role(id);
    if (r.kind !== 'Role') throw new Error('fixture');
    const ref = roleReference(dir, r.role);
    expect(ref.value).toBe(value);
    if (ambiguous) expect(ref.ambiguity).toMatch(ambiguous);
    else expect(ref.ambiguity).toBeUndefined();
  });
});
