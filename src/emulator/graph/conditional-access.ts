// Conditional Access for the emulator (Graph v1.0 `identity/conditionalAccess`): authentication context class
// references (c1..c99) and the policies that target them, read-only over HTTP and changed by tests through the
// emulator object. Kept apart from the PIM tenant state (and not persisted) because PIM only refers to a context
// by its claim value; nothing in PIM's own API changes when a Conditional Access policy does.
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

/** A conditionalAccessPolicy, with the fields rolegate reads (and the ones Graph always returns). */
export interface ConditionalAccessPolicy {
  id: string;
  displayName: string;
  state: ConditionalAccessPolicyState;
  createdDateTime: string;
  modifiedDateTime: string | null;
  conditions: {
    applications: {
      includeApplications: string[];
      excludeApplications: string[];
      includeUserActions: string[];
      includeAuthenticationContextClassReferences: string[];
    };
    users: { includeUsers: string[]; excludeUsers: string[] };
    clientAppTypes: string[];
  };
  grantControls: {
    operator: 'AND' | 'OR';
    builtInControls: string[];
    customAuthenticationFactors: string[];
    termsOfUse: string[];
    authenticationStrength: { id: string; displayName: string } | null;
  } | null;
  sessionControls: null;
}

/** What a test gives to create or replace a policy; everything but the id has a default. */
export interface ConditionalAccessPolicyInput {
  id: string;
  displayName?: string;
  state?: ConditionalAccessPolicyState;
  /** Claim values the policy targets (conditions.applications.includeAuthenticationContextClassReferences). */
  authenticationContexts?: string[];
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

function ok(body: unknown): GraphResponse {
  return {
    status: 200,
    headers: { 'Content-Type': 'application/json;odata.metadata=minimal', 'OData-Version': '4.0' },
    body,
  };
}

/** Builds a stored policy from a test's input. */
export function conditionalAccessPolicy(
  input: ConditionalAccessPolicyInput,
): ConditionalAccessPolicy {
  return {
    id: input.id,
    displayName: input.displayName ?? `Policy ${input.id}`,
    state: input.state ?? 'enabled',
    createdDateTime: SEEDED_AT,
    modifiedDateTime: null,
    conditions: {
      applications: {
        includeApplications: [],
        excludeApplications: [],
        includeUserActions: [],
        includeAuthenticationContextClassReferences: [...(input.authenticationContexts ?? [])],
      },
      users: { includeUsers: ['All'], excludeUsers: [] },
      clientAppTypes: ['all'],
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
 * The Conditional Access objects of a tenant. Seeded with contexts c1 and c2 and one enabled policy that requires
 * MFA for c2. c1 deliberately has no policy: the seeded PIM policy of Privileged Authentication Administrator
 * uses c1, and that role is the catalog's example of a context that does not enforce MFA (tests and the
 * quickstart rely on it). Tests put a policy on c1 with `setConditionalAccessPolicy`.
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
  }

  setContext(c: AuthenticationContextClassReference): void {
    if (!/^c([1-9]|[1-9][0-9])$/.test(c.id))
      throw new Error(`authentication context ids are c1..c99, not ${c.id}`);
    this.contexts.set(c.id, { ...c });
  }

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
