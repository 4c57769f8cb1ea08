// Pure. Graph PIM policy JSON ⇄ the provider-neutral LiveRole, and the PATCH bodies that change it. Graph is
// inconsistent about case (GET shows "all", clients send "All"; rule ids and enabledRules values are compared
// case-insensitively by the service), so every comparison here is case-insensitive.
import {
  useRequirement,
  type AuthenticationContextState,
  type ContextPolicyVerdict,
  type LiveRole,
} from '../../api/observation.js';

/** The rule that carries MFA (and Justification/Ticketing) on activation. */
export const ENABLEMENT_RULE = 'Enablement_EndUser_Assignment';
/**
 * The rule that requires MFA (and Justification) of the administrator who makes an active assignment: PIM's
 * "Require Azure MFA on active assignment" (caller Admin, level Assignment).
 */
export const ASSIGNMENT_RULE = 'Enablement_Admin_Assignment';
/** The rule that carries a Conditional Access authentication context on activation. */
export const AUTH_CONTEXT_RULE = 'AuthenticationContext_EndUser_Assignment';
/** The enabledRules value for MFA on activation. */
export const MFA_VALUE = 'MultiFactorAuthentication';

/** The only scope Entra directory-role PIM policies exist at. */
export const DIRECTORY_SCOPE = '/';

/** The canonical spelling of the enabledRules values Graph knows. */
const CANONICAL = new Map(
  [MFA_VALUE, 'Justification', 'Ticketing'].map((v) => [v.toLowerCase(), v] as const),
);

/** A policy rule as Graph returns it (only the fields rolegate reads are typed). */
export interface GraphRule {
  '@odata.type'?: string;
  id: string;
  enabledRules?: string[];
  isEnabled?: boolean;
  claimValue?: string | null;
  target?: GraphRuleTarget;
  [k: string]: unknown;
}

/** A rule target as Graph returns it. */
export interface GraphRuleTarget {
  caller?: string;
  operations?: string[];
  level?: string;
  inheritableSettings?: unknown[];
  enforcedSettings?: unknown[];
}

/** A unifiedRoleManagementPolicy, with rules when expanded. */
export interface GraphPolicy {
  id: string;
  scopeId?: string;
  scopeType?: string;
  rules?: GraphRule[];
}

/** A unifiedRoleManagementPolicyAssignment, with the policy when expanded. */
export interface GraphPolicyAssignment {
  id: string;
  policyId: string;
  scopeId: string;
  scopeType: string;
  roleDefinitionId: string;
  policy?: GraphPolicy | null;
}

/**
 * What a snapshot keeps of a listed policy assignment: the policy with only the rules rolegate reads. The listing
 * expands every rule of every policy (about 17 each); at thousands of roles that is tens of MB held for nothing.
 */
export function slimAssignment(a: GraphPolicyAssignment): GraphPolicyAssignment {
  if (!a.policy) return a;
  const rules = (a.policy.rules ?? []).filter(
    (r) => r.id === ENABLEMENT_RULE || r.id === AUTH_CONTEXT_RULE || r.id === ASSIGNMENT_RULE,
  );
  return { ...a, policy: { id: a.policy.id, rules } };
}

/** A unifiedRoleDefinition (the fields rolegate selects). */
export interface GraphRoleDefinition {
  id: string;
  displayName: string;
  templateId?: string | null;
  isBuiltIn?: boolean;
  isPrivileged?: boolean;
}

/** The rule body Graph needs for a PATCH of one rule. */
export interface RulePatchBody {
  '@odata.type': string;
  id: string;
  target: Record<string, unknown>;
  [k: string]: unknown;
}

