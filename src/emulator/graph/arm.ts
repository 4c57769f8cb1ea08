// Azure Resource Manager's PIM for Azure resources (graph-pim.md §5, `api-version=2020-10-01`), served by the
// emulator next to Graph: role definitions, role management policies and their assignments at the scopes a test
// seeds. ARM differs from Graph in ways a client must get right, so the emulator keeps them: `ruleType`
// discriminators instead of `@odata.type`, full ARM ids, `nextLink` paging, whole-policy PATCH answered 200 with
// the policy, PUT refused, and `{"error":{"code","message"}}` bodies without innerError.
import { stableGuid } from './catalog.js';
import type { GraphResponse } from './errors.js';
import { armActionFor } from './permissions.js';
import { RuleOrder } from './rule-order.js';
import { enablementValues, UPDATABLE } from './rules.js';

/** The only api-version the emulator serves. */
export const ARM_API_VERSION = '2020-10-01';

/** The subscription the emulator serves when no ARM scopes are given (examples/azure-rbac uses it). */
export const DEFAULT_SUBSCRIPTION_ID = '6b1f3e2a-9c4d-4e7f-8a2b-3c5d7e9f1a2b';

/**
 * Decides whether the caller may perform an Azure RBAC action at a scope: undefined when allowed, else the
 * 403 to answer.
 */
export type ArmAuthorizer = (action: string, scope: string) => GraphResponse | undefined;

/** Built-in Azure roles the emulator seeds at every scope: name, role definition GUID, MFA on activation. */
export const ARM_BUILT_IN_ROLES: ReadonlyArray<
  readonly [name: string, guid: string, enabledRules: readonly string[]]
