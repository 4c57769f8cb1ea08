// Reconciles one key: read desired state from the store, observe the provider through its shared snapshot,
// let plan() decide, apply and verify, then write status only if it changed. Level-based: it never asks
// what event brought the key here.
import type { Logger } from 'pino';
import { objectFields } from '../log.js';
import {
  effectiveSpec,
  PAUSED_ANNOTATION,
  RECONCILE_INTERVAL_ANNOTATION,
  RESET_FINALIZER,
  type EffectiveSpec,
  type IdentityProvider,
  type IdentityProviderStatus,
  type PrivilegedRole,
} from '../api/v1alpha1/types.js';
import type { RoleLookup } from '../api/observation.js';
import { ConditionType, mergeConditions, Reason, type ConditionSpec } from '../api/conditions.js';
import { MIN_INTERVAL_MS, parseInterval } from '../api/duration.js';
import { objectKey } from '../api/keys.js';
import { plan, type Plan, type PlanInput } from '../reconcile/plan.js';
import { planDeletion } from '../reconcile/deletion.js';
import { nextStatus, statusEqual } from '../reconcile/status.js';
import { rolesWithoutMfa } from '../reconcile/alerts.js';
import { describeAction } from '../reconcile/action.js';
import { describeDrift } from '../reconcile/diff.js';
import { ProviderConfigError, ProviderError, type ActionResult } from '../providers/types.js';
import type { Store } from '../sources/types.js';
import type { EventRecorder, FinalizerWriter, StatusWriter } from '../status/types.js';
import { PROVIDERS, type ProviderDescriptors } from '../providers/registry.js';
import type { ProviderRegistry } from './provider-registry.js';
import { ValidationCache } from './validation-cache.js';
import type { ProviderSession } from './provider-session.js';
import type { ControllerMetrics } from './metrics.js';

/** The reason of the Event recorded when rolegate corrected drift (and verified the write). */
export const CORRECTED_EVENT = 'DriftCorrected';

/** What the worker does with a key after reconciling it. */
export type Result =
  { kind: 'done'; requeueAfterMs?: number } | { kind: 'retry'; afterMs?: number; error: string };

/** A PrivilegedRole as observed, ready for plan(). */
export interface Observed {
  role: PrivilegedRole;
  input: PlanInput;
  intervalOverride: number | undefined;
  session?: ProviderSession;
  retry?: Result;
}

/** Controller-wide options. */
export interface ReconcilerOptions {
  allowWeakening: boolean;
  /** The resync interval of providers that do not set one. */
  defaultResyncMs: number;
}

/** What a Reconciler needs. */
export interface ReconcilerDeps {
  roles: Store<PrivilegedRole>;
  providers: Store<IdentityProvider>;
  registry: ProviderRegistry;
  status: StatusWriter;
  events: EventRecorder;
  /** Adds and removes rolegate's finalizer; without one (one-shot CLI runs) deletion policies are not acted on. */
  finalizers?: FinalizerWriter;
  log: Logger;
  options: ReconcilerOptions;
  metrics?: ControllerMetrics;
  now?: () => Date;
  /** Called when a provider resync wants its roles looked at again. */
  enqueueRole?: (key: string) => void;
  /** The identity providers rolegate knows (default: those it ships). */
  descriptors?: ProviderDescriptors;
}

/** Reconciles PrivilegedRoles and IdentityProviders. */
export class Reconciler {
  private readonly now: () => Date;
  private readonly descriptors: ProviderDescriptors;
  private readonly validation: ValidationCache;

  constructor(private readonly deps: ReconcilerDeps) {
    this.now = deps.now ?? (() => new Date());
    this.descriptors = deps.descriptors ?? PROVIDERS;
    this.validation = new ValidationCache(this.descriptors.descriptors);
    // Finding the other claimants of a role must not scan every PrivilegedRole on every reconcile.
    deps.roles.addIndex?.(CLAIM_INDEX, claimIndexValues);
  }

  /** The resync interval of an IdentityProvider. */
  resyncMs(idp: IdentityProvider | undefined): number {
    // clamped: an interval below the minimum that got past validation must not become a tight loop
    return (
      parseInterval(idp?.spec.resyncInterval) ??
      Math.max(this.deps.options.defaultResyncMs, MIN_INTERVAL_MS)
    );
  }

