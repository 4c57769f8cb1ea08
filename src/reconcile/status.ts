// Pure. Turns a plan into the next PrivilegedRole status, keeping timestamps stable when nothing changed so
// that an unchanged status compares equal and costs no write.
import { compareText } from '../api/compare-text.js';
import type { PrivilegedRoleStatus } from '../api/v1alpha1/types.js';
import { mergeConditions } from '../api/conditions.js';
import { jsonEqual } from '../api/json-equal.js';
import { authenticationContext } from '../api/observation.js';
import { holdersSummary } from './holders-summary.js';
import type { Plan } from './plan.js';

/** What happened in this reconcile besides the plan. */
export interface StatusContext {
  generation: number | undefined;
  /** RFC 3339 time of this reconcile; used only where a value really changes. */
  now: string;
  /** Whether actions were applied and verified in this reconcile. */
  corrected: boolean;
  /** Drift seen before the correction (the plan given is the one after it). */
  correctedDrift?: Plan['drift'];
}

/** Computes the next status from the previous one and a plan. */
export function nextStatus(
  prev: PrivilegedRoleStatus | undefined,
  plan: Plan,
  ctx: StatusContext,
): PrivilegedRoleStatus {
  const out: PrivilegedRoleStatus = {
    conditions: mergeConditions(prev?.conditions, plan.conditions, ctx.generation, ctx.now),
  };
  if (ctx.generation !== undefined) out.observedGeneration = ctx.generation;

  if (plan.live && plan.mfa) {
    const atProvider: NonNullable<PrivilegedRoleStatus['atProvider']> = {
      roleId: plan.live.roleId,
      roleDisplayName: plan.live.roleDisplayName,
      policyId: plan.live.handle,
      mfaRequired: plan.mfa.required,
      mechanism: plan.mfa.mechanism,
    };
    if (plan.live.settings) atProvider.enabledRules = [...plan.live.settings];
    const context = authenticationContext(plan.live);
    if (context) atProvider.authenticationContext = context.claimValue;
    if (plan.live.assignmentMfa !== undefined) {
      atProvider.mfaOnActiveAssignment = plan.live.assignmentMfa;
    }
    if (plan.coverage) atProvider.holders = holdersSummary(plan.coverage);
    if (plan.live.detail !== undefined) atProvider.detail = plan.live.detail;
    const { observedAt: prevAt, ...prevRest } = prev?.atProvider ?? {};
    atProvider.observedAt =
      prevAt !== undefined && jsonEqual(prevRest, atProvider) ? prevAt : ctx.now;
    out.atProvider = atProvider;
  } else if (prev?.atProvider) {
    out.atProvider = prev.atProvider;
  }

  const prevDrift = prev?.drift;
  const drift: NonNullable<PrivilegedRoleStatus['drift']> = {
    corrections: prevDrift?.corrections ?? 0,
  };
  const seen = ctx.corrected ? (ctx.correctedDrift ?? []) : plan.drift;
  if (plan.drift.length > 0) drift.fields = plan.drift.map((d) => ({ ...d }));
  if (seen.length > 0) {
    const fresh =
      !jsonEqual(prevDrift?.fields ?? [], seen) || prevDrift?.lastDetectedTime === undefined;
    drift.lastDetectedTime = fresh || ctx.corrected ? ctx.now : prevDrift.lastDetectedTime!;
  } else if (prevDrift?.lastDetectedTime !== undefined) {
    drift.lastDetectedTime = prevDrift.lastDetectedTime;
  }
  if (ctx.corrected) {
    drift.corrections = (drift.corrections ?? 0) + 1;
    drift.lastCorrectedTime = ctx.now;
  } else if (prevDrift?.lastCorrectedTime !== undefined) {
    drift.lastCorrectedTime = prevDrift.lastCorrectedTime;
  }
  out.drift = drift;
  return out;
}

/** Whether two statuses are the same; used to skip writes. */
export function statusEqual(
  a: PrivilegedRoleStatus | undefined,
  b: PrivilegedRoleStatus | undefined,
): boolean {
  return jsonEqual(a ?? {}, b ?? {});
}

/** JSON with object keys sorted, so key order never counts as a difference. */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(
          Object.entries(val as Record<string, unknown>).sort(([x], [y]) => compareText(x, y)),
        )
      : val,
  );
}
