// Pure. Azure Resource Manager's role management policies (PIM for Azure resources, api-version 2020-10-01) ⇄
// the provider-neutral LiveRole, and the PATCH bodies that change them. ARM names rules like Graph does
// (Enablement_EndUser_Assignment, AuthenticationContext_EndUser_Assignment) but discriminates them with
// `ruleType`, uses full ARM ids, and PATCHes the whole policy with only the rules that change.
import type { AuthenticationContextState, LiveRole } from '../../api/observation.js';
import type { ContextVerdicts } from './conditional-access.js';
import {
  ASSIGNMENT_RULE,
  AUTH_CONTEXT_RULE,
  ENABLEMENT_RULE,
  enabledRulesOf,
  normalizeRules,
  pimLiveRole,
  RULE_TARGETS,
} from './mapping.js';

/** A rule as ARM returns it (only the fields rolegate reads are typed). */
export interface ArmRule {
  id: string;
  ruleType: string;
  enabledRules?: string[] | null;
  isEnabled?: boolean;
  claimValue?: string | null;
  target?: Record<string, unknown> | null;
  [k: string]: unknown;
}

/** A role eligibility or assignment schedule instance at an ARM scope (the fields rolegate reads). */
export interface ArmScheduleInstance {
  name: string;
  properties: {
    roleDefinitionId: string;
    principalId: string;
    principalType?: string;
    endDateTime?: string | null;
    memberType?: string | null;
    assignmentType?: string | null;
  };
}

/** An ARM instance in the shape the holder mapping reads; the role is its definition GUID. */
export function armInstance(x: ArmScheduleInstance): {
  principalId: string;
  roleDefinitionId: string;
  endDateTime: string | null;
  memberType: string | null;
  assignmentType: string | null;
} {
  return {
    principalId: x.properties.principalId.toLowerCase(),
    roleDefinitionId: armName(x.properties.roleDefinitionId),
    endDateTime: x.properties.endDateTime ?? null,
    memberType: x.properties.memberType ?? null,
    assignmentType: x.properties.assignmentType ?? null,
  };
}

/** A roleManagementPolicyAssignment as ARM lists it. */
export interface ArmPolicyAssignment {
  id: string;
  name: string;
  properties: {
    scope?: string;
    roleDefinitionId: string;
    policyId: string;
    effectiveRules?: ArmRule[] | null;
    policyAssignmentProperties?: {
      roleDefinition?: { id?: string; displayName?: string; type?: string } | null;
    } | null;
  };
}

/** A roleDefinition as ARM lists it. */
export interface ArmRoleDefinition {
  id: string;
  name: string;
  properties: { roleName: string; type?: string };
}

/** A roleManagementPolicy as ARM returns it. */
export interface ArmPolicy {
  id: string;
  name: string;
  properties: { scope?: string; rules?: ArmRule[] | null; effectiveRules?: ArmRule[] | null };
}

/** The body of a policy PATCH: only the rules that change. */
export interface ArmPolicyPatch {
  properties: { rules: ArmRule[] };
}

/** The last path segment of an ARM id (a role definition's GUID), lower case. */
export function armName(id: string): string {
  return (id.replace(/\/+$/, '').split('/').pop() ?? id).toLowerCase();
}

/** A rule by id, case-insensitively. */
export function findArmRule(
  rules: readonly ArmRule[] | null | undefined,
  id: string,
): ArmRule | undefined {
  const k = id.toLowerCase();
  return rules?.find((r) => r.id.toLowerCase() === k);
}

/** Whether a policy's rules enable an authentication context on activation. */
export function armHasContext(rules: readonly ArmRule[] | null | undefined): boolean {
  return findArmRule(rules, AUTH_CONTEXT_RULE)?.isEnabled === true;
}

/**
 * The live state of an Azure role at a scope. `scope` is the scope as configured, so that a PrivilegedRole's
 * spec.scope and the status it gets compare equal; `policyId` is the full ARM id of the policy.
 */
export function liveRoleFromArm(
  role: { id: string; displayName: string },
  scope: string,
  policyId: string,
  rules: readonly ArmRule[] | null | undefined,
  contexts?: ContextVerdicts,
): LiveRole {
  const notes: string[] = [];
  const enablement = findArmRule(rules, ENABLEMENT_RULE);
  if (!enablement) notes.push(`policy ${policyId} has no ${ENABLEMENT_RULE} rule`);
  const enabledRules = normalizeRules(
    (enablement?.enabledRules ?? []).filter((v): v is string => typeof v === 'string'),
  );
  let context: AuthenticationContextState | undefined;
  const ctx = findArmRule(rules, AUTH_CONTEXT_RULE);
  if (ctx?.isEnabled === true) {
    if (typeof ctx.claimValue === 'string' && ctx.claimValue !== '') {
      context = {
        claimValue: ctx.claimValue,
        policy: contexts?.verdicts.get(ctx.claimValue.toLowerCase()) ?? 'Missing',
      };
      if (contexts?.note) notes.push(contexts.note);
    } else {
      notes.push(`${AUTH_CONTEXT_RULE} is enabled without a claim value`);
    }
  }
  const assignment = findArmRule(rules, ASSIGNMENT_RULE);
  return pimLiveRole(
    role,
    scope,
    policyId,
    enabledRules,
    context,
    notes,
    assignment ? enabledRulesOf(assignment) : undefined,
  );
}

/** ARM's target for a PATCH of rule `ruleId`: the current one, with ARM's nulls where it has none. */
function armTarget(current: ArmRule | undefined, ruleId: string): Record<string, unknown> {
  const t = current?.target ?? {};
  const own = RULE_TARGETS[ruleId] ?? { caller: 'EndUser', level: 'Assignment' };
  return {
    caller: t.caller ?? own.caller,
    operations: t.operations ?? ['All'],
    level: t.level ?? own.level,
    targetObjects: t.targetObjects ?? null,
    inheritableSettings: t.inheritableSettings ?? null,
    enforcedSettings: t.enforcedSettings ?? null,
  };
}

/**
 * An enablement rule (the activation rule by default, or the assignment rule) with new enabledRules (the whole
 * array: ARM replaces it).
 */
export function armEnablementRule(
  enabledRules: readonly string[],
  current?: ArmRule,
  ruleId: string = ENABLEMENT_RULE,
): ArmRule {
  return {
    id: ruleId,
    ruleType: 'RoleManagementPolicyEnablementRule',
    enabledRules: normalizeRules(enabledRules),
    target: armTarget(current, ruleId),
  };
}

/** The AuthenticationContext rule turned on with a claim value. */
export function armAuthenticationContextRule(claimValue: string, current?: ArmRule): ArmRule {
  return {
    id: AUTH_CONTEXT_RULE,
    ruleType: 'RoleManagementPolicyAuthenticationContextRule',
    isEnabled: true,
    claimValue,
    target: armTarget(current, AUTH_CONTEXT_RULE),
  };
}
