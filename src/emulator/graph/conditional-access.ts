// Conditional Access for the emulator (Graph v1.0 `identity/conditionalAccess`): authentication context class
// references (c1..c99) and conditionalAccessPolicy objects with their users (include/exclude users, groups,
// roles), applications, grant controls and the other conditions, read-only over HTTP (creating a policy over
// HTTP is not served) and changed by tests through the emulator object. Kept apart from the PIM tenant state (and not persisted) because PIM only refers to a context
// by its claim value; nothing in PIM's own API changes when a Conditional Access policy does.
import { stableGuid } from './catalog.js';
import { methodNotAllowed, notFound, type GraphResponse } from './errors.js';
import { page, queryOrBadRequest, type PageLimits } from './odata.js';
import type { GraphRequest } from './routes.js';

/** An authenticationContextClassReference as Graph returns it. */
export interface AuthenticationContextClassReference {
  /** c1 … c99. */
  id: string;
  displayName: string;
  description: string;
  isAvailable: boolean;
}

/** The state of a Conditional Access policy. */
export type ConditionalAccessPolicyState =
  'enabled' | 'disabled' | 'enabledForReportingButNotEnforced';

/**
 * conditionalAccessUsers (https://learn.microsoft.com/graph/api/resources/conditionalaccessusers): includeUsers
 * holds user ids or one of `All`, `None`, `GuestsOrExternalUsers`; roles are directory role template ids.
 */
export interface ConditionalAccessUsers {
  includeUsers: string[];
  excludeUsers: string[];
  includeGroups: string[];
  excludeGroups: string[];
  includeRoles: string[];
  excludeRoles: string[];
  includeGuestsOrExternalUsers: Record<string, unknown> | null;
  excludeGuestsOrExternalUsers: Record<string, unknown> | null;
}

/**
 * conditionalAccessConditionSet (https://learn.microsoft.com/graph/api/resources/conditionalaccessconditionset):
 * conditions that are not set read as null (objects) or empty lists (risk levels), as Graph returns them.
 */
export interface ConditionalAccessConditions {
  applications: {
    includeApplications: string[];
    excludeApplications: string[];
    includeUserActions: string[];
    includeAuthenticationContextClassReferences: string[];
  };
  users: ConditionalAccessUsers;
  clientApplications: null;
  /** all, browser, mobileAppsAndDesktopClients, exchangeActiveSync, easSupported, other. */
  clientAppTypes: string[];
  locations: { includeLocations: string[]; excludeLocations: string[] } | null;
  platforms: { includePlatforms: string[]; excludePlatforms: string[] } | null;
  devices: {
    includeDevices?: string[];
    excludeDevices?: string[];
    deviceFilter?: { mode: 'include' | 'exclude'; rule: string } | null;
  } | null;
  signInRiskLevels: string[];
  userRiskLevels: string[];
  servicePrincipalRiskLevels: string[];
  /** Flags such as `minor,moderate` (conditionalAccessInsiderRiskLevels), or null. */
  insiderRiskLevels: string | null;
  /** conditionalAccessAuthenticationFlows: `transferMethods` such as `deviceCodeFlow`, or null. */
  authenticationFlows: { transferMethods: string } | null;
}

/** A conditionalAccessPolicy (https://learn.microsoft.com/graph/api/resources/conditionalaccesspolicy). */
export interface ConditionalAccessPolicy {
  id: string;
  templateId: string | null;
  displayName: string;
  state: ConditionalAccessPolicyState;
  createdDateTime: string;
  modifiedDateTime: string | null;
  conditions: ConditionalAccessConditions;
  grantControls: {
    operator: 'AND' | 'OR';
    builtInControls: string[];
    customAuthenticationFactors: string[];
    termsOfUse: string[];
    authenticationStrength: { id: string; displayName: string } | null;
  } | null;
  sessionControls: null;
}

/** The conditions a test may set besides users and applications (what rolegate cannot judge). */
export type ConditionalAccessOtherConditions = Partial<
  Pick<
    ConditionalAccessConditions,
    | 'clientAppTypes'
    | 'locations'
    | 'platforms'
    | 'devices'
    | 'signInRiskLevels'
    | 'userRiskLevels'
    | 'servicePrincipalRiskLevels'
    | 'insiderRiskLevels'
    | 'authenticationFlows'
  >
