// Table-driven checks of the flow model on execution lists captured from Keycloak 26.7.3 (the built-in
// browser flow of a new realm, and the copy rolegate makes) and variants an admin could produce from them.
import { describe, expect, it } from 'vitest';
import {
  assessRole,
  buildModel,
  findFormsParent,
  nextPriority,
  ownedDescription,
  type AuthenticatorConfig,
  type ExecutionRow,
  type RoleKey,
} from '../../../../src/providers/keycloak/flow-model.js';
import { roleDirectory } from '../../../../src/providers/keycloak/role-names.js';

const BREAKGLASS: RoleKey = { id: '0B0E5D34-1111-4222-8333-444455556666', name: 'breakglass' };
const OPS: RoleKey = { id: 'a1a1a1a1-1111-4222-8333-444455556666', name: 'ops' };
const CLIENT_ADMIN: RoleKey = {
  id: 'c1c1c1c1-1111-4222-8333-444455556666',
  name: 'admin',
  clientId: 'app',
};

/** GET /admin/realms/t1/authentication/flows/browser/executions on a new 26.7.3 realm, as captured. */
const BUILT_IN_BROWSER: ExecutionRow[] = [
  {
    id: 'b5605595',
    requirement: 'ALTERNATIVE',
    displayName: 'Cookie',
    providerId: 'auth-cookie',
    level: 0,
    index: 0,
    priority: 10,
  },
  {
    id: 'c44c6bd0',
    requirement: 'DISABLED',
    displayName: 'Kerberos',
    providerId: 'auth-spnego',
    level: 0,
    index: 1,
    priority: 20,
  },
  {
    id: '8f842336',
    requirement: 'ALTERNATIVE',
    displayName: 'Identity Provider Redirector',
    providerId: 'identity-provider-redirector',
    level: 0,
    index: 2,
    priority: 25,
  },
  {
    id: 'ab87e28c',
    requirement: 'ALTERNATIVE',
    displayName: 'Organization',
    authenticationFlow: true,
    flowId: 'fd1299d5',
    level: 0,
    index: 3,
    priority: 26,
  },
  {
    id: '0ce2122e',
    requirement: 'CONDITIONAL',
    displayName: 'Browser - Conditional Organization',
    description: 'Flow to determine if the organization identity-first login is to be used',
    authenticationFlow: true,
    flowId: '84dcbe23',
    level: 1,
    index: 0,
    priority: 10,
  },
  {
    id: 'f1933310',
    requirement: 'REQUIRED',
    displayName: 'Condition - user configured',
    providerId: 'conditional-user-configured',
    level: 2,
    index: 0,
    priority: 10,
  },
  {
    id: '6ee9e811',
    requirement: 'ALTERNATIVE',
    displayName: 'Organization Identity-First Login',
    providerId: 'organization',
    level: 2,
    index: 1,
    priority: 20,
  },
  {
    id: '99aad71d',
    requirement: 'ALTERNATIVE',
    displayName: 'forms',
    description: 'Username, password, otp and other auth forms.',
    authenticationFlow: true,
    flowId: 'bac93f7e',
    level: 0,
    index: 4,
    priority: 30,
  },
  {
    id: '627358bf',
    requirement: 'REQUIRED',
    displayName: 'Username Password Form',
    providerId: 'auth-username-password-form',
    level: 1,
    index: 0,
    priority: 10,
  },
  {
    id: 'e21a83a4',
    requirement: 'CONDITIONAL',
    displayName: 'Browser - Conditional 2FA',
    description: 'Flow to determine if any 2FA is required for the authentication',
    authenticationFlow: true,
    flowId: '58c20620',
    level: 1,
    index: 1,
    priority: 20,
  },
  {
    id: '4ff67b9f',
    requirement: 'REQUIRED',
    displayName: 'Condition - user configured',
    providerId: 'conditional-user-configured',
    level: 2,
    index: 0,
    priority: 10,
  },
  {
    id: '8057abce',
    requirement: 'REQUIRED',
    displayName: 'Condition - credential',
    alias: 'browser-conditional-credential',
    providerId: 'conditional-credential',
    authenticationConfig: 'fd796c10',
    level: 2,
    index: 1,
    priority: 20,
  },
  {
    id: '7b3b5b6b',
    requirement: 'ALTERNATIVE',
    displayName: 'OTP Form',
    providerId: 'auth-otp-form',
    level: 2,
    index: 2,
    priority: 30,
  },
  {
    id: '4cbae246',
    requirement: 'DISABLED',
    displayName: 'WebAuthn Authenticator',
    providerId: 'webauthn-authenticator',
    level: 2,
    index: 3,
    priority: 40,
  },
  {
    id: '8a3e8668',
    requirement: 'DISABLED',
    displayName: 'Recovery Authentication Code Form',
    providerId: 'auth-recovery-authn-code-form',
    level: 2,
    index: 4,
    priority: 50,
  },
];

