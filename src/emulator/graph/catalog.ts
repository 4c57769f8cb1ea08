// The seed data of an emulated tenant: the built-in role catalog (graph-pim.md §6), one PIM policy of the 17
// rules per role in API order, and deliberate drift (about a third of the roles lack MFA on activation) so
// that rolegate has something to find. Everything here is deterministic for a given tenant id.
import { createHash } from 'node:crypto';
import { NON_PRIVILEGED_ROLES, PRIVILEGED_ROLES } from '../../providers/entra/builtin-roles.js';
import type { DirectoryData } from './directory.js';

/** A role definition as GET /roleManagement/directory/roleDefinitions returns it. */
export interface RoleDefinition {
  id: string;
  displayName: string;
  description: string;
  isBuiltIn: boolean;
  isEnabled: boolean;
  isPrivileged: boolean;
  templateId: string;
  version: string | null;
}

/** A policy rule as stored: `@odata.type`, `id`, the type's own fields and a full `target`. */
export type PolicyRule = Record<string, unknown> & {
  '@odata.type': string;
  id: string;
  target: RuleTarget;
};

/** The target of a rule, stored the way GET shows it (operations in lower case, no `@odata.type`). */
export interface RuleTarget {
  caller: string;
  operations: string[];
  level: string;
  inheritableSettings: unknown[];
  enforcedSettings: unknown[];
}

/** A unifiedRoleManagementPolicy with its rules. */
export interface Policy {
  id: string;
  displayName: string;
  description: string;
  isOrganizationDefault: boolean;
  scopeId: string;
  scopeType: string;
  lastModifiedDateTime: string | null;
  lastModifiedBy: { displayName: string | null; id: string | null };
  rules: PolicyRule[];
}

/** A unifiedRoleManagementPolicyAssignment: which policy governs which role at which scope. */
export interface PolicyAssignment {
  id: string;
  policyId: string;
  scopeId: string;
  scopeType: string;
  roleDefinitionId: string;
}

/** The whole state of an emulated tenant; this is what the state file holds. */
export interface TenantData {
  version: 1;
  tenantId: string;
  roleDefinitions: RoleDefinition[];
  policies: Policy[];
  assignments: PolicyAssignment[];
  /** Users, groups, role holders and PIM for Groups (see directory.ts); absent in older state files. */
  directory?: DirectoryData;
}

/** How to seed a tenant: the built-in catalog, or N synthetic roles for benchmarks. */
export type SeedSpec = 'default' | { roles: number };

export { PRIVILEGED_ROLES, NON_PRIVILEGED_ROLES };

/** The tenant id the emulator uses when none is given. */
export const DEFAULT_TENANT_ID = '8f3d1c52-6a4e-4b0f-9d21-7c5e2a9b4f10';

const MFA = 'MultiFactorAuthentication';

/**
 * Activation requirements (Enablement_EndUser_Assignment) of the seeded built-ins that differ from the default
 * `[MultiFactorAuthentication, Justification]`. The mix of Justification/Ticketing is there so that a client
 * which replaces the array instead of taking the union loses something visible.
 */
const SEEDED_ENABLEMENT: Readonly<Record<string, string[]>> = {
  'Privileged Role Administrator': ['Justification'],
  // Also has authentication context c1 with no Conditional Access policy behind it: PIM does not require MFA.
  'Privileged Authentication Administrator': ['Justification'],
  'Security Administrator': ['Justification', 'Ticketing'],
  'User Administrator': [],
  'Application Administrator': ['Justification'],
  'Cloud Application Administrator': ['Ticketing'],
  'Helpdesk Administrator': ['Justification'],
  'Intune Administrator': ['Justification', 'Ticketing'],
  'Hybrid Identity Administrator': [],
  'Conditional Access Administrator': ['Justification'],
  'Directory Readers': ['Justification'],
  'Global Administrator': [MFA, 'Justification', 'Ticketing'],
};

/** Roles seeded with an authentication context on activation. */
const SEEDED_AUTH_CONTEXT: Readonly<Record<string, string>> = {
  'Privileged Authentication Administrator': 'c1',
};