> = [
  // Owner lacks MFA, so that there is drift to fix at a fresh scope.
  ['Owner', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', ['Justification']],
  [
    'Contributor',
    'b24988ac-6180-42a0-ab88-20f7382dd24c',
    ['MultiFactorAuthentication', 'Justification'],
  ],
  ['User Access Administrator', '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9', []],
  ['Reader', 'acdd72a7-3385-48ef-bd42-f606fba81ae7', ['Justification']],
  [
    'Role Based Access Control Administrator',
    'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
    ['MultiFactorAuthentication'],
  ],
];

/** An ARM policy rule: `id`, `ruleType`, the kind's own fields and a target. */
export type ArmRule = Record<string, unknown> & { id: string; ruleType: string };

interface ArmPolicy {
  guid: string;
  roleGuid: string;
  roleName: string;
  lastModifiedDateTime: string | null;
  rules: ArmRule[];
}

interface ArmScope {
  /** As seeded (the canonical spelling). */
  scope: string;
  policies: ArmPolicy[];
  /** Role eligibility and assignment schedule instances at this scope. */
  eligible: ArmInstance[];
  active: ArmInstance[];
}

/**
 * A role eligibility or assignment schedule instance at a scope
 * (https://learn.microsoft.com/rest/api/authorization/role-eligibility-schedule-instances/list-for-scope,
 * https://learn.microsoft.com/rest/api/authorization/role-assignment-schedule-instances/list-for-scope).
 */
export interface ArmInstance {
  name: string;
  principalId: string;
  principalType: 'User' | 'Group' | 'ServicePrincipal';
  /** The role definition GUID. */
  roleGuid: string;
  startDateTime: string;
  endDateTime: string | null;
  memberType: 'Direct' | 'Group' | 'Inherited';
  /** Assignment instances only. */
  assignmentType?: 'Assigned' | 'Activated';
}

/** What a test seeds at a scope: instances; names and dates may be left out. */
export interface ArmInstanceSeed {
  eligible?: Array<Partial<ArmInstance> & Pick<ArmInstance, 'principalId' | 'roleGuid'>>;
  active?: Array<Partial<ArmInstance> & Pick<ArmInstance, 'principalId' | 'roleGuid'>>;
}

const PROVIDER = '/providers/Microsoft.Authorization';

function armTarget(caller: string, level: string): Record<string, unknown> {
  return {
    caller,
    operations: ['All'],
    level,
    targetObjects: null,
    inheritableSettings: null,
    enforcedSettings: null,
  };
}

/** The rules of an ARM policy: the same ids and kinds as Graph's 17, in ARM's shape. */
function armRules(enabledRules: readonly string[]): ArmRule[] {
  const rules: ArmRule[] = [];
  for (const [caller, level] of [
    ['Admin', 'Eligibility'],
    ['Admin', 'Assignment'],
    ['EndUser', 'Assignment'],
  ] as const) {
    const suffix = `${caller}_${level}`;
    rules.push({
      id: `Expiration_${suffix}`,
      ruleType: 'RoleManagementPolicyExpirationRule',
      isExpirationRequired: caller === 'EndUser',
      maximumDuration: caller === 'EndUser' ? 'PT8H' : level === 'Eligibility' ? 'P365D' : 'P180D',
      target: armTarget(caller, level),
    });
    rules.push({
      id: `Enablement_${suffix}`,
      ruleType: 'RoleManagementPolicyEnablementRule',
      enabledRules:
        caller === 'EndUser' ? [...enabledRules] : level === 'Assignment' ? ['Justification'] : [],
      target: armTarget(caller, level),
    });
    if (caller === 'EndUser') {
      rules.push({
        id: 'Approval_EndUser_Assignment',
        ruleType: 'RoleManagementPolicyApprovalRule',
        setting: {
          isApprovalRequired: false,
          isApprovalRequiredForExtension: false,
          isRequestorJustificationRequired: true,
          approvalMode: 'SingleStage',
          approvalStages: [
            {
              approvalStageTimeOutInDays: 1,
              isApproverJustificationRequired: true,
              escalationTimeInMinutes: 0,
              primaryApprovers: [],
              isEscalationEnabled: false,
              escalationApprovers: null,
            },
          ],
        },
        target: armTarget(caller, level),
      });
      rules.push({
        id: 'AuthenticationContext_EndUser_Assignment',
        ruleType: 'RoleManagementPolicyAuthenticationContextRule',
        isEnabled: false,
        claimValue: null,
        target: armTarget(caller, level),
      });
    }
    for (const recipient of ['Admin', 'Requestor', 'Approver']) {
      rules.push({
        id: `Notification_${recipient}_${suffix}`,
        ruleType: 'RoleManagementPolicyNotificationRule',
        notificationType: 'Email',
        recipientType: recipient,
        notificationLevel: 'All',
        isDefaultRecipientsEnabled: true,
        notificationRecipients: null,
        target: armTarget(caller, level),
      });
    }
  }
  return rules;
}

const KINDS = ['Expiration', 'Enablement', 'Approval', 'AuthenticationContext', 'Notification'];

function kindOf(ruleType: unknown): string | undefined {
  const k =
    typeof ruleType === 'string'
      ? /^RoleManagementPolicy(\w+)Rule$/.exec(ruleType)?.[1]
      : undefined;
  return k && KINDS.includes(k) ? k : undefined;
}

/** An ARM error: `{"error":{"code","message"}}`, no innerError. */
export function armError(status: number, code: string, message: string): GraphResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
    body: { error: { code, message } },
  };
}

function ok(body: unknown): GraphResponse {
  return { status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body };
}

const norm = (s: string): string => s.replace(/\/+$/, '').toLowerCase();

/** Whether a path is an ARM path the emulator answers (a subscription or management group scope). */
export function isArmPath(path: string): boolean {
  return (
    /^\/subscriptions\//i.test(path) ||
    /^\/providers\/Microsoft\.Management\/managementGroups\//i.test(path)
  );
}

/** The Azure RBAC PIM state of the emulated scopes. */
export class ArmState {
  private readonly scopes = new Map<string, ArmScope>();

  constructor(
    scopes: readonly string[] = [],
    private readonly order: RuleOrder = new RuleOrder(null),
  ) {
    for (const s of scopes) this.seedScope(s);
  }

