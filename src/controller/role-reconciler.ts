// Reconciles one PrivilegedRole: read it from the store, observe the provider through its shared snapshot, let
// plan() decide, apply and verify, then write status only if it changed. Level-based: it never asks what event
// brought the key here. Every branch takes the same steps: Event, conditions (from plan), status, Result.
import type { Logger } from 'pino';
import { objectFields } from '../log.js';
import { RESET_FINALIZER, type PrivilegedRole } from '../api/v1alpha1/types.js';
import { objectKey } from '../api/keys.js';
import { plan, type Plan } from '../reconcile/plan.js';
import { planDeletion } from '../reconcile/deletion.js';
import { nextStatus } from '../reconcile/status.js';
import { withSourceProblem, type SourceProblem } from '../reconcile/source-problem.js';
import { describeAction } from '../reconcile/action.js';
import { describeDrift } from '../reconcile/diff.js';
import { done, retry, type Result } from '../reconcile/result.js';
import type { EventRecorder, FinalizerWriter, ObjectEvent } from '../status/types.js';
import { applyAndVerify } from './apply-and-verify.js';
import { RoleObserver, type Observed, type RoleObserverDeps } from './role-observer.js';
import type { StatusReporter } from './status-reporter.js';
import type { ProviderDescriptors } from '../providers/registry.js';
import type { ControllerMetrics } from './metrics.js';

/** The reason of the Event recorded when rolegate corrected drift (and verified the write). */
export const CORRECTED_EVENT = 'DriftCorrected';

/** The Result of a reconcile that saw the stop signal: nothing more is started, the key is left for later. */
const STOPPED = retry('the controller is stopping');

/** What a RoleReconciler needs. */
export interface RoleReconcilerDeps extends RoleObserverDeps {
  status: StatusReporter;
  /** The identity providers rolegate knows: their default MFA requirement is what a reset returns to. */
  descriptors: ProviderDescriptors;
  /** Drops what is kept about an object that is gone (its cached validation). */
  forget?: ((kind: string, key: string) => void) | undefined;
  events: EventRecorder;
  /** Adds and removes rolegate's finalizer; without one (one-shot CLI runs) deletion policies are not acted on. */
  finalizers?: FinalizerWriter | undefined;
  metrics?: ControllerMetrics | undefined;
  /** Why the file a role comes from cannot be used now (directory mode); absent for Kubernetes. */
  sourceProblem?: ((key: string) => SourceProblem | undefined) | undefined;
  now?: () => Date;
}

/** Reconciles PrivilegedRoles. */
export class RoleReconciler {
  private readonly now: () => Date;
  /** Observes without writing: `rolegate plan` uses it as it is. */
  readonly observer: RoleObserver;
  constructor(private readonly deps: RoleReconcilerDeps) {
    this.now = deps.now ?? (() => new Date());
    this.observer = new RoleObserver(deps);
  }

  /** Reconciles one PrivilegedRole. */
  async reconcile(key: string, signal?: AbortSignal): Promise<Result> {
    const o = await this.observer.observe(key, signal);
    if (!o) {
      this.deps.status.forget('PrivilegedRole', key);
      this.deps.forget?.('PrivilegedRole', key);
      return done(); // gone: nothing holds it, so there is nothing left to do
    }
    if (signal?.aborted) return STOPPED;
    const { role, input } = o;
    const log = this.deps.log.child(objectFields('PrivilegedRole', key));
    if (role.metadata.deletionTimestamp) return this.finalize(o, log, signal);
    const wantFinalizer = input.spec?.deletionPolicy === 'ResetToDefault';
    if (
      this.deps.finalizers &&
      wantFinalizer !== (role.metadata.finalizers ?? []).includes(RESET_FINALIZER)
    ) {
      await this.deps.finalizers.setFinalizer(role, wantFinalizer, signal);
      // The patched object comes back through the source and is reconciled then, with its new resourceVersion.
      return done();
    }
    const provider = { provider: input.spec?.providerRef ?? '' };
    let p = plan(input);
    let result = o.retry;
    let corrected = false;
    const detected = p.drift;
    if (p.drift.length > 0) this.deps.metrics?.driftDetected.inc(provider);
    if (p.actions.length > 0 && o.session) {
      // One Event per correction, once the outcome is known: it names the drift and what was done about it.
      const what = describeDrift(p.drift);
      const notes = p.actions.map(describeAction).join('; ');
      const w = await applyAndVerify(p.actions, {
        session: o.session,
        log,
        signal,
        metrics: this.deps.metrics,
        verify: (lookup) => plan({ ...input, lookup }).actions.length === 0,
      });
      if (w.kind === 'Stopped') return STOPPED;
      if (w.kind === 'Failed') {
        p = plan({ ...input, providerProblem: w.decision.problem });
        result = w.decision.retry;
        this.warn(
          role,
          'ProviderError',
          `Could not correct drift (${what}): ${w.decision.problem.message}`,
        );
      } else if (w.kind === 'NotVerified') {
        p = plan({ ...input, lookup: w.lookup ?? input.lookup });
        result = retry(w.message);
        this.warn(
          role,
          'WriteNotVerified',
          `Wrote ${notes}, but the provider did not show it on read-back (drift: ${what})`,
        );
      } else {
        p = plan({ ...input, lookup: w.lookup });
        // Unchanged: the snapshot showed drift the provider no longer has. Nothing was written, so rolegate
        // corrected nothing and reports or counts no correction; status shows the role as it is now.
        if (!w.unchanged) {
          corrected = true;
          this.deps.metrics?.driftCorrected.inc({ provider: o.session.name });
          // A Warning even when corrected: a privileged role was found weaker than declared, which someone
          // should look into (who changed it, and when) although rolegate has put it right.
          this.warn(role, CORRECTED_EVENT, `Corrected drift (${what}): ${notes}`);
        }
      }
    } else if (p.outcome === 'Refused') {
      this.deps.metrics?.writesRefused.inc(provider);
      this.warn(role, p.conditions[0]?.reason ?? 'WeakeningRefused', p.summary, 'Refuse');
    } else if (p.outcome === 'Drifted') {
      this.warn(role, 'DriftDetected', p.summary, 'Detect');
    }
    const refused = await this.writeStatus(role, p, corrected, detected, signal);
    log.debug({ outcome: p.outcome, drift: p.drift }, p.summary);
    return refused ?? result ?? done(o.intervalOverride);
  }