/** A GUID derived from a string, stable across runs (the emulator has to be reproducible). */
export function stableGuid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('|')).digest('hex');
  // Set the version nibble to 4 and the variant bits so that the id looks like any other random GUID.
  const variant = ((parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const RULE_TYPE = (kind: string): string =>
  `#microsoft.graph.unifiedRoleManagementPolicy${kind}Rule`;

function target(caller: string, level: string): RuleTarget {
  return { caller, operations: ['all'], level, inheritableSettings: [], enforcedSettings: [] };
}

function notifications(caller: string, level: string): PolicyRule[] {
  return (['Admin', 'Requestor', 'Approver'] as const).map((recipient) => ({
    '@odata.type': RULE_TYPE('Notification'),
    id: `Notification_${recipient}_${caller}_${level}`,
    notificationType: 'Email',
    recipientType: recipient,
    notificationLevel: 'All',
    isDefaultRecipientsEnabled: true,
    notificationRecipients: [],
    target: target(caller, level),
  }));
}

/** The 17 rules of a directory-role policy in API order, with the docs' sample values. */
export function defaultRules(
  enabledRules: string[] = [MFA, 'Justification'],
  authContext: string | null = null,
): PolicyRule[] {
  return [
    {
      '@odata.type': RULE_TYPE('Expiration'),
      id: 'Expiration_Admin_Eligibility',
      isExpirationRequired: false,
      maximumDuration: 'P365D',
      target: target('Admin', 'Eligibility'),
    },
    {
      '@odata.type': RULE_TYPE('Enablement'),
      id: 'Enablement_Admin_Eligibility',
      enabledRules: [],
      target: target('Admin', 'Eligibility'),
    },
    ...notifications('Admin', 'Eligibility'),
    {
      '@odata.type': RULE_TYPE('Expiration'),
      id: 'Expiration_Admin_Assignment',
      isExpirationRequired: false,
      maximumDuration: 'P180D',
      target: target('Admin', 'Assignment'),
    },
    {
      '@odata.type': RULE_TYPE('Enablement'),
      id: 'Enablement_Admin_Assignment',
      enabledRules: ['Justification'],
      target: target('Admin', 'Assignment'),
    },
    ...notifications('Admin', 'Assignment'),
    {
      '@odata.type': RULE_TYPE('Expiration'),
      id: 'Expiration_EndUser_Assignment',
      isExpirationRequired: true,
      maximumDuration: 'PT8H',
      target: target('EndUser', 'Assignment'),
    },
    {
      '@odata.type': RULE_TYPE('Enablement'),
      id: 'Enablement_EndUser_Assignment',
      enabledRules: [...enabledRules],
      target: target('EndUser', 'Assignment'),
    },
    {
      '@odata.type': RULE_TYPE('Approval'),
      id: 'Approval_EndUser_Assignment',
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
            isEscalationEnabled: false,
            primaryApprovers: [],
            escalationApprovers: [],
          },
        ],
      },
      target: target('EndUser', 'Assignment'),
    },
    {
      '@odata.type': RULE_TYPE('AuthenticationContext'),
      id: 'AuthenticationContext_EndUser_Assignment',
      isEnabled: authContext !== null,
      claimValue: authContext,
      target: target('EndUser', 'Assignment'),
    },
    ...notifications('EndUser', 'Assignment'),
  ];
}

function policyFor(tenantId: string, roleId: string, rules: PolicyRule[]): Policy {
  return {
    // guid2 is deliberately not the role id: clients must look the policy up, never derive it.
    id: `DirectoryRole_${tenantId}_${stableGuid('policy', tenantId, roleId)}`,
    displayName: 'DirectoryRole',
    description: 'DirectoryRole',
    isOrganizationDefault: false,
    scopeId: '/',
    scopeType: 'DirectoryRole',
    lastModifiedDateTime: null,
    lastModifiedBy: { displayName: null, id: null },
    rules,
  };
}

function builtIn(name: string, templateId: string, isPrivileged: boolean): RoleDefinition {
  return {
    id: templateId,
    displayName: name,
    description: `Built-in role ${name}.`,
    isBuiltIn: true,
    isEnabled: true,
    isPrivileged,
    templateId,
    version: '1',
  };
}

/** Builds the initial state of a tenant. */
export function seedTenant(tenantId: string, seed: SeedSpec = 'default'): TenantData {
  const roleDefinitions: RoleDefinition[] = [];
  const rulesOf = new Map<string, PolicyRule[]>();
  if (seed === 'default') {
    for (const [name, id] of PRIVILEGED_ROLES) roleDefinitions.push(builtIn(name, id, true));
    for (const [name, id] of NON_PRIVILEGED_ROLES) roleDefinitions.push(builtIn(name, id, false));
    for (const r of roleDefinitions) {
      rulesOf.set(
        r.id,
        defaultRules(SEEDED_ENABLEMENT[r.displayName], SEEDED_AUTH_CONTEXT[r.displayName] ?? null),
      );
    }
  } else {
    const n = Math.max(0, Math.floor(seed.roles));
    const width = String(n).length;
    for (let i = 0; i < n; i++) {
      const id = stableGuid('synthetic-role', String(i));
      roleDefinitions.push(
        builtIn(`Synthetic Role ${String(i + 1).padStart(width, '0')}`, id, true),
      );
      // Every other synthetic role lacks MFA, so that a benchmark of N roles has N/2 (rounded up) to fix.
      rulesOf.set(id, defaultRules(i % 2 === 0 ? ['Justification'] : [MFA, 'Justification']));
    }
  }
  const policies: Policy[] = [];
  const assignments: PolicyAssignment[] = [];
  for (const r of roleDefinitions) {
    const p = policyFor(tenantId, r.id, rulesOf.get(r.id) ?? defaultRules());
    policies.push(p);
    assignments.push({
      id: `${p.id}_${r.id}`,
      policyId: p.id,
      scopeId: '/',
      scopeType: 'DirectoryRole',
      roleDefinitionId: r.id,
    });
  }
  return { version: 1, tenantId, roleDefinitions, policies, assignments };
}
