// Pure. What a provider observed about roles, in provider-neutral terms; plan() reads only this.
//
// An observation says what is required of whom, and which mechanism covers it: for each holder path the provider
// can see (today one per role: the use of the role, which PIM calls activation and Keycloak a browser login), the
// mechanisms that ask those holders for a second factor. Provider vocabulary (PIM's rule names and policy ids,
// Keycloak's flows) stays inside each provider: the core sees mechanisms, and an opaque handle it gives back in
// actions. New holder paths (standing assignments, membership through a group) and mechanisms (a Conditional
// Access policy) are new entries of the same lists, not a new shape.
import type { CoverageFacts } from './coverage.js';

/** What makes use of a role require a second factor, in the vocabulary of `spec.mfa.mechanism`. */
export type MfaMechanism = 'MultiFactorAuthentication' | 'AuthenticationContext' | 'None';

/**
 * Whom a requirement applies to, by the path through which they hold the role.
 * - `Eligible`: holders who must activate the role before using it (PIM), asked when they activate.
 * - `All`: every holder the provider's condition matches, asked when they sign in (Keycloak's browser flow).
 */
export type HolderPath = 'Eligible' | 'All';

/** The holder paths a PrivilegedRole's `mfaRequired` declares; other paths are observed, not declared. */
export const DECLARED_PATHS: readonly HolderPath[] = ['Eligible', 'All'];

/**
 * The name of a provider's own switch for a second factor, which rolegate turns on and off (SetMfa):
 * - `ActivationRule`: PIM's MFA-on-activation rule (Entra directory roles, Azure RBAC roles);
 * - `OtpStep`: a conditional OTP step in Keycloak's browser flow for holders of the role.
 * - `AssignmentRule`: PIM's rule that requires MFA of the administrator making an active assignment
 *   (Enablement_Admin_Assignment); observed as `LiveRole.assignmentMfa`, turned by a SetMfa action like the others.
 * Another provider names its own (the core only turns it on and off).
 */
export type SwitchName = 'ActivationRule' | 'OtpStep' | 'AssignmentRule' | (string & {});

/** A provider switch that asks holders for a second factor when on. */
export interface SwitchMechanism {
  kind: 'Switch';
  name: SwitchName;
  enabled: boolean;
}

/** The verdict on the Conditional Access policy behind an authentication context. */
export type ContextPolicyVerdict =
  'RequiresMfa' | 'Missing' | 'Disabled' | 'ReportOnly' | 'NoMfaControl';

/** The state of an authentication context on a role, and of the Conditional Access policy behind it. */
export interface AuthenticationContextState {
  /** The claim value, such as c1. */
  claimValue: string;
  /** Whether a Conditional Access policy that targets the context requires MFA and is enabled. */
  policy: ContextPolicyVerdict;
}

/** An authentication context enabled on the role: holders meet whatever Conditional Access asks of it. */
export interface AuthenticationContextMechanism extends AuthenticationContextState {
  kind: 'AuthenticationContext';
}

/** A mechanism that may ask holders for a second factor. */
export type Mechanism = SwitchMechanism | AuthenticationContextMechanism;

/**
 * What is required of the holders on one path, and which mechanisms cover them. Per-holder detail (who holds the
 * role on this path, and whether each one is covered) belongs here as a further field.
 */
export interface Requirement {
  path: HolderPath;
  /** The mechanisms in place, the provider's switch first; an empty list means nothing asks. */
  mechanisms: Mechanism[];
}