  /**
   * Observes one PrivilegedRole without writing anything: validation, provider, snapshot lookup, conflicts.
   * `rolegate plan` and the controller both start here.
   */
  async observeRole(key: string, signal?: AbortSignal): Promise<Observed | undefined> {
    const role = this.deps.roles.get(key);
    if (!role) {
      this.validation.forget('PrivilegedRole', key);
      return undefined;
    }
    const problems = this.validation.errors(role).map((p) => `${p.pointer || '/'}: ${p.message}`);
    const spec = readableSpec(role);
    const paused = role.metadata.annotations?.[PAUSED_ANNOTATION] === 'true';
    const intervalOverride = parseInterval(
      role.metadata.annotations?.[RECONCILE_INTERVAL_ANNOTATION],
    );
    const input: PlanInput = {
      spec,
      problems,
      paused,
      lookup: undefined,
      options: { allowWeakening: this.deps.options.allowWeakening },
    };
    const out: Observed = { role, input, intervalOverride };
    if (!spec) return out;
    const idp = this.deps.providers.get(spec.providerRef);
    if (!idp) {
      input.providerProblem = {
        reason: Reason.ProviderNotFound,
        message: `IdentityProvider ${spec.providerRef} does not exist`,
        stalled: true,
      };
      return out;
    }
    try {
      out.session = await this.deps.registry.session(idp);
      const snapshot = await out.session.snapshot(
        intervalOverride ?? Number.POSITIVE_INFINITY,
        signal,
      );
      input.lookup = snapshot.resolve(spec.role, spec.scope);
      input.conflictWinner = this.conflictWinner(role, spec, input.lookup);
    } catch (err) {
      const handled = this.providerProblem(err);
      input.providerProblem = handled.problem;
      if (handled.result) out.retry = handled.result;
      this.deps.log.warn(
        { ...objectFields('PrivilegedRole', key), err: errorFields(err) },
        'cannot observe the identity provider',
      );
    }
    return out;
  }

  /** Reconciles one PrivilegedRole. */
  async reconcileRole(key: string, signal?: AbortSignal): Promise<Result> {
    const observed = await this.observeRole(key, signal);
    if (!observed) return { kind: 'done' }; // gone: nothing holds it, so there is nothing left to do
    const { role, input, intervalOverride, session } = observed;
    const log = this.deps.log.child(objectFields('PrivilegedRole', key));
    if (role.metadata.deletionTimestamp) return this.finalizeRole(observed, log, signal);
    const finalizers = this.deps.finalizers;
    const wantFinalizer = input.spec?.deletionPolicy === 'ResetToDefault';
    if (
      finalizers &&
      wantFinalizer !== (role.metadata.finalizers ?? []).includes(RESET_FINALIZER)
    ) {
      await finalizers.setFinalizer(role, wantFinalizer, signal);
      // The patched object comes back through the source and is reconciled then, with its new resourceVersion.
      return { kind: 'done' };
    }
    let retry = observed.retry;
    const spec = input.spec;

    let p = plan(input);
    let corrected = false;
    const detected = p.drift;
    if (p.drift.length > 0)
      this.deps.metrics?.driftDetected.inc({ provider: spec?.providerRef ?? '' });

    if (p.actions.length > 0 && session) {
      // One Event per correction, recorded once the outcome is known: it names the drift and what was done
      // about it. (Two, "detected" then "enabled", doubled the API server's Event writes at a first
      // convergence without telling a reader anything the one does not.)
      const what = describeDrift(p.drift);
      const results = await session.apply(p.actions).catch((err: unknown) => err);
      const failWith = (err: unknown): void => {
        const handled = this.providerProblem(err);
        p = plan({ ...input, providerProblem: handled.problem });
        retry = handled.result;
        this.deps.events.record(role, {
          type: 'Warning',
          reason: 'ProviderError',
          note: `Could not correct drift (${what}): ${handled.problem.message}`,
          action: 'Update',
        });
      };
      if (!Array.isArray(results)) {
        failWith(results);
      } else {
        const failed = results.find((r) => !r.ok);
        logWrites(log, session.name, results);
        if (failed && !failed.ok) {
          failWith(failed.error);
        } else {
          const last = results[results.length - 1];
          const verified: RoleLookup | undefined = last?.ok
            ? { kind: 'Found', role: last.role }
            : input.lookup;
          const after = plan({ ...input, lookup: verified });
          corrected = after.actions.length === 0;
          const notes = p.actions.map(describeAction).join('; ');
          // A Warning even when corrected: a privileged role was found weaker than declared, which someone
          // should look into (who changed it, and when) although rolegate has put it right.
          this.deps.events.record(role, {
            type: 'Warning',
            reason: corrected ? CORRECTED_EVENT : 'WriteNotVerified',
            note: corrected
              ? `Corrected drift (${what}): ${notes}`
              : `Wrote ${notes}, but the provider did not show it on read-back (drift: ${what})`,
            action: 'Update',
          });
          this.recordProviderStats(session);
          if (corrected) this.deps.metrics?.driftCorrected.inc({ provider: session.name });
          else
            retry = {
              kind: 'retry',
              error: 'the provider did not show the written value on read-back',
            };
          p = after;
        }
      }
    } else if (p.outcome === 'Refused') {
      this.deps.metrics?.writesRefused.inc({ provider: spec?.providerRef ?? '' });
      this.deps.events.record(role, {
        type: 'Warning',
        reason: p.conditions[0]?.reason ?? 'WeakeningRefused',
        note: p.summary,
        action: 'Refuse',
      });
    } else if (p.outcome === 'Drifted') {
      this.deps.events.record(role, {
        type: 'Warning',
        reason: 'DriftDetected',
        note: p.summary,
        action: 'Detect',
      });
    }

    await this.writeRoleStatus(role, p, corrected, detected, signal);
    log.debug({ outcome: p.outcome, drift: p.drift }, p.summary);
    if (retry) return retry;
    return intervalOverride !== undefined
      ? { kind: 'done', requeueAfterMs: intervalOverride }
      : { kind: 'done' };
  }