>;

/** What a test gives to create or replace a policy; everything but the id has a default. */
export interface ConditionalAccessPolicyInput {
  id: string;
  displayName?: string;
  state?: ConditionalAccessPolicyState;
  /** Claim values the policy targets (conditions.applications.includeAuthenticationContextClassReferences). */
  authenticationContexts?: string[];
  /** conditions.applications.includeApplications: `All`, `None`, `Office365`, `MicrosoftAdminPortals` or app ids. */
  includeApplications?: string[];
  excludeApplications?: string[];
  /** conditions.users; unset lists are empty, and includeUsers defaults to `["All"]`. */
  users?: Partial<ConditionalAccessUsers>;
  /** The other conditions (default: none, clientAppTypes `["all"]`). */
  conditions?: ConditionalAccessOtherConditions;
  /** Built-in grant controls such as `mfa`, `compliantDevice`, `block` (default `['mfa']`). */
  builtInControls?: string[];
  operator?: 'AND' | 'OR';
  /** An authentication strength (counts as requiring MFA). */
  authenticationStrength?: { id: string; displayName: string } | null;
}

const CONTEXT = 'https://graph.microsoft.com/v1.0/$metadata#';
const SEEDED_AT = '2024-01-15T09:00:00Z';

/** The policy the emulator seeds: enabled, requiring MFA for authentication context c2. */
export const SEEDED_CA_POLICY_ID = '2b5e7c1a-3f4d-4e8a-9b6c-1d2e3f4a5b6c';
/** The seeded policy requiring MFA of Global Administrators (includeRoles), except the break-glass account. */
export const SEEDED_ADMIN_CA_POLICY_ID = '7c0d9e2f-5a41-4b6e-8d3c-2f1a0b9c8e71';
/** The seeded report-only policy requiring MFA of all users for all apps (it covers nobody). */
export const SEEDED_REPORT_ONLY_CA_POLICY_ID = '9e4f1a3b-6c52-4d7f-9a0e-3b2c1d0e9f82';
/** The break-glass account the seeded administrator policy excludes (the directory seed has the same UPN). */
export const BREAKGLASS_UPN = 'breakglass@contoso.example';
/** The object id of {@link BREAKGLASS_UPN}: seeded user ids are derived from the UPN, the same in every seed. */
export const BREAKGLASS_USER_ID = stableGuid('user', BREAKGLASS_UPN);
const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';

/** includeUsers keywords (conditionalAccessUsers); anything else must be an object id. */
const USER_KEYWORDS = ['All', 'None', 'GuestsOrExternalUsers'];
/** The documented conditionalAccessClientApp values. */
const CLIENT_APP_TYPES = [
  'all',
  'browser',
  'mobileAppsAndDesktopClients',
  'exchangeActiveSync',
  'easSupported',
  'other',
];
const STATES: readonly ConditionalAccessPolicyState[] = [
  'enabled',
  'disabled',
  'enabledForReportingButNotEnforced',
];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function ok(body: unknown): GraphResponse {
  return {
    status: 200,
    headers: { 'Content-Type': 'application/json;odata.metadata=minimal', 'OData-Version': '4.0' },
    body,
  };
}

/**
 * Checks a test's input the way Graph checks a created policy: a known state, users that are ids or the
 * documented keywords (and `None` alone), role and group ids that are GUIDs, documented clientAppTypes, and at
 * least one application, user action or authentication context. Throws with the reason.
 */
