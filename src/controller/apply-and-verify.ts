// The one way the controller writes to a provider, for reconcile and for finalize alike: never start once the stop
// signal is aborted, apply through the session (batched with other callers), log every write with its before and
// after, then verify that the read-back value is what the caller wanted.
import type { Logger } from 'pino';
import type { RoleLookup } from '../api/observation.js';
import { describeAction, type Action } from '../reconcile/action.js';
import { decideProviderFailure, type FailureDecision } from '../reconcile/provider-failure.js';
import type { ActionResult } from '../providers/types.js';
import type { ControllerMetrics } from './metrics.js';
import { providerFailure } from './provider-failure.js';
import type { ProviderSession } from './provider-session.js';

/** How a write went. */
export type WriteOutcome =
  /**
   * Every action took effect and the read-back satisfies the caller. `unchanged`: the provider found every setting
   * already as wanted and wrote nothing (someone, or an earlier write, corrected it after the snapshot was read).
   */
  | { kind: 'Verified'; lookup: RoleLookup; unchanged: boolean }
  /** The provider took the write but did not show the wanted value on read-back (`lookup`, when it sent one). */
  | { kind: 'NotVerified'; message: string; lookup?: RoleLookup }
  /** The provider refused or failed; `decision` says what that means for the object. */
  | { kind: 'Failed'; decision: FailureDecision }
  /** The stop signal was aborted: nothing was started, or what was not sent when it came was not. */
  | { kind: 'Stopped' };

/** What applyAndVerify needs besides the actions. */
export interface WriteContext {
  session: ProviderSession;
  log: Logger;
  /** Whether the role as read back is what the write was for (re-planning finds nothing left to do). */
  verify: (lookup: RoleLookup) => boolean;
  signal?: AbortSignal | undefined;
  metrics?: ControllerMetrics | undefined;
}

const NOT_SHOWN = 'the provider did not show the written value on read-back';

/** Applies actions and verifies them (see the file comment). */
export async function applyAndVerify(
  actions: readonly Action[],
  ctx: WriteContext,
): Promise<WriteOutcome> {
  const { session, signal } = ctx;
  if (signal?.aborted) return { kind: 'Stopped' };
  let results: ActionResult[];
  try {
    results = await session.apply(actions, signal);
  } catch (err) {
    if (signal?.aborted) {
      // A write already sent when the stop came may have taken effect: say so, the successor reads the truth.
      ctx.log.warn(
        { provider: session.name, err: err instanceof Error ? err.message : String(err) },
        `writes cut short by the stop: ${actions.map(describeAction).join('; ')}`,
      );
      return { kind: 'Stopped' };
    }
    return { kind: 'Failed', decision: decideProviderFailure(providerFailure(err)) };
  } finally {
    recordProviderStats(session, ctx.metrics);
  }
  logWrites(ctx.log, session.name, results);
  const failed = results.find((r) => !r.ok);
  // Writes the stop kept from being sent: what did take effect is logged above, the rest is the next run's.
  if (failed && signal?.aborted) return { kind: 'Stopped' };
  if (failed && !failed.ok)
    return { kind: 'Failed', decision: decideProviderFailure(providerFailure(failed.error)) };
  const last = results[results.length - 1];
  if (!last?.ok) return { kind: 'NotVerified', message: NOT_SHOWN };
  const lookup: RoleLookup = { kind: 'Found', role: last.role };
  return ctx.verify(lookup)
    ? { kind: 'Verified', lookup, unchanged: results.every((r) => r.ok && r.unchanged === true) }
    : { kind: 'NotVerified', message: NOT_SHOWN, lookup };
}

/** Publishes a provider client's request counters as rolegate_provider_requests_total. */
export function recordProviderStats(session: ProviderSession, metrics?: ControllerMetrics): void {
  const stats = session.client.stats?.();
  if (stats) metrics?.recordProviderRequests(session.name, stats);
}

/**
 * Logs every write with its before and after (principle: every write is logged): those that took effect, and
 * those that failed or got no answer (a write that timed out may still have taken effect at the provider).
 */
function logWrites(log: Logger, provider: string, results: readonly ActionResult[]): void {
  for (const r of results) {
    if (!r.ok) {
      log.warn(
        {
          provider,
          roleId: r.action.roleId,
          policyId: r.action.handle,
          action: r.action.kind,
          before: 'before' in r.action ? r.action.before : undefined,
          after: 'after' in r.action ? r.action.after : undefined,
          err: r.error.message,
        },
        `write failed: ${describeAction(r.action)}: ${r.error.message}`,
      );
      continue;
    }
    log.info(
      {
        provider,
        roleId: r.action.roleId,
        policyId: r.action.handle,
        action: r.action.kind,
        before: 'before' in r.action ? r.action.before : undefined,
        after: 'after' in r.action ? r.action.after : undefined,
        // The provider's own view of the setting as read back after the write (Entra: PIM's enabled rules).
        ...(r.role.settings ? { settings: r.role.settings } : {}),
        ...(r.unchanged ? { unchanged: true } : {}),
      },
      // An audit log must not show a write that was never sent.
      r.unchanged
        ? `nothing written, already as wanted at the provider: ${describeAction(r.action)}`
        : `wrote: ${describeAction(r.action)}`,
    );
  }
}