const BASE_CONFIGS: AuthenticatorConfig[] = [
  {
    id: 'fd796c10',
    alias: 'browser-conditional-credential',
    config: { credentials: 'webauthn-passwordless' },
  },
];

/** rolegate's sub-flow for a role, in the shape apply() writes (levels relative to a parent at `level`). */
function ownedRows(
  role: RoleKey,
  level: number,
  tag = 'rg',
): { rows: ExecutionRow[]; configs: AuthenticatorConfig[] } {
  const key = role.clientId ? `${role.clientId}.${role.name}` : role.name;
  return {
    rows: [
      {
        id: `${tag}-sub`,
        requirement: 'CONDITIONAL',
        displayName: `rolegate-mfa-${key}`,
        description: ownedDescription(role),
        authenticationFlow: true,
        flowId: `${tag}-flow`,
        level,
        index: 2,
        priority: 30,
      },
      {
        id: `${tag}-cond`,
        requirement: 'REQUIRED',
        displayName: 'Condition - user role',
        providerId: 'conditional-user-role',
        alias: `rolegate-mfa-${key}-role`,
        authenticationConfig: `${tag}-cfg-role`,
        level: level + 1,
        index: 0,
        priority: 10,
      },
      {
        id: `${tag}-unused`,
        requirement: 'REQUIRED',
        displayName: 'Condition - credential',
        providerId: 'conditional-credential',
        alias: `rolegate-mfa-${key}-2fa-unused`,
        authenticationConfig: `${tag}-cfg-unused`,
        level: level + 1,
        index: 1,
        priority: 20,
      },
      {
        id: `${tag}-otp`,
        requirement: 'REQUIRED',
        displayName: 'OTP Form',
        providerId: 'auth-otp-form',
        level: level + 1,
        index: 2,
        priority: 30,
      },
    ],
    configs: [
      {
        id: `${tag}-cfg-role`,
        alias: `rolegate-mfa-${key}-role`,
        config: { condUserRole: key, negate: 'false' },
      },
      {
        id: `${tag}-cfg-unused`,
        alias: `rolegate-mfa-${key}-2fa-unused`,
        config: { credentials: 'otp##webauthn', included: 'false' },
      },
    ],
  };
}

/** The copy rolegate binds, with its sub-flow for `role` appended to forms (after Conditional 2FA). */
function enforced(role: RoleKey = BREAKGLASS): {
  rows: ExecutionRow[];
  configs: AuthenticatorConfig[];
} {
  const copy = BUILT_IN_BROWSER.map((r) =>
    r.authenticationFlow && r.displayName !== undefined
      ? { ...r, displayName: `rolegate-browser ${r.displayName}` }
      : { ...r },
  );
  const own = ownedRows(role, 1);
  return { rows: [...copy, ...own.rows], configs: [...BASE_CONFIGS, ...own.configs] };
}

type Mutate = (rows: ExecutionRow[], configs: AuthenticatorConfig[]) => void;
const set =
  (id: string, patch: Partial<ExecutionRow>): Mutate =>
  (rows) => {
    const r = rows.find((x) => x.id === id);
    if (!r) throw new Error(`no row ${id}`);
    Object.assign(r, patch);
  };
const drop =
  (id: string): Mutate =>
  (rows) => {
    rows.splice(
      rows.findIndex((x) => x.id === id),
      1,
    );
  };