function checkInput(input: ConditionalAccessPolicyInput): void {
  const why = (m: string): never => {
    throw new Error(`Conditional Access policy ${input.id}: ${m}`);
  };
  if (input.state !== undefined && !STATES.includes(input.state))
    why(`state must be one of ${STATES.join(', ')}, not ${String(input.state)}`);
  const u = input.users ?? {};
  for (const k of ['includeUsers', 'excludeUsers'] as const) {
    for (const v of u[k] ?? [])
      if (!USER_KEYWORDS.includes(v) && !GUID.test(v))
        why(`${k} holds user ids, All, None or GuestsOrExternalUsers, not ${v}`);
  }
  if ((u.includeUsers ?? []).includes('None') && (u.includeUsers ?? []).length > 1)
    why('includeUsers None cannot be combined with other users');
  for (const k of ['includeGroups', 'excludeGroups', 'includeRoles', 'excludeRoles'] as const) {
    for (const v of u[k] ?? []) if (!GUID.test(v)) why(`${k} holds object ids, not ${v}`);
  }
  for (const t of input.conditions?.clientAppTypes ?? [])
    if (!CLIENT_APP_TYPES.includes(t))
      why(`clientAppTypes holds ${CLIENT_APP_TYPES.join(', ')}, not ${t}`);
  if (
    (input.includeApplications ?? []).length === 0 &&
    (input.authenticationContexts ?? []).length === 0
  )
    why('conditions.applications needs includeApplications or an authentication context');
}

/** Builds a stored policy from a test's input. */
export function conditionalAccessPolicy(
  input: ConditionalAccessPolicyInput,
): ConditionalAccessPolicy {
  checkInput(input);
  const u = input.users ?? {};
  const c = input.conditions ?? {};
  return {
    id: input.id,
    templateId: null,
    displayName: input.displayName ?? `Policy ${input.id}`,
    state: input.state ?? 'enabled',
    createdDateTime: SEEDED_AT,
    modifiedDateTime: null,
    conditions: {
      applications: {
        includeApplications: [...(input.includeApplications ?? [])],
        excludeApplications: [...(input.excludeApplications ?? [])],
        includeUserActions: [],
        includeAuthenticationContextClassReferences: [...(input.authenticationContexts ?? [])],
      },
      users: {
        includeUsers: [...(u.includeUsers ?? ['All'])],
        excludeUsers: [...(u.excludeUsers ?? [])],
        includeGroups: [...(u.includeGroups ?? [])],
        excludeGroups: [...(u.excludeGroups ?? [])],
        includeRoles: [...(u.includeRoles ?? [])],
        excludeRoles: [...(u.excludeRoles ?? [])],
        includeGuestsOrExternalUsers: u.includeGuestsOrExternalUsers ?? null,
        excludeGuestsOrExternalUsers: u.excludeGuestsOrExternalUsers ?? null,
      },
      clientApplications: null,
      clientAppTypes: [...(c.clientAppTypes ?? ['all'])],
      locations: c.locations ?? null,
      platforms: c.platforms ?? null,
      devices: c.devices ?? null,
      signInRiskLevels: [...(c.signInRiskLevels ?? [])],
      userRiskLevels: [...(c.userRiskLevels ?? [])],
      servicePrincipalRiskLevels: [...(c.servicePrincipalRiskLevels ?? [])],
      insiderRiskLevels: c.insiderRiskLevels ?? null,
      authenticationFlows: c.authenticationFlows ?? null,
    },
    grantControls: {
      operator: input.operator ?? 'OR',
      builtInControls: [...(input.builtInControls ?? ['mfa'])],
      customAuthenticationFactors: [],
      termsOfUse: [],
      authenticationStrength: input.authenticationStrength ?? null,
    },
    sessionControls: null,
  };
}

/**
 * The Conditional Access objects of a tenant. Seeded with contexts c1 and c2, one enabled policy that requires
 * MFA for c2, one enabled policy that requires MFA of Global Administrators (includeRoles) for all apps but
 * excludes the break-glass account, and one report-only policy for all users (which covers nobody). c1
 * deliberately has no policy: the seeded PIM policy of Privileged Authentication Administrator uses c1, and that
 * role is the catalog's example of a context that does not enforce MFA (tests and the quickstart rely on it).
 * Tests put a policy on c1 with `setConditionalAccessPolicy`.
 */
export class ConditionalAccessState {
  private readonly contexts = new Map<string, AuthenticationContextClassReference>();
  private readonly policies = new Map<string, ConditionalAccessPolicy>();

