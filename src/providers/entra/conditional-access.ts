// Whether the Conditional Access policies behind an authentication context enforce MFA (issue #8). PIM only
// stores a claim value such as c1; what a user must do at activation is decided by the Conditional Access
// policies that target that context. One paged listing of the policies per snapshot answers this for every
// role, and only when some role has an authentication context enabled.
import type { AuthenticationContextState } from '../../api/observation.js';
import { ProviderError } from '../types.js';
import type { GraphClient } from './graph-client.js';

/** The verdict on one authentication context. */
export type ContextVerdict = AuthenticationContextState['policy'];

/** A conditionalAccessPolicy (the fields rolegate reads). */
export interface GraphConditionalAccessPolicy {
  id: string;
  displayName?: string;
  state?: string;
  conditions?: {
    applications?: { includeAuthenticationContextClassReferences?: string[] | null } | null;
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

/**
 * Whether a policy's grant controls make MFA unavoidable. An authentication strength always includes a second
 * factor. With OR, the user picks any one control, so `mfa` only counts when it is the only choice; with AND,
 * `mfa` among the controls is enough.
 */
export function grantRequiresMfa(g: GraphConditionalAccessPolicy['grantControls']): boolean {
  if (!g) return false;
  if (g.authenticationStrength !== undefined && g.authenticationStrength !== null) return true;
  const controls = (g.builtInControls ?? []).map((c) => c.toLowerCase());
  if (!controls.includes('mfa')) return false;
  return (g.operator ?? 'OR').toUpperCase() === 'AND' || controls.length === 1;
}

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

/** Pure. Classifies every authentication context the policies target. */
export function classifyContexts(
  policies: readonly GraphConditionalAccessPolicy[],
): Map<string, ContextVerdict> {
  const out = new Map<string, ContextVerdict>();
  for (const p of policies) {
    const v = verdictOf(p);
    for (const c of p.conditions?.applications?.includeAuthenticationContextClassReferences ?? []) {
      const k = c.toLowerCase();
      const prev = out.get(k);
      if (prev === undefined || RANK[v] > RANK[prev]) out.set(k, v);
    }
  }
  return out;
}

/**
 * Reads the Conditional Access policies once and classifies every context. A 403 does not fail the snapshot:
 * the contexts read as Missing (the safe reading: not proven to enforce MFA, so plan() keeps PIM's own MFA
 * rule) and the note names the permission to grant. Other failures propagate, as for any snapshot read.
 */
export async function readContextVerdicts(
  graph: GraphClient,
  signal?: AbortSignal,
): Promise<ContextVerdicts> {
  try {
    const policies = await graph.list<GraphConditionalAccessPolicy>(CA_POLICIES_PATH, signal);
    return { verdicts: classifyContexts(policies) };
  } catch (err) {
    if (
      err instanceof ProviderError &&
      err.kind === 'PermissionDenied' &&
      err.options.status === 403
    ) {
      return {
        verdicts: new Map(),
        note: 'Conditional Access policies could not be read (grant the Microsoft Graph application permission Policy.Read.All); the authentication context is treated as not enforcing MFA',
      };
    }
    throw err;
  }
}