  /** Seeds a scope with the built-in roles and one policy each. */
  seedScope(scope: string): void {
    const canonical = scope.replace(/\/+$/, '');
    if (!isArmPath(canonical)) throw new Error(`not an ARM scope: ${scope}`);
    this.scopes.set(norm(canonical), {
      scope: canonical,
      policies: ARM_BUILT_IN_ROLES.map(([name, guid, rules]) => ({
        // Policy GUIDs are unrelated to role GUIDs, as in Azure: clients look them up.
        guid: stableGuid('arm-policy', norm(canonical), guid),
        roleGuid: guid,
        roleName: name,
        lastModifiedDateTime: null,
        rules: armRules(rules),
      })),
      eligible: [],
      active: [],
    });
  }

  /** A rule of the policy of a role at a scope (a copy), for tests. */
  rule(scope: string, roleGuid: string, ruleId: string): ArmRule | undefined {
    const p = this.scopes
      .get(norm(scope))
      ?.policies.find((x) => x.roleGuid === roleGuid.toLowerCase());
    const r = p?.rules.find((x) => x.id.toLowerCase() === ruleId.toLowerCase());
    return r ? structuredClone(r) : undefined;
  }

  /** Sets the activation enabledRules of a role at a scope, as an administrator would in the portal. */
  setEnabledRules(scope: string, roleGuid: string, enabledRules: string[]): void {
    const p = this.scopes
      .get(norm(scope))
      ?.policies.find((x) => x.roleGuid === roleGuid.toLowerCase());
    const r = p?.rules.find((x) => x.id === 'Enablement_EndUser_Assignment');
    if (!p || !r) throw new Error(`no role ${roleGuid} at ${scope}`);
    r.enabledRules = [...enabledRules];
    p.lastModifiedDateTime = new Date().toISOString();
  }

  /** The full ARM id of a policy. */
  private policyId(s: ArmScope, p: ArmPolicy): string {
    return `${s.scope}${PROVIDER}/roleManagementPolicies/${p.guid}`;
  }

  private roleDefinitionId(s: ArmScope, guid: string): string {
    return `${s.scope}${PROVIDER}/roleDefinitions/${guid}`;
  }

  private renderPolicy(s: ArmScope, p: ArmPolicy): Record<string, unknown> {
    const rules = this.order.apply(this.policyId(s, p), p.rules);
    return {
      properties: {
        scope: s.scope,
        displayName: 'Default',
        description: 'Default',
        isOrganizationDefault: false,
        lastModifiedBy: p.lastModifiedDateTime
          ? { displayName: 'rolegate-emulator', type: 'ServicePrincipal', email: null, id: null }
          : null,
        lastModifiedDateTime: p.lastModifiedDateTime,
        rules: structuredClone(rules),
        effectiveRules: structuredClone(rules),
        policyProperties: { scope: this.scopeProperties(s) },
      },
      name: p.guid,
      id: this.policyId(s, p),
      type: 'Microsoft.Authorization/RoleManagementPolicies',
    };
  }

  private scopeProperties(s: ArmScope): Record<string, unknown> {
    const mg = /managementGroups\/([^/]+)$/i.exec(s.scope);
    return {
      id: s.scope,
      displayName: mg ? mg[1] : s.scope.split('/').pop(),
      type: mg
        ? 'managementgroup'
        : /resourceGroups\//i.test(s.scope)
          ? 'resourcegroup'
          : 'subscription',
    };
  }

  private renderAssignment(s: ArmScope, p: ArmPolicy): Record<string, unknown> {
    const policyId = this.policyId(s, p);
    const roleDefinitionId = this.roleDefinitionId(s, p.roleGuid);
    return {
      properties: {
        scope: s.scope,
        roleDefinitionId,
        policyId,
        effectiveRules: structuredClone(this.order.apply(policyId, p.rules)),
        policyAssignmentProperties: {
          scope: this.scopeProperties(s),
          roleDefinition: { id: roleDefinitionId, displayName: p.roleName, type: 'BuiltInRole' },
          policy: {
            id: policyId,
            lastModifiedBy: null,
            lastModifiedDateTime: p.lastModifiedDateTime,
          },
        },
      },
      name: `${p.guid}_${p.roleGuid}`,
      id: `${s.scope}${PROVIDER}/roleManagementPolicyAssignments/${p.guid}_${p.roleGuid}`,
      type: 'Microsoft.Authorization/RoleManagementPolicyAssignment',
    };
  }

