// Builders shared by the coverage rule tables: principals, holdings, Conditional Access policies and a Global
// Administrator role carrying coverage facts.
import type {
  AccessPolicy,
  CoverageFacts,
  Holding,
  Principal,
  PrincipalSet,
} from '../../../../src/api/coverage.js';
import type { LiveRole, Requirement } from '../../../../src/api/observation.js';
import { GA, live, type LiveOver } from '../fixtures.js';

export { GA };

/** A user principal named `name` (id `u-name`, UPN `name@contoso.test`). */
export const user = (name: string): Principal => ({
  id: `u-${name}`,
  type: 'User',
  displayName: name,
  userPrincipalName: `${name}@contoso.test`,
});

/** A holding of `principal` on `path`, with `over` applied. */
export const holding = (
  principal: Principal,
  path: Holding['path'],
  over: Partial<Holding> = {},
): Holding => ({ principal, path, ...over });

/** A group `via` (id `g-name`). */
export const viaGroup = (name: string): NonNullable<Holding['via']> => ({
  kind: 'Group',
  id: `g-${name}`,
  displayName: name,
});

const none = (): PrincipalSet => ({ all: false, users: [], groups: [], roles: [] });

/** A set of principals: `set({ users: ['u-a'] })`. */
export const set = (over: Partial<PrincipalSet> = {}): PrincipalSet => ({ ...none(), ...over });

/** An enabled policy for all cloud apps requiring MFA of all users, with `over` applied. */
export const policy = (over: Partial<AccessPolicy> = {}): AccessPolicy => ({
  id: 'p-admins',
  displayName: 'Admins MFA',
  state: 'enabled',
  requiresMfa: true,
  include: set({ all: true }),
  exclude: set(),
  applications: { scope: 'All', authenticationContexts: [] },
  unjudged: [],
  ...over,
});

/** A policy for authentication context `claim` only, with `over` applied. */
export const contextPolicy = (claim: string, over: Partial<AccessPolicy> = {}): AccessPolicy =>
  policy({
    id: `p-${claim}`,
    displayName: `Context ${claim}`,
    applications: { scope: 'None', authenticationContexts: [claim] },
    ...over,
  });

/** Coverage facts for Global Administrator, with `over` applied. */
export const facts = (over: Partial<CoverageFacts> = {}): CoverageFacts => ({
  holdings: [],
  policies: [],
  memberOf: {},
  groupActivation: {},
  directoryRoleId: GA,
  ...over,
});

/** What a rule case changes in the role: LiveOver, or the requirements as a whole (a Keycloak role). */
export type RoleOver = LiveOver & { requirements?: Requirement[] };

/** Global Administrator as observed (see ../fixtures.ts live()), carrying `coverage`. */
export const role = (coverage: CoverageFacts, over: RoleOver = {}): LiveRole => {
  const { requirements, ...rest } = over;
  const out = live({ ...rest, coverage });
  return requirements ? { ...out, requirements } : out;
};