const cfg =
  (id: string, config: Record<string, string>): Mutate =>
  (_rows, configs) => {
    const c = configs.find((x) => x.id === id);
    if (!c) throw new Error(`no config ${id}`);
    c.config = config;
  };

interface Case {
  reason: string;
  base: 'builtIn' | 'enforced';
  mutate?: Mutate[];
  role?: RoleKey;
  forced: boolean;
  appliesTo?: 'role' | 'everyone';
  owner?: 'rolegate' | 'other';
  ownedIntact?: boolean;
  problem?: string;
}

const cases: Case[] = [
  {
    reason: 'the built-in flow asks OTP only of users who configured it: not forced',
    base: 'builtIn',
    forced: false,
    ownedIntact: false,
  },
  {
    reason: 'rolegate’s intact sub-flow forces holders',
    base: 'enforced',
    forced: true,
    appliesTo: 'role',
    owner: 'rolegate',
    ownedIntact: true,
  },
  {
    reason: 'the sub-flow for another role does not force this one',
    base: 'enforced',
    role: OPS,
    forced: false,
    ownedIntact: false,
  },
  {
    reason: 'a DISABLED sub-flow forces nobody',
    base: 'enforced',
    mutate: [set('rg-sub', { requirement: 'DISABLED' })],
    forced: false,
    ownedIntact: false,
    problem: 'is DISABLED, not CONDITIONAL',
  },
  {
    reason:
      'a REQUIRED (not CONDITIONAL) owned sub-flow forces everyone, but is not rolegate’s shape',
    base: 'enforced',
    mutate: [set('rg-sub', { requirement: 'REQUIRED' })],
    forced: true,
    appliesTo: 'everyone',
    ownedIntact: false,
    problem: 'is REQUIRED, not CONDITIONAL',
  },
  {
    reason: 'a DISABLED OTP step forces nobody',
    base: 'enforced',
    mutate: [set('rg-otp', { requirement: 'DISABLED' })],
    forced: false,
    ownedIntact: false,
    problem: 'second-factor step in rolegate-mfa-breakglass is DISABLED',
  },
  {
    reason: 'an ALTERNATIVE OTP step can be skipped',
    base: 'enforced',
    mutate: [set('rg-otp', { requirement: 'ALTERNATIVE' })],
    forced: false,
    ownedIntact: false,
  },
  {
    reason:
      'without its role condition the sub-flow forces every user, which is not rolegate’s shape',
    base: 'enforced',
    mutate: [drop('rg-cond')],
    forced: true,
    appliesTo: 'everyone',
    ownedIntact: false,
    problem: 'has no role condition',
  },
  {
    reason: 'with its only conditions disabled a CONDITIONAL sub-flow acts as DISABLED',
    base: 'enforced',
    mutate: [
      set('rg-cond', { requirement: 'DISABLED' }),
      set('rg-unused', { requirement: 'DISABLED' }),
    ],
    forced: false,
    ownedIntact: false,
    problem: 'role condition in rolegate-mfa-breakglass is DISABLED',
  },
  {
    reason: 'a negated role condition forces the non-holders instead',
    base: 'enforced',
    mutate: [cfg('rg-cfg-role', { condUserRole: 'breakglass', negate: 'true' })],
    forced: false,
    ownedIntact: false,
    problem: 'names not breakglass',
  },
  {
    reason: 'a condition naming the old name after a rename is false in Keycloak',
    base: 'enforced',
    role: { ...BREAKGLASS, name: 'breakglass2' },
    forced: false,
    ownedIntact: false,
    problem: 'names breakglass, not breakglass2',
  },
  {
    reason:
      'a missing second-factor-unused condition only risks a second prompt: still forced and intact',
    base: 'enforced',
    mutate: [drop('rg-unused')],
    forced: true,
    appliesTo: 'role',
    ownedIntact: true,
  },
  {
    reason: 'a credential condition that can be false for holders (password used) weakens',
    base: 'enforced',
    mutate: [cfg('rg-cfg-unused', { credentials: 'password', included: 'false' })],
    forced: false,
    ownedIntact: false,
    problem: 'second-factor-unused condition',
  },
  {
    reason: '"user configured" lets holders without OTP skip the step',
    base: 'enforced',
    mutate: [
      set('rg-unused', {
        providerId: 'conditional-user-configured',
        authenticationConfig: '',
        alias: '',
      }),
    ],
    forced: false,
    ownedIntact: false,
  },
  {
    reason: 'forms DISABLED: nothing inside runs',
    base: 'enforced',
    mutate: [set('99aad71d', { requirement: 'DISABLED' })],
    forced: false,
    ownedIntact: false,
    problem: 'does not force a second factor where it sits',
  },
  {
    reason: 'an ALTERNATIVE sub-flow next to a REQUIRED username form is ignored by Keycloak',
    base: 'enforced',
    mutate: [set('rg-sub', { requirement: 'ALTERNATIVE' })],
    forced: false,
    ownedIntact: false,
  },
  {
    reason:
      'an admin making OTP REQUIRED in Conditional 2FA still lets users without OTP skip (user configured)',
    base: 'builtIn',
    mutate: [set('7b3b5b6b', { requirement: 'REQUIRED' })],
    forced: false,
    ownedIntact: false,
  },
  {
    reason:
      'an admin making Conditional 2FA REQUIRED with a REQUIRED OTP forces everyone (not rolegate’s)',
    base: 'builtIn',
    mutate: [
      set('e21a83a4', { requirement: 'REQUIRED' }),
      set('7b3b5b6b', { requirement: 'REQUIRED' }),
    ],
    forced: true,
    appliesTo: 'everyone',
    owner: 'other',
    ownedIntact: false,
  },
  {
    reason: 'unrelated customisations elsewhere in the flow do not change the verdict',
    base: 'enforced',
    mutate: [
      set('b5605595', { requirement: 'DISABLED' }),
      set('4cbae246', { requirement: 'ALTERNATIVE' }),
      set('6ee9e811', { requirement: 'DISABLED' }),
    ],
    forced: true,
    appliesTo: 'role',
    owner: 'rolegate',
    ownedIntact: true,
  },
  {
    reason: 'a client role is named clientId.role in the condition',
    base: 'enforced',
    role: CLIENT_ADMIN,
    forced: false,
    ownedIntact: false,
  },
];