  constructor(seed: 'default' | 'empty' = 'default') {
    if (seed === 'empty') return;
    this.setContext({
      id: 'c1',
      displayName: 'Privileged role activation',
      description: 'Step-up for PIM role activation (no Conditional Access policy targets it yet)',
      isAvailable: true,
    });
    this.setContext({
      id: 'c2',
      displayName: 'Tier 0 role activation',
      description: 'Step-up for Tier 0 role activation',
      isAvailable: true,
    });
    this.setPolicy({
      id: SEEDED_CA_POLICY_ID,
      displayName: 'Require MFA for privileged role activation',
      authenticationContexts: ['c2'],
      builtInControls: ['mfa'],
    });
    this.setPolicy({
      id: SEEDED_ADMIN_CA_POLICY_ID,
      displayName: 'Require MFA for Global Administrators',
      includeApplications: ['All'],
      users: {
        includeUsers: [],
        includeRoles: [GLOBAL_ADMINISTRATOR],
        excludeUsers: [BREAKGLASS_USER_ID],
      },
      builtInControls: ['mfa'],
    });
    this.setPolicy({
      id: SEEDED_REPORT_ONLY_CA_POLICY_ID,
      displayName: 'Require MFA for all users (report-only)',
      state: 'enabledForReportingButNotEnforced',
      includeApplications: ['All'],
      users: { includeUsers: ['All'] },
      builtInControls: ['mfa'],
    });
  }

  setContext(c: AuthenticationContextClassReference): void {
    if (!/^c([1-9]|[1-9][0-9])$/.test(c.id))
      throw new Error(`authentication context ids are c1..c99, not ${c.id}`);
    this.contexts.set(c.id, { ...c });
  }

  /** Creates or replaces a policy; throws when the input is not a valid policy (see checkInput). */
  setPolicy(input: ConditionalAccessPolicyInput): void {
    this.policies.set(input.id.toLowerCase(), conditionalAccessPolicy(input));
  }

  /** Removes a policy; returns whether it existed. */
  removePolicy(id: string): boolean {
    return this.policies.delete(id.toLowerCase());
  }

  listContexts(): AuthenticationContextClassReference[] {
    return [...this.contexts.values()].sort(
      (a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)),
    );
  }

  listPolicies(): ConditionalAccessPolicy[] {
    return [...this.policies.values()].map((p) => structuredClone(p));
  }

  policy(id: string): ConditionalAccessPolicy | undefined {
    const p = this.policies.get(id.toLowerCase());
    return p ? structuredClone(p) : undefined;
  }

  context(id: string): AuthenticationContextClassReference | undefined {
    return this.contexts.get(id);
  }
}

/**
 * Answers `/v1.0/identity/conditionalAccess/...`; `path` starts at `identity/`. Returns undefined for paths
 * outside Conditional Access.
 */
export function routeConditionalAccess(
  ca: ConditionalAccessState,
  limits: PageLimits,
  req: GraphRequest,
  path: string,
): GraphResponse | undefined {
  const seg = path.replace(/^\/+/, '').split('/');
  if (seg[0] !== 'identity' || seg[1] !== 'conditionalAccess') return undefined;
  const { ids } = req;
  if (req.method !== 'GET') return methodNotAllowed(ids);
  const parsed = queryOrBadRequest(req);
  if ('error' in parsed) return parsed.error;
  const { q } = parsed;
  const [, , kind, id, more] = seg;
  if (more !== undefined) return undefined;
  if (kind === 'authenticationContextClassReferences') {
    if (id !== undefined) {
      const c = ca.context(id);
      return c
        ? ok({
            '@odata.context': `${CONTEXT}identity/conditionalAccess/authenticationContextClassReferences/$entity`,
            ...c,
          })
        : notFound(id, ids);
    }
    const p = page(ca.listContexts(), q, limits, req.url);
    return ok({
      '@odata.context': `${CONTEXT}identity/conditionalAccess/authenticationContextClassReferences`,
      ...(p.nextLink ? { '@odata.nextLink': p.nextLink } : {}),
      value: p.items,
    });
  }
  if (kind === 'policies') {
    if (id !== undefined) {
      const x = ca.policy(id);
      return x
        ? ok({ '@odata.context': `${CONTEXT}identity/conditionalAccess/policies/$entity`, ...x })
        : notFound(id, ids);
    }
    const p = page(ca.listPolicies(), q, limits, req.url);
    return ok({
      '@odata.context': `${CONTEXT}identity/conditionalAccess/policies`,
      ...(p.nextLink ? { '@odata.nextLink': p.nextLink } : {}),
      value: p.items,
    });
  }
  return undefined;
}