const eq = (a: string | undefined | null, b: string | undefined | null): boolean =>
  (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

/** A rule of a policy by id, case-insensitively. */
export function findRule(
  rules: readonly GraphRule[] | undefined,
  id: string,
): GraphRule | undefined {
  return rules?.find((r) => eq(r.id, id));
}

/** The canonical spelling of an enabledRules value (unknown values are kept as they are). */
export function canonicalRule(v: string): string {
  return CANONICAL.get(v.toLowerCase()) ?? v;
}

/** Normalises an enabledRules list: canonical spelling, no duplicates, sorted. */
export function normalizeRules(values: readonly string[]): string[] {
  return [...new Set(values.map(canonicalRule))].sort();
}

/** Whether two enabledRules lists hold the same values, ignoring case and order. */
export function sameRules(a: readonly string[], b: readonly string[]): boolean {
  const x = normalizeRules(a);
  const y = normalizeRules(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/**
 * The enabledRules to write so that MFA is on (or off) while every other value (Justification, Ticketing, and
 * anything newer rolegate does not know) is kept: Graph replaces the whole array, so the PATCH is the union
 * (or difference) applied to the current rules, never the desired list alone.
 */
export function withMfa(current: readonly string[], enabled: boolean): string[] {
  const rest = current.filter((v) => !eq(v, MFA_VALUE));
  return normalizeRules(enabled ? [...rest, MFA_VALUE] : rest);
}

/** Whether an enabledRules list holds MFA. */
export function hasMfa(values: readonly string[]): boolean {
  return values.some((v) => eq(v, MFA_VALUE));
}

/** Maps Graph's lower-case operations back to the casing clients send ("all" → "All"). */
function operationsForPatch(ops: readonly string[] | undefined): string[] {
  const names = ['All', 'Activate', 'Deactivate', 'Assign', 'Update', 'Remove', 'Extend', 'Renew'];
  const list = ops && ops.length > 0 ? ops : ['All'];
  return list.map((o) => names.find((n) => eq(n, o)) ?? o);
}

/** The caller and level of each enablement rule rolegate writes (every rule's target names its own). */
export const RULE_TARGETS: Readonly<Record<string, { caller: string; level: string }>> = {
  [ENABLEMENT_RULE]: { caller: 'EndUser', level: 'Assignment' },
  [AUTH_CONTEXT_RULE]: { caller: 'EndUser', level: 'Assignment' },
  [ASSIGNMENT_RULE]: { caller: 'Admin', level: 'Assignment' },
};

/**
 * A full target for a PATCH of rule `ruleId`, from the current rule's target (caller/level kept, operations
 * recased); without one, the rule's own caller and level.
 */
function patchTarget(
  current: GraphRuleTarget | undefined,
  ruleId: string,
): Record<string, unknown> {
  const own = RULE_TARGETS[ruleId] ?? { caller: 'EndUser', level: 'Assignment' };
  return {
    '@odata.type': 'microsoft.graph.unifiedRoleManagementPolicyRuleTarget',
    caller: current?.caller ?? own.caller,
    operations: operationsForPatch(current?.operations),
    level: current?.level ?? own.level,
    inheritableSettings: current?.inheritableSettings ?? [],
    enforcedSettings: current?.enforcedSettings ?? [],
  };
}

/**
 * The PATCH body that sets an enablement rule's enabledRules: Enablement_EndUser_Assignment (activation) by
 * default, or Enablement_Admin_Assignment (active assignment).
 */
export function enablementPatch(
  enabledRules: readonly string[],
  current?: GraphRule,
  ruleId: string = ENABLEMENT_RULE,
): RulePatchBody {
  return {
    '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
    id: ruleId,
    enabledRules: normalizeRules(enabledRules),
    target: patchTarget(current?.target, ruleId),
  };
}

/** The enablement rule a SetMfa switch turns: the assignment rule, or the activation rule. */
export function enablementRuleOf(switchName: string): string {
  return switchName === 'AssignmentRule' ? ASSIGNMENT_RULE : ENABLEMENT_RULE;
}

/** The enabledRules of a rule, strings only. */
export function enabledRulesOf(rule: { enabledRules?: unknown } | undefined): string[] {
  const v = rule?.enabledRules;
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The PATCH body that turns on an authentication context on activation. */
export function authenticationContextPatch(claimValue: string, current?: GraphRule): RulePatchBody {
  return {
    '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule',
    id: AUTH_CONTEXT_RULE,
    isEnabled: true,
    claimValue,
    target: patchTarget(current?.target, AUTH_CONTEXT_RULE),
  };
}

/**
 * The live state of one role from its policy.
 *
 * An enabled authentication context is reported with `policy: 'Missing'`: whether a Conditional Access policy
 * targets the context and requires MFA is a separate read (Graph
 * `identity/conditionalAccess/policies`, needing Policy.Read.All) that will be done once per snapshot and passed
 * in here as a map from claim value to verdict; the default of 'Missing' is the conservative verdict, under
 * which assessMfa only counts PIM's own MFA rule.
 */
export function liveRoleFromPolicy(
  role: { id: string; displayName: string },
  policy: GraphPolicy,
  contextPolicies: ReadonlyMap<string, ContextPolicyVerdict> = new Map(),
): LiveRole {
  const notes: string[] = [];
  const enablement = findRule(policy.rules, ENABLEMENT_RULE);
  if (!enablement) notes.push(`policy ${policy.id} has no ${ENABLEMENT_RULE} rule`);
  const enabledRules = normalizeRules(
    (enablement?.enabledRules ?? []).filter((v): v is string => typeof v === 'string'),
  );
  const ctx = findRule(policy.rules, AUTH_CONTEXT_RULE);
  let context: AuthenticationContextState | undefined;
  if (ctx?.isEnabled === true) {
    if (typeof ctx.claimValue === 'string' && ctx.claimValue !== '') {
      context = {
        claimValue: ctx.claimValue,
        policy: contextPolicies.get(ctx.claimValue.toLowerCase()) ?? 'Missing',
      };
    } else {
      notes.push(`${AUTH_CONTEXT_RULE} is enabled without a claim value`);
    }
  }
  const assignment = findRule(policy.rules, ASSIGNMENT_RULE);
  return pimLiveRole(
    role,
    DIRECTORY_SCOPE,
    policy.id,
    enabledRules,
    context,
    notes,
    assignment ? enabledRulesOf(assignment) : undefined,
  );
}

/**
 * The provider-neutral view of one PIM policy (Graph or ARM): eligible holders are asked on activation through
 * PIM's MFA rule and, when one is enabled, an authentication context. The policy id is the handle; the enabled
 * rules are shown to users as the settings in force. `assignmentRules` are the assignment rule's enabledRules
 * (absent when the policy has none), read as `assignmentMfa`.
 */
export function pimLiveRole(
  role: { id: string; displayName: string },
  scope: string,
  policyId: string,
  enabledRules: string[],
  context: AuthenticationContextState | undefined,
  notes: string[],
  assignmentRules?: readonly string[],
): LiveRole {
  const out: LiveRole = {
    roleId: role.id.toLowerCase(),
    roleDisplayName: role.displayName,
    scope,
    handle: policyId,
    requirements: [useRequirement('Eligible', 'ActivationRule', hasMfa(enabledRules), context)],
    settings: enabledRules,
  };
  // Absent when the policy has no assignment rule (then nothing is known about it, and nothing is claimed).
  if (assignmentRules !== undefined) out.assignmentMfa = hasMfa(assignmentRules);
  if (notes.length > 0) out.detail = notes.sort().join('; ');
  return out;
}
