// Whether the Conditional Access policies behind an authentication context enforce MFA (issue #8), and every
// policy reduced to an AccessPolicy for per-holder coverage (access-policy.ts). PIM only stores a claim value
// such as c1; what a user must do at activation is decided by the Conditional Access policies that target that
// context. One paged listing of the policies per snapshot answers both, for every role.
import { compareText } from '../../api/compare-text.js';
import type { AccessPolicy } from '../../api/coverage.js';
import type { AuthenticationContextState } from '../../api/observation.js';
import { ProviderError } from '../types.js';
import { accessPolicyFromGraph, grantRequiresMfa, includesAnyone } from './access-policy.js';
import type { GraphClient } from './graph-client.js';

export { grantRequiresMfa };

/** The verdict on one authentication context. */
export type ContextVerdict = AuthenticationContextState['policy'];

/** conditionalAccessUsers as Graph returns it (https://learn.microsoft.com/graph/api/resources/conditionalaccessusers). */
export interface GraphConditionalAccessUsers {
  includeUsers?: string[] | null;
  excludeUsers?: string[] | null;
  includeGroups?: string[] | null;
  excludeGroups?: string[] | null;
  includeRoles?: string[] | null;
  excludeRoles?: string[] | null;
  includeGuestsOrExternalUsers?: unknown;
  excludeGuestsOrExternalUsers?: unknown;
}

/**
 * A conditionalAccessPolicy (the fields rolegate reads;
 * https://learn.microsoft.com/graph/api/resources/conditionalaccesspolicy). Conditions are those of
 * conditionalAccessConditionSet (https://learn.microsoft.com/graph/api/resources/conditionalaccessconditionset).
 */
export interface GraphConditionalAccessPolicy {
  id: string;
  displayName?: string;
  state?: string;
  conditions?: {
    applications?: {
      includeApplications?: string[] | null;
      excludeApplications?: string[] | null;
      includeUserActions?: string[] | null;
      includeAuthenticationContextClassReferences?: string[] | null;
      applicationFilter?: unknown;
    } | null;
    users?: GraphConditionalAccessUsers | null;
    clientApplications?: unknown;
    clientAppTypes?: string[] | null;
    locations?: { includeLocations?: string[] | null; excludeLocations?: string[] | null } | null;
    platforms?: { includePlatforms?: string[] | null; excludePlatforms?: string[] | null } | null;
    devices?: unknown;
    deviceStates?: unknown;
    signInRiskLevels?: string[] | null;
    userRiskLevels?: string[] | null;
    servicePrincipalRiskLevels?: string[] | null;
    insiderRiskLevels?: string | null;
    authenticationFlows?: unknown;
  } | null;
  grantControls?: {
    operator?: string | null;
    builtInControls?: string[] | null;
    authenticationStrength?: unknown;
  } | null;
}

/** What a snapshot knows about authentication contexts. */
export interface ContextVerdicts {
  /** Claim value (lower case) → verdict. A context no policy targets is absent: it reads as Missing. */
  verdicts: ReadonlyMap<string, ContextVerdict>;
  /** Set when the policies could not be read: why every context reads as Missing. */
  note?: string;
}

/** The Conditional Access listing; no `$select` so that any Graph-compatible server answers it the same. */
export const CA_POLICIES_PATH = '/identity/conditionalAccess/policies';

/** The verdict of one policy on the contexts it targets. */
function verdictOf(p: GraphConditionalAccessPolicy): ContextVerdict {
  const state = (p.state ?? '').toLowerCase();
  if (state === 'disabled') return 'Disabled';
  if (state === 'enabledforreportingbutnotenforced') return 'ReportOnly';
  if (state !== 'enabled') return 'Disabled';
  return grantRequiresMfa(p.grantControls) ? 'RequiresMfa' : 'NoMfaControl';
}

/**
 * The strongest verdict wins when several policies target a context: one enabled policy requiring MFA is
 * enough, whatever the others do. Below that, the order says how close the context is to enforcing MFA.
 */
const RANK: Readonly<Record<ContextVerdict, number>> = {
  RequiresMfa: 4,
  NoMfaControl: 3,
  ReportOnly: 2,
  Disabled: 1,
  Missing: 0,
};

/**
 * Pure. Classifies every authentication context the policies target. A policy whose users condition names
 * nobody (includeUsers `None` and no groups or roles) applies to no one and does not count. Exclusions do not
 * change this role-level verdict: who a policy excludes is judged per holder (coverage).
 */
export function classifyContexts(
  policies: readonly GraphConditionalAccessPolicy[],
): Map<string, ContextVerdict> {
  const out = new Map<string, ContextVerdict>();
  for (const p of policies) {
    if (p.conditions?.users && !includesAnyone(accessPolicyFromGraph(p))) continue;
    const v = verdictOf(p);
    for (const c of p.conditions?.applications?.includeAuthenticationContextClassReferences ?? []) {
      const k = c.toLowerCase();
      const prev = out.get(k);
      if (prev === undefined || RANK[v] > RANK[prev]) out.set(k, v);
    }
  }
  return out;
}

/** What one read of the Conditional Access policies gives a snapshot. */
export interface ConditionalAccessRead extends ContextVerdicts {
  /** Every policy of the tenant as coverage sees it; empty when the policies could not be read (see note). */
  policies: AccessPolicy[];
}

/**
 * Reads the Conditional Access policies once (one paged listing) and classifies every context and maps every
 * policy. A 403 does not fail the snapshot: the contexts read as Missing (the safe reading: not proven to enforce
 * MFA, so plan() keeps PIM's own MFA rule), no policy covers any holder, and the note names the permission to
 * grant. Other failures propagate, as for any snapshot read.
 */
export async function readConditionalAccess(
  graph: GraphClient,
  signal?: AbortSignal,
): Promise<ConditionalAccessRead> {
  try {
    const policies = await graph.list<GraphConditionalAccessPolicy>(CA_POLICIES_PATH, signal);
    return {
      verdicts: classifyContexts(policies),
      policies: policies.map(accessPolicyFromGraph).sort((a, b) => compareText(a.id, b.id)),
    };
  } catch (err) {
    if (
      err instanceof ProviderError &&
      err.kind === 'PermissionDenied' &&
      err.options.status === 403
    ) {
      return {
        verdicts: new Map(),
        policies: [],
        note: 'Conditional Access policies could not be read (grant the Microsoft Graph application permission Policy.Read.All); the authentication context is treated as not enforcing MFA',
      };
    }
    throw err;
  }
}
