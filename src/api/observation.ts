// Pure. What a provider observed about roles, in provider-neutral terms; plan() reads only this.

/** What makes activation of a role require a second factor. */
export type MfaMechanism = 'MultiFactorAuthentication' | 'AuthenticationContext' | 'None';

/** The state of an authentication context on a role, and of the Conditional Access policy behind it. */
export interface AuthenticationContextState {
  /** The claim value, such as c1. */
  claimValue: string;
  /** Whether a Conditional Access policy that targets the context requires MFA and is enabled. */
  policy: 'RequiresMfa' | 'Missing' | 'Disabled' | 'ReportOnly' | 'NoMfaControl';
}

/** The live state of one role's activation policy. */
export interface LiveRole {
  /** The role's id at the provider (Entra: template id; Keycloak: role id), lower case. */
  roleId: string;
  roleDisplayName: string;
  /** The Keycloak client of a client role. */
  clientId?: string;
  scope: string;
  /** The id of the object that carries the setting (Entra: the PIM policy id; Keycloak: the flow alias). */
  policyId: string;
  /** The raw MFA switch (Entra: MultiFactorAuthentication in Enablement_EndUser_Assignment). */
  mfaRule: boolean;
  /** An enabled authentication context on activation, if any. */
  authenticationContext?: AuthenticationContextState;
  /** The enabled rules as the provider names them, sorted. */
  enabledRules: string[];
  /** Provider-specific detail for status, deterministic. */
  detail?: string;
}

/** The outcome of looking up a role reference in a snapshot. */
export type RoleLookup =
  | { kind: 'Found'; role: LiveRole }
  | { kind: 'NotFound'; message: string }
  | { kind: 'Ambiguous'; candidates: string[] };

/** What the MFA requirement of a live role amounts to. */
export interface MfaAssessment {
  required: boolean;
  mechanism: MfaMechanism;
  /** Deterministic warnings about weaker cases, sorted. */
  warnings: string[];
}

/**
 * Decides whether activation of a live role requires MFA. An enabled authentication context whose
 * Conditional Access policy requires MFA counts (it is the stronger form); a context whose policy is
 * missing falls back to PIM's own MFA check only when the MFA rule is also on.
 */
export function assessMfa(role: LiveRole): MfaAssessment {
  const ctx = role.authenticationContext;
  const warnings: string[] = [];
  if (ctx && ctx.policy === 'RequiresMfa') {
    return { required: true, mechanism: 'AuthenticationContext', warnings };
  }
  if (ctx) {
    const why: Record<AuthenticationContextState['policy'], string> = {
      RequiresMfa: '',
      Missing: 'no Conditional Access policy targets it',
      Disabled: 'its Conditional Access policy is disabled',
      ReportOnly: 'its Conditional Access policy is in report-only mode',
      NoMfaControl: 'its Conditional Access policy does not require MFA',
    };
    warnings.push(
      `Authentication context ${ctx.claimValue} does not enforce MFA: ${why[ctx.policy]}`,
    );
  }
  if (role.mfaRule) return { required: true, mechanism: 'MultiFactorAuthentication', warnings };
  return { required: false, mechanism: 'None', warnings };
}
