// Builders shared by the reconcile table tests: one Global Administrator role, its spec and a plan() input.
import type { PlanInput } from '../../../src/reconcile/plan.js';
import type { EffectiveSpec } from '../../../src/api/v1alpha1/types.js';
import {
  useRequirement,
  type AuthenticationContextState,
  type LiveRole,
} from '../../../src/api/observation.js';

export const GA = '62e90394-69f5-4237-9190-012177145e10';

/** An enforced spec requiring MFA on Global Administrator, with `over` applied. */
export const spec = (over: Partial<EffectiveSpec> = {}): EffectiveSpec => ({
  providerRef: 'emulator',
  role: { id: GA },
  scope: '/',
  mfaRequired: true,
  mechanism: 'Any',
  enforcement: 'Enforce',
  deletionPolicy: 'Orphan',
  holderCoverage: 'Report',
  ...over,
});

/** What a table case changes in the observed role: the PIM switch and context, or any LiveRole field. */
export type LiveOver = Partial<Omit<LiveRole, 'requirements'>> & {
  /** PIM's MFA rule on activation (the ActivationRule switch). */
  mfaRule?: boolean;
  authenticationContext?: AuthenticationContextState;
};

/** Global Administrator as observed: Justification only, no MFA, with `over` applied. */
export const live = (over: LiveOver = {}): LiveRole => {
  const { mfaRule = false, authenticationContext, ...rest } = over;
  return {
    roleId: GA,
    roleDisplayName: 'Global Administrator',
    scope: '/',
    handle: 'DirectoryRole_t_p1',
    requirements: [useRequirement('Eligible', 'ActivationRule', mfaRule, authenticationContext)],
    settings: ['Justification'],
    ...rest,
  };
};

/** A plan() input for `spec()` and `live()`, with `over` applied. */
export const input = (over: Partial<PlanInput> = {}): PlanInput => ({
  spec: spec(),
  problems: [],
  paused: false,
  lookup: { kind: 'Found', role: live() },
  options: { allowWeakening: false },
  ...over,
});