/** The live state of one role, as far as MFA goes. */
export interface LiveRole {
  /** The role's id at the provider (Entra: template id; Keycloak: role id), lower case. */
  roleId: string;
  roleDisplayName: string;
  /** The Keycloak client of a client role. */
  clientId?: string;
  scope: string;
  /**
   * The provider's handle on what holds the role's setting, opaque to the core and handed back in actions
   * (Entra: the PIM policy id; Keycloak: the browser flow alias). Shown in status so that users can find it.
   */
  handle: string;
  /** What is required of whom: one entry per holder path the provider observes. */
  requirements: Requirement[];
  /** The provider's own names for the settings in force, for users (Entra: PIM's enabled rules); sorted. */
  settings?: string[];
  /** Provider-specific detail for status, deterministic. */
  detail?: string;
  /**
   * PIM's rule that requires MFA of the administrator who makes an active assignment (Enablement_Admin_Assignment);
   * absent where the provider has no such rule (Keycloak).
   */
  assignmentMfa?: boolean;
  /** Who holds the role and what may ask them for a second factor; absent when holders were not read. */
  coverage?: CoverageFacts;
}

/** The outcome of looking up a role reference in a snapshot. */
export type RoleLookup =
  | { kind: 'Found'; role: LiveRole }
  | { kind: 'NotFound'; message: string }
  | { kind: 'Ambiguous'; candidates: string[] };

/** The requirement a PrivilegedRole's `mfaRequired` speaks about, if the provider observed one. */
export function declaredRequirement(role: LiveRole): Requirement | undefined {
  return role.requirements.find((r) => DECLARED_PATHS.includes(r.path));
}

/** The provider's switch on the declared path, if it has one. */
export function mfaSwitch(role: LiveRole): SwitchMechanism | undefined {
  return declaredRequirement(role)?.mechanisms.find(
    (m): m is SwitchMechanism => m.kind === 'Switch',
  );
}

/** Whether the provider's switch on the declared path is on. */
export function switchEnabled(role: LiveRole): boolean {
  return mfaSwitch(role)?.enabled === true;
}

/** The authentication context on the declared path, if one is enabled. */
export function authenticationContext(role: LiveRole): AuthenticationContextState | undefined {
  const m = declaredRequirement(role)?.mechanisms.find(
    (x): x is AuthenticationContextMechanism => x.kind === 'AuthenticationContext',
  );
  return m ? { claimValue: m.claimValue, policy: m.policy } : undefined;
}

/** The requirement of holders asked through the switch `name` (and an authentication context, if any). */
export function useRequirement(
  path: HolderPath,
  name: SwitchName,
  enabled: boolean,
  context?: AuthenticationContextState,
): Requirement {
  const mechanisms: Mechanism[] = [{ kind: 'Switch', name, enabled }];
  if (context) mechanisms.push({ kind: 'AuthenticationContext', ...context });
  return { path, mechanisms };
}

/** What the MFA requirement of a live role amounts to. */
export interface MfaAssessment {
  required: boolean;
  mechanism: MfaMechanism;
  /** Deterministic warnings about weaker cases, sorted. */
  warnings: string[];
}

const CONTEXT_WEAKNESS: Record<ContextPolicyVerdict, string> = {
  RequiresMfa: '',
  Missing: 'no Conditional Access policy targets it',
  Disabled: 'its Conditional Access policy is disabled',
  ReportOnly: 'its Conditional Access policy is in report-only mode',
  NoMfaControl: 'its Conditional Access policy does not require MFA',
};

/**
 * Decides whether use of a live role requires MFA on the declared path. An enabled authentication context whose
 * Conditional Access policy requires MFA counts (it is the stronger form); a context whose policy is missing
 * falls back to the provider's own switch only when that switch is also on.
 */
export function assessMfa(role: LiveRole): MfaAssessment {
  const ctx = authenticationContext(role);
  const warnings: string[] = [];
  if (ctx && ctx.policy === 'RequiresMfa') {
    return { required: true, mechanism: 'AuthenticationContext', warnings };
  }
  if (ctx) {
    warnings.push(
      `Authentication context ${ctx.claimValue} does not enforce MFA: ${CONTEXT_WEAKNESS[ctx.policy]}`,
    );
  }
  if (switchEnabled(role))
    return { required: true, mechanism: 'MultiFactorAuthentication', warnings };
  return { required: false, mechanism: 'None', warnings };
}
