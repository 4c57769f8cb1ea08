// Reconciles one IdentityProvider: this is the resync. It reads a fresh snapshot (identity providers send no
// events, so the key re-arms itself at the resync interval) and reports on the provider's status whether it can be
// used and which of its roles lack MFA. The roles that use the provider are looked at again by the controller,
// through a mapping from provider to roles; this reconciler never enqueues another kind.
import { roleTarget } from '../api/role-target.js';
import type { Logger } from 'pino';
import { objectFields } from '../log.js';
import type { IdentityProvider, PrivilegedRole } from '../api/v1alpha1/types.js';
import { MIN_INTERVAL_MS, parseInterval } from '../api/duration.js';
import { decideProviderFailure } from '../reconcile/provider-failure.js';
import { nextProviderStatus, type ProviderObservation } from '../reconcile/provider-status.js';
import { done, type Result } from '../reconcile/result.js';
import type { Store } from '../sources/types.js';
import { recordProviderStats } from './apply-and-verify.js';
import { errorFields, providerFailure } from './provider-failure.js';
import type { ProviderRegistry } from './provider-registry.js';
import type { StatusReporter } from './status-reporter.js';
import type { ProviderDescriptors } from '../providers/registry.js';
import type { ControllerMetrics } from './metrics.js';

/** What a ProviderReconciler needs. */
export interface ProviderReconcilerDeps {
  roles: Store<PrivilegedRole>;
  providers: Store<IdentityProvider>;
  registry: ProviderRegistry;
  status: StatusReporter;
  /** The validation errors of an object, as `/pointer: message` lines. */
  problems: (obj: IdentityProvider) => string[];
  /** The identity providers rolegate knows, for the kind `status.type` reports. */
  descriptors: ProviderDescriptors;
  /** Drops what is kept about an object that is gone (its cached validation). */
  forget?: ((kind: string, key: string) => void) | undefined;
  log: Logger;
  /** The resync interval of providers that do not set one. */
  defaultResyncMs: number;
  metrics?: ControllerMetrics | undefined;
  now?: () => Date;
}

/** Reconciles IdentityProviders. */
export class ProviderReconciler {
  private readonly now: () => Date;
  constructor(private readonly deps: ProviderReconcilerDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** The resync interval of an IdentityProvider. */
  resyncMs(idp: IdentityProvider | undefined): number {
    // clamped: an interval below the minimum that got past validation must not become a tight loop
    return (
      parseInterval(idp?.spec.resyncInterval) ??
      Math.max(this.deps.defaultResyncMs, MIN_INTERVAL_MS)
    );
  }

  /** Reconciles one IdentityProvider. */
  async reconcile(name: string, signal?: AbortSignal): Promise<Result> {
    const idp = this.deps.providers.get(name);
    if (!idp) {
      await this.deps.registry.remove(name);
      this.deps.status.forget('IdentityProvider', name);
      this.deps.forget?.('IdentityProvider', name);
      this.deps.metrics?.forgetProvider(name);
      return done();
    }
    const log = this.deps.log.child(objectFields('IdentityProvider', name));
    let result = done(this.resyncMs(idp));
    let observation: ProviderObservation;
    const problems = this.deps.problems(idp);
    if (problems.length > 0) {
      // Not used until fixed: a session built from a spec with errors would act on a guess.
      await this.deps.registry.remove(name);
      observation = { kind: 'Invalid', problems };
      log.warn({ problems }, 'identity provider is invalid and not used');
      result = done();
    } else {
      try {
        observation = await this.observe(idp, signal);
      } catch (err) {
        const decision = decideProviderFailure(providerFailure(err));
        log.warn({ err: errorFields(err) }, 'identity provider not ready');
        observation = { kind: 'Failed', problem: decision.problem };
        if (decision.retry) result = decision.retry;
      }
    }
    if (signal?.aborted) return result;
    const status = nextProviderStatus(idp.status, observation, {
      type: this.deps.descriptors.kindOf(idp.spec),
      generation: idp.metadata.generation,
      now: this.now().toISOString(),
    });
    if (observation.kind === 'Observed')
      this.deps.metrics?.rolesWithoutMfa.set(
        { provider: name },
        status.alerts?.rolesWithoutMfa ?? 0,
      );
    return (await this.deps.status.provider(idp, status, signal)) ?? result;
  }

  /** Reads a fresh snapshot and what the PrivilegedRoles of this provider resolve to in it. */
  private async observe(idp: IdentityProvider, signal?: AbortSignal): Promise<ProviderObservation> {
    const name = idp.metadata.name;
    const session = await this.deps.registry.session(idp);
    // A snapshot read moments ago (at start-up, by the first roles) is fresh enough. While a newer one is read,
    // the roles of this provider go on with the current one instead of waiting for it.
    const snapshot = await session.snapshot(Math.min(this.resyncMs(idp) / 2, 10_000), signal);
    recordProviderStats(session, this.deps.metrics);
    const declared = new Set<string>();
    for (const r of rolesOf(this.deps.roles, name)) {
      const found = snapshot.resolve(roleTarget(r.spec).ref, roleTarget(r.spec).scope);
      if (found.kind === 'Found') declared.add(found.role.roleId);
    }
    const roles = snapshot.roles();
    return { kind: 'Observed', roles, declared };
  }
}

/** The PrivilegedRoles that name an IdentityProvider: what a change of the provider maps to. */
export function rolesOf(roles: Store<PrivilegedRole>, provider: string): PrivilegedRole[] {
  return roles.list().filter((r) => r.spec?.providerRef?.name === provider);
}