  private renderRoleDefinition(s: ArmScope, p: ArmPolicy): Record<string, unknown> {
    return {
      properties: {
        roleName: p.roleName,
        type: 'BuiltInRole',
        description: `Built-in role ${p.roleName}.`,
        assignableScopes: ['/'],
        permissions: [],
        createdOn: '2015-02-02T21:55:09.8806423Z',
        updatedOn: '2024-01-01T00:00:00.0000000Z',
      },
      id: this.roleDefinitionId(s, p.roleGuid),
      type: 'Microsoft.Authorization/roleDefinitions',
      name: p.roleGuid,
    };
  }

  /** Adds role schedule instances at a seeded scope. */
  seedInstances(scope: string, seed: ArmInstanceSeed): void {
    const s = this.scopes.get(norm(scope.replace(/\/+$/, '')));
    if (!s) throw new Error(`scope ${scope} is not seeded`);
    const make = (
      x: Partial<ArmInstance> & Pick<ArmInstance, 'principalId' | 'roleGuid'>,
      kind: 'eligible' | 'active',
    ): ArmInstance => ({
      name: x.name ?? stableGuid('arm-instance', kind, norm(s.scope), x.principalId, x.roleGuid),
      principalId: x.principalId.toLowerCase(),
      principalType: x.principalType ?? 'User',
      roleGuid: x.roleGuid.toLowerCase(),
      startDateTime: x.startDateTime ?? '2026-01-05T09:00:00Z',
      endDateTime: x.endDateTime ?? null,
      memberType: x.memberType ?? 'Direct',
      ...(kind === 'active' ? { assignmentType: x.assignmentType ?? 'Assigned' } : {}),
    });
    for (const x of seed.eligible ?? []) s.eligible.push(make(x, 'eligible'));
    for (const x of seed.active ?? []) s.active.push(make(x, 'active'));
  }

  private renderInstance(s: ArmScope, x: ArmInstance, kind: string): Record<string, unknown> {
    const id = `${s.scope}${PROVIDER}/${kind}/${x.name}`;
    const common = {
      scope: s.scope,
      roleDefinitionId: this.roleDefinitionId(s, x.roleGuid),
      principalId: x.principalId,
      principalType: x.principalType,
      status: 'Provisioned',
      startDateTime: x.startDateTime,
      endDateTime: x.endDateTime,
      memberType: x.memberType,
      createdOn: x.startDateTime,
    };
    return {
      id,
      name: x.name,
      type: `Microsoft.Authorization/${kind}`,
      properties:
        x.assignmentType === undefined
          ? {
              ...common,
              roleEligibilityScheduleId: `${s.scope}${PROVIDER}/roleEligibilitySchedules/${x.name}`,
            }
          : {
              ...common,
              assignmentType: x.assignmentType,
              roleAssignmentScheduleId: `${s.scope}${PROVIDER}/roleAssignmentSchedules/${x.name}`,
              originRoleAssignmentId: `${s.scope}${PROVIDER}/roleAssignments/${x.name}`,
            },
    };
  }

  /** One page with an ARM nextLink (absolute, api-version kept, `$skipToken` as an offset). */
  private page(items: Record<string, unknown>[], url: URL, pageSize: number): GraphResponse {
    const skip = Number(url.searchParams.get('$skipToken') ?? '0');
    const start = Number.isInteger(skip) && skip >= 0 ? skip : 0;
    const value = items.slice(start, start + pageSize);
    if (start + pageSize >= items.length) return ok({ value });
    const next = new URL(url.href);
    next.searchParams.set('$skipToken', String(start + pageSize));
    return ok({ value, nextLink: next.href });
  }