  /**
   * A PrivilegedRole being deleted: with rolegate's finalizer, resets the role to the provider's default when its
   * deletionPolicy asks for it and the never-weaken guard allows it, then lets the object go. Only a provider
   * that may answer later keeps the object waiting.
   */
  private async finalize(o: Observed, log: Logger, signal?: AbortSignal): Promise<Result> {
    const { role, input, session } = o;
    const finalizers = this.deps.finalizers;
    if (!finalizers || !(role.metadata.finalizers ?? []).includes(RESET_FINALIZER)) return done();
    const found = input.lookup?.kind === 'Found' ? input.lookup.role : undefined;
    const descriptor = session ? this.deps.descriptors.byKind(session.client.kind) : undefined;
    const providerDefault = found ? descriptor?.defaultMfaRequired(found) : undefined;
    const assignmentDefault = found ? descriptor?.defaultMfaOnActiveAssignment?.(found) : undefined;
    const decision = planDeletion(input, providerDefault, assignmentDefault);
    if (decision.kind === 'Retry') return o.retry ?? retry(decision.message);
    let outcome = decision.message;
    if (decision.kind === 'Reset' && session) {
      const w = await applyAndVerify(decision.actions, {
        session,
        log,
        signal,
        metrics: this.deps.metrics,
        verify: (lookup) =>
          planDeletion({ ...input, lookup }, providerDefault, assignmentDefault).kind === 'Release',
      });
      if (w.kind === 'Stopped') return STOPPED;
      if (w.kind === 'Verified') {
        const note = decision.actions.map(describeAction).join('; ');
        this.deps.events.record(role, {
          type: 'Normal',
          reason: 'ResetToDefault',
          note,
          action: 'Update',
        });
        // What the guard kept from the reset is said as a refusal of its own.
        if (decision.kept !== undefined) {
          this.deps.metrics?.writesRefused.inc({ provider: input.spec?.providerRef ?? '' });
          this.deps.events.record(role, {
            type: 'Warning',
            reason: 'ResetRefused',
            note: decision.kept,
            action: 'Refuse',
          });
        }
      } else {
        // A write refused for good (403, a bad request) releases the object as a stalled provider does;
        // throttling, 5xx or an unverified write wait.
        const why = w.kind === 'Failed' ? w.decision.problem.message : w.message;
        this.warn(role, 'ResetFailed', `${decision.message}: ${why}`);
        const after =
          w.kind === 'Failed'
            ? planDeletion(
                { ...input, providerProblem: w.decision.problem },
                providerDefault,
                assignmentDefault,
              )
            : undefined;
        if (after?.kind !== 'Release')
          return (w.kind === 'Failed' ? w.decision.retry : undefined) ?? retry(why);
        outcome = after.message;
      }
    } else {
      const refused = decision.kind === 'Release' && decision.refused;
      if (refused)
        this.deps.metrics?.writesRefused.inc({ provider: input.spec?.providerRef ?? '' });
      this.deps.events.record(role, {
        type: refused ? 'Warning' : 'Normal',
        reason: refused ? 'ResetRefused' : 'Released',
        note: decision.message,
        action: refused ? 'Refuse' : 'Observe',
      });
    }
    log.info({ decision: decision.kind }, `finalized: ${outcome}`);
    await finalizers.setFinalizer(role, false, signal);
    return done();
  }

  private warn(
    role: PrivilegedRole,
    reason: string,
    note: string,
    action: ObjectEvent['action'] = 'Update',
  ): void {
    this.deps.events.record(role, { type: 'Warning', reason, note, action });
  }

  private writeStatus(
    role: PrivilegedRole,
    p: Plan,
    corrected: boolean,
    detected: Plan['drift'],
    signal?: AbortSignal,
  ): Promise<Result | undefined> {
    // Enforcement went on with the last good spec; the conditions must not read green while its file is broken.
    const source = this.deps.sourceProblem?.(objectKey(role.metadata));
    const shown = source ? { ...p, conditions: withSourceProblem(p.conditions, source) } : p;
    const next = nextStatus(role.status, shown, {
      generation: role.metadata.generation,
      now: this.now().toISOString(),
      corrected,
      correctedDrift: detected,
    });
    return this.deps.status.role(role, next, signal);
  }
}
