// Observes one PrivilegedRole without writing anything: its validity, its IdentityProvider, the role in the
// provider's shared snapshot, and whether an older object owns the claim. `rolegate plan` and the role reconciler
// both start here, so what plan prints is what the controller acts on.
import type { Logger } from 'pino';
import { objectFields } from '../log.js';
import {
  effectiveSpec,
  PAUSED_ANNOTATION,
  RECONCILE_INTERVAL_ANNOTATION,
  type EffectiveSpec,
  type IdentityProvider,
  type PrivilegedRole,
} from '../api/v1alpha1/types.js';
import { Reason } from '../api/conditions.js';
import { parseInterval } from '../api/duration.js';
import type { PlanInput } from '../reconcile/plan.js';
import { decideProviderFailure } from '../reconcile/provider-failure.js';
import type { Result } from '../reconcile/result.js';
import type { Store } from '../sources/types.js';
import { ClaimOwners } from './claim-owners.js';
import { errorFields, providerFailure } from './provider-failure.js';
import type { ProviderRegistry } from './provider-registry.js';
import type { ProviderSession } from './provider-session.js';

/** A PrivilegedRole as observed, ready for plan(). */
export interface Observed {
  role: PrivilegedRole;
  input: PlanInput;
  intervalOverride: number | undefined;
  session?: ProviderSession;
  retry?: Result;
}

/** What a RoleObserver needs. */
export interface RoleObserverDeps {
  roles: Store<PrivilegedRole>;
  providers: Store<IdentityProvider>;
  registry: ProviderRegistry;
  /** The validation errors of an object, as `/pointer: message` lines. */
  problems: (obj: PrivilegedRole | IdentityProvider) => string[];
  log: Logger;
  options: { allowWeakening: boolean };
}

/** Observes PrivilegedRoles. */
export class RoleObserver {
  private readonly claims: ClaimOwners;
  constructor(private readonly deps: RoleObserverDeps) {
    this.claims = new ClaimOwners(deps.roles, (r) => deps.problems(r).length === 0);
  }

  /**
   * Observes one PrivilegedRole without writing anything: validation, provider, snapshot lookup, claims.
   * `rolegate plan` and the controller both start here.
   */
  async observe(key: string, signal?: AbortSignal): Promise<Observed | undefined> {
    const role = this.deps.roles.get(key);
    if (!role) return undefined;
    const spec = readableSpec(role);
    const annotations = role.metadata.annotations ?? {};
    const input: PlanInput = {
      spec,
      problems: this.deps.problems(role),
      paused: annotations[PAUSED_ANNOTATION] === 'true',
      lookup: undefined,
      lastObservedAt: role.status?.atProvider?.observedAt,
      options: { allowWeakening: this.deps.options.allowWeakening },
    };
    const intervalOverride = parseInterval(annotations[RECONCILE_INTERVAL_ANNOTATION]);
    const out: Observed = { role, input, intervalOverride };
    if (!spec) return out;
    const idp = this.deps.providers.get(spec.providerRef);
    const idpProblems = idp ? this.deps.problems(idp) : [];
    if (!idp || idpProblems.length > 0) {
      input.providerProblem = idp
        ? {
            reason: Reason.ProviderNotReady,
            message: `IdentityProvider ${spec.providerRef} is invalid and not used: ${idpProblems.join('; ')}`,
            stalled: true,
          }
        : {
            reason: Reason.ProviderNotFound,
            message: `IdentityProvider ${spec.providerRef} does not exist`,
            stalled: true,
          };
      return out;
    }
    try {
      out.session = await this.deps.registry.session(idp);
      const snapshot = await out.session.snapshot(intervalOverride ?? Infinity, signal);
      input.lookup = snapshot.resolve(spec.role, spec.scope);
      if (input.lookup.kind === 'Found') {
        const ref = { provider: spec.providerRef, role: spec.role, scope: spec.scope };
        input.conflictWinner = this.claims.ownerOf(role, ref, input.lookup.role, snapshot);
      }
    } catch (err) {
      const decision = decideProviderFailure(providerFailure(err));
      input.providerProblem = decision.problem;
      if (decision.retry) out.retry = decision.retry;
      this.deps.log.warn(
        { ...objectFields('PrivilegedRole', key), err: errorFields(err) },
        'cannot observe the identity provider',
      );
    }
    return out;
  }
}

/** The spec with defaults, or undefined when the object lacks the fields needed to even observe. */
function readableSpec(role: PrivilegedRole): EffectiveSpec | undefined {
  const s = role.spec as Partial<PrivilegedRole['spec']> | undefined;
  const target = s?.group ?? s?.role;
  if (
    !s ||
    typeof s.providerRef?.name !== 'string' ||
    typeof target !== 'object' ||
    target === null
  )
    return undefined;
  try {
    return effectiveSpec({ ...s, mfaRequired: s.mfaRequired === true } as PrivilegedRole['spec']);
  } catch {
    return undefined;
  }
}