  /** Answers one ARM request (auth and faults are the server's). */
  route(
    method: string,
    url: URL,
    body: unknown,
    malformed: boolean,
    pageSize: number,
    authorize: ArmAuthorizer = () => undefined,
  ): GraphResponse {
    const apiVersion = url.searchParams.get('api-version');
    if (apiVersion === null) {
      return armError(
        400,
        'MissingApiVersionParameter',
        'The api-version query parameter (?api-version=) is required for all requests.',
      );
    }
    if (apiVersion !== ARM_API_VERSION) {
      return armError(
        400,
        'InvalidApiVersionParameter',
        `The api-version '${apiVersion}' is invalid. The supported versions are '${ARM_API_VERSION}'.`,
      );
    }
    const path = decodeURIComponent(url.pathname);
    const at = path.toLowerCase().lastIndexOf(PROVIDER.toLowerCase() + '/');
    if (at < 0)
      return armError(
        404,
        'InvalidResourceType',
        `The resource type could not be found for ${path}.`,
      );
    const scopePath = path.slice(0, at);
    const [collection, name, extra] = path.slice(at + PROVIDER.length + 1).split('/');
    const s = this.scopes.get(norm(scopePath));
    if (!s) {
      const mg = /managementGroups\/([^/]+)/i.exec(scopePath);
      return mg
        ? armError(
            404,
            'ManagementGroupNotFound',
            `The management group '${mg[1]}' could not be found.`,
          )
        : armError(
            404,
            'SubscriptionNotFound',
            `The subscription '${scopePath.split('/')[2] ?? ''}' could not be found.`,
          );
    }
    if (extra !== undefined)
      return armError(
        404,
        'InvalidResourceType',
        `The resource type could not be found for ${path}.`,
      );
    const coll = (collection ?? '').toLowerCase();
    if (
      [
        'rolemanagementpolicyassignments',
        'roledefinitions',
        'rolemanagementpolicies',
        'roleeligibilityscheduleinstances',
        'roleassignmentscheduleinstances',
      ].includes(coll)
    ) {
      const denied = authorize(armActionFor(method, coll), s.scope);
      if (denied) return denied;
    }
    if (coll === 'roleeligibilityscheduleinstances' || coll === 'roleassignmentscheduleinstances') {
      if (method !== 'GET')
        return armError(405, 'MethodNotAllowed', `The requested method ${method} is not allowed.`);
      const eligible = coll === 'roleeligibilityscheduleinstances';
      const kind = eligible
        ? 'roleEligibilityScheduleInstances'
        : 'roleAssignmentScheduleInstances';
      const list = eligible ? s.eligible : s.active;
      if (name !== undefined) {
        const x = list.find((i) => i.name.toLowerCase() === name.toLowerCase());
        return x
          ? ok(this.renderInstance(s, x, kind))
          : armError(404, 'NotFound', `${collection}/${name} was not found.`);
      }
      // The documented filters: atScope() (at or above the scope; the emulator's scopes are not nested, so at it),
      // principalId eq {id}; assignedTo() and asTarget() concern a signed-in user, which app-only tokens are not.
      const filter = url.searchParams.get('$filter');
      let items = list;
      if (filter !== null && !/^\s*atScope\(\)\s*$/i.test(filter)) {
        const m = /^\s*principalId\s+eq\s+'?([0-9a-f-]+)'?\s*$/i.exec(filter);
        if (!m) return armError(400, 'BadRequest', `The filter '${filter}' is not supported.`);
        items = list.filter((i) => i.principalId === m[1]!.toLowerCase());
      }
      return this.page(
        items.map((x) => this.renderInstance(s, x, kind)),
        url,
        pageSize,
      );
    }
    if (coll === 'rolemanagementpolicyassignments' || coll === 'roledefinitions') {
      if (method !== 'GET')
        return armError(405, 'MethodNotAllowed', `The requested method ${method} is not allowed.`);
      if (name !== undefined)
        return armError(404, 'NotFound', `${collection}/${name} was not found.`);
      let policies = s.policies;
      const filter = url.searchParams.get('$filter');
      if (filter !== null) {
        const m = /^\s*roleDefinitionId\s+eq\s+'([^']+)'\s*$/i.exec(filter);
        if (!m || coll !== 'rolemanagementpolicyassignments') {
          return armError(400, 'BadRequest', `The filter '${filter}' is not supported.`);
        }
        const want = m[1]!.toLowerCase();
        policies = policies.filter(
          (p) => this.roleDefinitionId(s, p.roleGuid).toLowerCase() === want || p.roleGuid === want,
        );
      }
      const items = policies.map((p) =>
        coll === 'roledefinitions' ? this.renderRoleDefinition(s, p) : this.renderAssignment(s, p),
      );
      return this.page(items, url, pageSize);
    }
    if (coll !== 'rolemanagementpolicies')
      return armError(
        404,
        'InvalidResourceType',
        `The resource type '${collection ?? ''}' could not be found.`,
      );
    if (name === undefined) {
      if (method !== 'GET')
        return armError(405, 'MethodNotAllowed', `The requested method ${method} is not allowed.`);
      return this.page(
        s.policies.map((p) => this.renderPolicy(s, p)),
        url,
        pageSize,
      );
    }
    const p = s.policies.find((x) => x.guid === name.toLowerCase());
    if (!p) {
      return armError(
        404,
        'InputPolicyNotFound',
        `The policy with id ${name} is not found at scope ${s.scope}.`,
      );
    }
    if (method === 'GET') return ok(this.renderPolicy(s, p));
    if (method === 'PUT') return armError(400, 'BadRequest', 'Not implemented exception');
    if (method !== 'PATCH')
      return armError(405, 'MethodNotAllowed', `The requested method ${method} is not allowed.`);
    if (malformed)
      return armError(
        400,
        'InvalidRequestContent',
        'The request content was invalid and could not be deserialized.',
      );
    return this.patch(s, p, body);
  }

  /** PATCH `{properties:{rules:[…]}}`: only the rules sent change, each only in the fields sent. */
  private patch(s: ArmScope, p: ArmPolicy, body: unknown): GraphResponse {
    const invalid = (message: string): GraphResponse =>
      armError(400, 'RoleAssignmentRequestPolicyValidationFailed', message);
    const rules = (body as { properties?: { rules?: unknown } } | null)?.properties?.rules;
    if (!Array.isArray(rules))
      return armError(400, 'InvalidRequestContent', 'properties.rules is required.');
    const next = structuredClone(p.rules);
    for (const sent of rules as unknown[]) {
      const r = sent as Record<string, unknown> | null;
      if (typeof r !== 'object' || r === null || typeof r.id !== 'string')
        return invalid('Every rule needs an id.');
      const i = next.findIndex((x) => x.id.toLowerCase() === (r.id as string).toLowerCase());
      const current = next[i];
      if (!current) return invalid(`The rule ${r.id} is not a rule of this policy.`);
      const kind = kindOf(r.ruleType);
      if (kind === undefined || kind !== kindOf(current.ruleType))
        return invalid(`The rule ${current.id} must have ruleType ${current.ruleType}.`);
      const updated: ArmRule = { ...current };
      for (const k of UPDATABLE[kind] ?? [])
        if (r[k] !== undefined) updated[k] = structuredClone(r[k]);
      if (r.target !== undefined) {
        if (typeof r.target !== 'object' || r.target === null) return invalid('Invalid target.');
        updated.target = { ...(current.target as object), ...(r.target as object) };
      }
      if (kind === 'Enablement') {
        const v = updated.enabledRules;
        const allowed = enablementValues((current.target as { caller?: unknown } | null)?.caller);
        if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && allowed.includes(x)))
          return invalid(`enabledRules of ${current.id} may only hold ${allowed.join(', ')}.`);
      }
      if (
        kind === 'Expiration' &&
        r.isExpirationRequired === false &&
        r.maximumDuration !== undefined
      ) {
        return invalid('maximumDuration cannot be set when isExpirationRequired is false.');
      }
      if (kind === 'AuthenticationContext' && updated.isEnabled === true && !updated.claimValue)
        return invalid('claimValue is required when the authentication context is enabled.');
      next[i] = updated;
    }
    p.rules = next;
    p.lastModifiedDateTime = new Date().toISOString();
    return ok(this.renderPolicy(s, p));
  }
}