  /**
   * A PrivilegedRole being deleted: with rolegate's finalizer, resets the role to the provider's default when its
   * deletionPolicy asks for it and the never-weaken guard allows it, then lets the object go. Only a provider
   * that may answer later keeps the object waiting.
   */
  private async finalizeRole(o: Observed, log: Logger, signal?: AbortSignal): Promise<Result> {
    const { role, input, session } = o;
    const finalizers = this.deps.finalizers;
    if (!finalizers || !(role.metadata.finalizers ?? []).includes(RESET_FINALIZER))
      return { kind: 'done' };
    const found = input.lookup?.kind === 'Found' ? input.lookup.role : undefined;
    const providerDefault =
      found && session
        ? this.descriptors.byKind(session.client.kind)?.defaultMfaRequired(found)
        : undefined;
    const decision = planDeletion(input, providerDefault);
    if (decision.kind === 'Retry') return o.retry ?? { kind: 'retry', error: decision.message };
    let outcome = decision.message;
    if (decision.kind === 'Reset' && session) {
      const results = await session.apply(decision.actions).catch((err: unknown) => err);
      const failure = !Array.isArray(results)
        ? results
        : results.find((r): r is Extract<ActionResult, { ok: false }> => !r.ok)?.error;
      if (Array.isArray(results)) logWrites(log, session.name, results);
      this.recordProviderStats(session);
      const last = Array.isArray(results) ? results[results.length - 1] : undefined;
      // What happened decides as the observation would have: a write refused for good (403, a bad request)
      // releases the object like a stalled provider does; throttling, 5xx or an unverified write waits.
      const handled = failure === undefined ? undefined : this.providerProblem(failure);
      const after = handled
        ? planDeletion({ ...input, providerProblem: handled.problem }, providerDefault)
        : last?.ok
          ? planDeletion({ ...input, lookup: { kind: 'Found', role: last.role } }, providerDefault)
          : undefined;
      if (after?.kind !== 'Release' || handled) {
        const why =
          handled?.problem.message ?? 'the provider did not show the written value on read-back';
        this.deps.events.record(role, {
          type: 'Warning',
          reason: 'ResetFailed',
          note: `${decision.message}: ${why}`,
          action: 'Update',
        });
        if (after?.kind !== 'Release') return handled?.result ?? { kind: 'retry', error: why };
        outcome = after.message;
      } else {
        this.deps.events.record(role, {
          type: 'Normal',
          reason: 'ResetToDefault',
          note: decision.actions.map(describeAction).join('; '),
          action: 'Update',
        });
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
    return { kind: 'done' };
  }

  /**
   * Reconciles one IdentityProvider: this is the resync. It reads a fresh snapshot, reports credentials and
   * the roles without MFA on the provider's status, and asks for every role that uses it to be looked at.
   */
  async reconcileProvider(name: string, signal?: AbortSignal): Promise<Result> {
    const idp = this.deps.providers.get(name);
    const roles = this.deps.roles.list().filter((r) => r.spec?.providerRef?.name === name);
    if (!idp) {
      await this.deps.registry.remove(name);
      this.deps.metrics?.forgetProvider(name);
      for (const r of roles) this.deps.enqueueRole?.(objectKey(r.metadata));
      return { kind: 'done' };
    }
    const resync = this.resyncMs(idp);
    const log = this.deps.log.child(objectFields('IdentityProvider', name));
    const status: IdentityProviderStatus = {
      type: this.descriptors.kindOf(idp.spec),
    };
    if (idp.metadata.generation !== undefined) status.observedGeneration = idp.metadata.generation;
    let result: Result = { kind: 'done', requeueAfterMs: resync };
    try {
      const session = await this.deps.registry.session(idp);
      // A snapshot read moments ago (at start-up, by the first roles) is fresh enough.
      session.invalidateIfOlderThan(Math.min(resync / 2, 10_000));
      const snapshot = await session.snapshot(Number.POSITIVE_INFINITY, signal);
      this.recordProviderStats(session);
      const declared = new Set(
        roles
          .map((r) => snapshotRoleId(snapshot.resolve(r.spec.role ?? {}, r.spec.scope ?? '/')))
          .filter((x): x is string => x !== undefined),
      );
      const without = rolesWithoutMfa(snapshot.roles()).map((r) => ({
        ...r,
        declared: declared.has(r.roleId),
      }));
      status.alerts = { rolesWithoutMfa: without.length, roles: without };
      this.deps.metrics?.rolesWithoutMfa.set({ provider: name }, without.length);
      status.conditions = mergeConditions(
        idp.status?.conditions,
        [
          {
            type: ConditionType.Ready,
            status: 'True',
            reason: Reason.CredentialsReady,
            message: `Connected; ${snapshot.roles().length} roles observed, ${without.length} without MFA on activation`,
          },
        ],
        idp.metadata.generation,
        this.now().toISOString(),
      );
    } catch (err) {
      const handled = this.providerProblem(err);
      log.warn({ err: errorFields(err) }, 'identity provider not ready');
      const conds: ConditionSpec[] = [
        {
          type: ConditionType.Ready,
          status: 'False',
          reason: handled.problem.reason,
          message: handled.problem.message,
        },
      ];
      if (handled.problem.stalled)
        conds.push({
          type: ConditionType.Stalled,
          status: 'True',
          reason: handled.problem.reason,
          message: handled.problem.message,
        });
      else
        conds.push({
          type: ConditionType.Reconciling,
          status: 'True',
          reason: Reason.ProgressingWithRetry,
          message: handled.problem.message,
        });
      status.conditions = mergeConditions(
        idp.status?.conditions,
        conds,
        idp.metadata.generation,
        this.now().toISOString(),
      );
      if (idp.status?.alerts) status.alerts = idp.status.alerts;
      if (handled.result) result = handled.result;
    }
    if (!statusEqual(idp.status as never, status as never)) {
      await this.deps.status.writeProvider(idp, status, signal);
      this.deps.metrics?.statusWrites.inc({ kind: 'IdentityProvider' });
    }
    for (const r of roles) this.deps.enqueueRole?.(objectKey(r.metadata));
    return result;
  }

  /** Publishes a provider client's request counters as rolegate_provider_requests_total. */
  private recordProviderStats(session: ProviderSession): void {
    const stats = session.client.stats?.();
    if (stats) this.deps.metrics?.recordProviderRequests(session.name, stats);
  }

  private async writeRoleStatus(
    role: PrivilegedRole,
    p: Plan,
    corrected: boolean,
    detected: Plan['drift'],
    signal?: AbortSignal,
  ): Promise<void> {
    const next = nextStatus(role.status, p, {
      generation: role.metadata.generation,
      now: this.now().toISOString(),
      corrected,
      correctedDrift: detected,
    });
    if (statusEqual(role.status, next)) return;
    await this.deps.status.writeRole(role, next, signal);
    this.deps.metrics?.statusWrites.inc({ kind: 'PrivilegedRole' });
  }

  /** The older PrivilegedRole claiming the same provider + role + scope, if any (see reconcile/claims). */
  private conflictWinner(
    role: PrivilegedRole,
    spec: EffectiveSpec,
    lookup: RoleLookup,
  ): string | undefined {
    if (lookup.kind !== 'Found') return undefined;
    const me = objectKey(role.metadata);
    const target = lookup.role;
    let winner: { key: string; created: string } | undefined;
    const base = claimIndexBase(spec.providerRef, spec.scope, spec.role.clientId);
    const roles = this.deps.roles;
    const candidates = roles.byIndex
      ? [
          ...roles.byIndex(CLAIM_INDEX, `${base}id:${target.roleId.toLowerCase()}`),
          ...roles.byIndex(CLAIM_INDEX, `${base}name:${target.roleDisplayName}`),
        ]
      : roles.list();
    for (const other of candidates) {
      const okey = objectKey(other.metadata);
      if (okey === me || other.spec?.providerRef?.name !== spec.providerRef) continue;
      if ((other.spec.scope ?? '/') !== spec.scope) continue;
      if ((other.spec.role?.clientId ?? undefined) !== spec.role.clientId) continue;
      const claims =
        other.spec.role?.id?.toLowerCase() === target.roleId.toLowerCase() ||
        (other.spec.role?.id === undefined &&
          other.spec.role?.displayName === target.roleDisplayName);
      if (!claims || this.validation.errors(other).length > 0) continue;
      const created = other.metadata.creationTimestamp ?? '';
      if (
        !winner ||
        created.localeCompare(winner.created) < 0 ||
        (created === winner.created && okey < winner.key)
      ) {
        winner = { key: okey, created };
      }
    }
    if (!winner) return undefined;
    const mine = role.metadata.creationTimestamp ?? '';
    const older =
      winner.created.localeCompare(mine) < 0 || (winner.created === mine && winner.key < me);
    return older ? winner.key : undefined;
  }

  private providerProblem(err: unknown): {
    problem: NonNullable<PlanInput['providerProblem']>;
    result?: Result;
  } {
    if (err instanceof ProviderError) {
      switch (err.kind) {
        case 'Throttled':
          return {
            problem: {
              reason: Reason.Throttled,
              message: `Throttled by the identity provider: ${err.message}`,
              stalled: false,
            },
            result: { kind: 'retry', afterMs: err.retryAfterMs ?? 0, error: err.message },
          };
        case 'Unavailable':
          return {
            problem: {
              reason: Reason.ProviderError,
              message: `Identity provider unavailable: ${err.message}`,
              stalled: false,
            },
            result: { kind: 'retry', error: err.message },
          };
        case 'PermissionDenied':
          return {
            problem: { reason: Reason.PermissionDenied, message: err.message, stalled: true },
          };
        default:
          return { problem: { reason: Reason.ProviderError, message: err.message, stalled: true } };
      }
    }
    if (err instanceof ProviderConfigError) {
      return {
        problem: { reason: Reason.CredentialsMissing, message: err.message, stalled: true },
      };
    }
    const message = err instanceof Error ? err.message : String(err);
    return {
      problem: {
        reason: Reason.ProviderError,
        message: `Identity provider error: ${message}`,
        stalled: false,
      },
      result: { kind: 'retry', error: message },
    };
  }
}

const CLAIM_INDEX = 'claim';

function claimIndexBase(provider: string, scope: string, clientId: string | undefined): string {
  return `${provider}|${scope}|${clientId ?? ''}|`;
}

/** The claim index values of a PrivilegedRole: what it names, by id and by display name. */
function claimIndexValues(r: PrivilegedRole): string[] {
  const s = r.spec as Partial<PrivilegedRole['spec']> | undefined;
  if (!s?.providerRef?.name || !s.role) return [];
  const base = claimIndexBase(s.providerRef.name, s.scope ?? '/', s.role.clientId);
  const out: string[] = [];
  if (typeof s.role.id === 'string') out.push(`${base}id:${s.role.id.toLowerCase()}`);
  else if (typeof s.role.displayName === 'string') out.push(`${base}name:${s.role.displayName}`);
  return out;
}

/** The spec with defaults, or undefined when the object lacks the fields needed to even observe. */
function readableSpec(role: PrivilegedRole): EffectiveSpec | undefined {
  const s = role.spec as Partial<PrivilegedRole['spec']> | undefined;
  if (
    !s ||
    typeof s.providerRef?.name !== 'string' ||
    typeof s.role !== 'object' ||
    s.role === null
  )
    return undefined;
  try {
    return effectiveSpec({ ...s, mfaRequired: s.mfaRequired === true } as PrivilegedRole['spec']);
  } catch {
    return undefined;
  }
}

function snapshotRoleId(l: RoleLookup): string | undefined {
  return l.kind === 'Found' ? l.role.roleId : undefined;
}

/** Logs every write that took effect with its before and after (principle: every write is logged). */
function logWrites(log: Logger, provider: string, results: readonly ActionResult[]): void {
  for (const r of results) {
    if (!r.ok) continue;
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
      },
      `wrote: ${describeAction(r.action)}`,
    );
  }
}

/** Safe fields of an error for logs: no bodies, no headers. */
export function errorFields(err: unknown): Record<string, unknown> {
  if (err instanceof ProviderError)
    return {
      type: err.name,
      kind: err.kind,
      message: err.message,
      status: err.options.status,
      code: err.options.code,
    };
  if (err instanceof Error) return { type: err.name, message: err.message };
  return { message: String(err) };
}