function model(c: Case): ReturnType<typeof buildModel> {
  const src = c.base === 'builtIn' ? { rows: BUILT_IN_BROWSER, configs: BASE_CONFIGS } : enforced();
  const rows = structuredClone(src.rows);
  const configs = structuredClone(src.configs);
  for (const m of c.mutate ?? []) m(rows, configs);
  return buildModel(c.base === 'builtIn' ? 'browser' : 'rolegate-browser', rows, configs);
}

describe('assessRole', () => {
  it.each(cases)('$reason', (c) => {
    const e = assessRole(model(c), c.role ?? BREAKGLASS);
    expect(e.forced).toBe(c.forced);
    if (c.appliesTo) expect(e.paths.map((p) => p.appliesTo)).toContain(c.appliesTo);
    if (c.owner) expect(e.paths.map((p) => p.owner)).toContain(c.owner);
    if (c.ownedIntact !== undefined) expect(e.ownedIntact).toBe(c.ownedIntact);
    if (c.problem) expect(e.owned.flatMap((o) => o.problems).join('\n')).toContain(c.problem);
  });

  it('a client role is forced by a sub-flow naming app.admin', () => {
    const src = enforced(CLIENT_ADMIN);
    const e = assessRole(buildModel('rolegate-browser', src.rows, src.configs), CLIENT_ADMIN);
    expect(e).toMatchObject({ forced: true, ownedIntact: true });
    expect(e.paths[0]).toMatchObject({
      subflowAlias: 'rolegate-mfa-app.admin',
      stepId: 'rg-otp',
      appliesTo: 'role',
    });
  });

  it('a sub-flow at the top level before any username form has no user to check', () => {
    const own = ownedRows(BREAKGLASS, 0, 'top');
    const rows = [...own.rows, ...structuredClone(BUILT_IN_BROWSER)];
    const e = assessRole(buildModel('custom', rows, [...BASE_CONFIGS, ...own.configs]), BREAKGLASS);
    expect(e.forced).toBe(false);
    expect(e.owned[0]?.problems.join()).toContain('does not force a second factor where it sits');
  });

  it('a missing second-factor-unused condition is reported as a note', () => {
    const src = enforced();
    const rows = src.rows.filter((r) => r.id !== 'rg-unused');
    const e = assessRole(buildModel('rolegate-browser', rows, src.configs), BREAKGLASS);
    expect(e.owned[0]?.notes.join()).toContain('asked twice');
  });
});

