// Pure. The status of an IdentityProvider after its resync: Ready with the roles it holds that lack MFA, or why it
// cannot be used. Alerts of an earlier observation stay while the provider cannot be read: they are labelled by
// the Ready condition, and dropping them would hide what is known.
import type { IdentityProviderStatus } from '../api/v1alpha1/types.js';
import type { LiveRole } from '../api/observation.js';
import {
  markReady,
  markReconciling,
  markStalled,
  mergeConditions,
  Reason,
  type ConditionSpec,
} from '../api/conditions.js';
import { holderCounts, rolesWithoutMfa, type HolderCounts, type RoleWithoutMfa } from './alerts.js';
import type { ProviderProblem } from './plan.js';

/** What the resync of an IdentityProvider found. */
export type ProviderObservation =
  /** The snapshot was read; `declared` holds the role ids some PrivilegedRole resolves to. */
  | { kind: 'Observed'; roles: readonly LiveRole[]; declared: ReadonlySet<string> }
  /** The provider could not be read. */
  | { kind: 'Failed'; problem: ProviderProblem }
  /** The IdentityProvider itself is invalid: it is not used until it is fixed. */
  | { kind: 'Invalid'; problems: readonly string[] };

/** The IdentityProvider's object fields that status depends on. */
export interface ProviderStatusContext {
  /** The provider's kind, as shown in `status.type`. */
  type: string;
  generation: number | undefined;
  /** RFC 3339 time of this reconcile, used only where a condition changes. */
  now: string;
}

/** What an observation shows of the tenant's roles: judged once per reconcile (every holding of every role). */
interface TenantAlerts {
  roles: RoleWithoutMfa[];
  counts: HolderCounts | undefined;
}

function tenantAlerts(roles: readonly LiveRole[]): TenantAlerts {
  return { roles: rolesWithoutMfa(roles), counts: holderCounts(roles) };
}

/** The conditions an IdentityProvider reports for an observation, with its alerts when it is Observed. */
function providerConditions(o: ProviderObservation, alerts?: TenantAlerts): ConditionSpec[] {
  switch (o.kind) {
    case 'Observed': {
      const { roles, counts } = alerts ?? tenantAlerts(o.roles);
      const without = roles.length;
      const holders = counts
        ? `; ${counts.holdersWithoutMfa} of ${counts.holders} holdings not behind MFA`
        : '';
      return markReady(
        Reason.CredentialsReady,
        `Connected; ${o.roles.length} roles observed, ${without} without MFA on activation${holders}`,
      );
    }
    case 'Failed':
      return o.problem.stalled
        ? markStalled(o.problem.reason, o.problem.message)
        : markReconciling(o.problem.reason, o.problem.message);
    case 'Invalid':
      return markStalled(
        Reason.InvalidSpec,
        `Invalid spec, not used: ${o.problems.join('; ') || 'the object cannot be read'}`,
      );
  }
}

/** Computes the next IdentityProvider status from the previous one and an observation. */
export function nextProviderStatus(
  prev: IdentityProviderStatus | undefined,
  o: ProviderObservation,
  ctx: ProviderStatusContext,
): IdentityProviderStatus {
  const out: IdentityProviderStatus = { type: ctx.type };
  if (ctx.generation !== undefined) out.observedGeneration = ctx.generation;
  const alerts = o.kind === 'Observed' ? tenantAlerts(o.roles) : undefined;
  out.conditions = mergeConditions(
    prev?.conditions,
    providerConditions(o, alerts),
    ctx.generation,
    ctx.now,
  );
  if (o.kind === 'Observed' && alerts) {
    const roles = alerts.roles.map((r) => ({
      ...r,
      declared: o.declared.has(r.roleId),
    }));
    out.alerts = { rolesWithoutMfa: roles.length, roles };
    const counts = alerts.counts;
    if (counts) {
      out.alerts.holders = counts.holders;
      out.alerts.holdersWithoutMfa = counts.holdersWithoutMfa;
    }
  } else if (prev?.alerts) {
    out.alerts = prev.alerts;
  }
  return out;
}