describe('flow structure helpers', () => {
  it.each([
    { reason: 'children follow their parent one level deeper', id: '627358bf', parent: '99aad71d' },
    {
      reason: 'a row after a deeper sub-tree returns to the right parent',
      id: '99aad71d',
      parent: undefined,
    },
    {
      reason: 'level-2 rows sit under the nearest level-1 sub-flow',
      id: '7b3b5b6b',
      parent: 'e21a83a4',
    },
  ])('buildModel: $reason', ({ id, parent }) => {
    const m = buildModel('browser', BUILT_IN_BROWSER, BASE_CONFIGS);
    expect(m.nodes.find((n) => n.row.id === id)?.parent?.row.id).toBe(parent);
  });

  it('finds forms (the sub-flow holding the username form) and the next free priority in it', () => {
    const m = buildModel('browser', BUILT_IN_BROWSER, BASE_CONFIGS);
    const place = findFormsParent(m);
    expect(place?.parent?.row.displayName).toBe('forms');
    expect(nextPriority(m, place?.parent)).toBe(30);
  });

  it('has no place for the step in a flow without a username form', () => {
    const rows = BUILT_IN_BROWSER.filter((r) => r.providerId !== 'auth-username-password-form');
    expect(findFormsParent(buildModel('x', rows, []))).toBeUndefined();
  });
});

describe('role conditions resolved as Keycloak resolves them (dotted names)', () => {
  const APPROVER: RoleKey = {
    id: 'd0d0d0d0-1111-4222-8333-444455556666',
    name: 'payroll.approver',
  };
  const PAYROLL_APPROVER: RoleKey = {
    id: 'e0e0e0e0-1111-4222-8333-444455556666',
    name: 'approver',
    clientId: 'payroll',
  };
  it.each<{
    reason: string;
    role: RoleKey;
    clients: string[];
    clientRoles: RoleKey[];
    forced: boolean;
  }>([
    {
      reason: 'a dotted realm role with no client of that prefix is named by its name',
      role: APPROVER,
      clients: ['app'],
      clientRoles: [],
      forced: true,
    },
    {
      reason:
        'the issue: beside a client payroll the string payroll.approver names the client’s (missing) role, so the step asks nobody',
      role: APPROVER,
      clients: ['payroll'],
      clientRoles: [],
      forced: false,
    },
    {
      reason:
        'beside a client payroll with a role approver the same step asks that client role’s holders, not the realm role’s',
      role: APPROVER,
      clients: ['payroll'],
      clientRoles: [PAYROLL_APPROVER],
      forced: false,
    },
    {
      reason: '…and it does force the client role it really names',
      role: PAYROLL_APPROVER,
      clients: ['payroll'],
      clientRoles: [PAYROLL_APPROVER],
      forced: true,
    },
  ])('$reason', ({ role, clients, clientRoles, forced }) => {
    // The sub-flow rolegate would write for the realm role: condUserRole "payroll.approver".
    const src = enforced(APPROVER);
    const names = roleDirectory(
      [{ id: APPROVER.id, name: APPROVER.name }],
      Object.fromEntries(
        clients.map((c) => [
          c,
          clientRoles.filter((r) => r.clientId === c).map((r) => ({ id: r.id, name: r.name })),
        ]),
      ),
      clients,
    );
    const e = assessRole(buildModel('rolegate-browser', src.rows, src.configs, names), role);
    expect(e.forced).toBe(forced);
  });
});
