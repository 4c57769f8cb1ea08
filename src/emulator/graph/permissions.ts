// Which application permission (Graph) or Azure RBAC action (ARM) each endpoint the emulator serves needs, as
// the endpoints' Microsoft pages list them ("Permissions", least privileged first). A token whose `roles` hold
// none of them gets Graph's 403; an application without the action at the scope gets ARM's 403.

/** One Graph endpoint family and the application permissions that each allow it (least privileged first). */
export interface GraphPermissionRule {
  /** HTTP methods, upper case. */
  methods: readonly string[];
  /** The path after /v1.0 or /beta, without the query. */
  path: RegExp;
  anyOf: readonly string[];
  /** The Microsoft page the permissions are taken from. */
  source: string;
}

const LEARN = 'https://learn.microsoft.com/graph/api/';

// The policy lists serve directory roles and PIM for Groups (scopeType Group) alike; the path does not tell them
// apart, so either family's permission lets a call through.
const POLICY_READ = [
  'RoleManagementPolicy.Read.Directory',
  'RoleManagement.Read.Directory',
  'RoleManagementPolicy.ReadWrite.Directory',
  'RoleManagement.ReadWrite.Directory',
  'RoleManagementPolicy.Read.AzureADGroup',
  'RoleManagementPolicy.ReadWrite.AzureADGroup',
];
// Writes are told apart: "Update unifiedRoleManagementPolicyRule" lists RoleManagementPolicy.ReadWrite.Directory
// (or RoleManagement.ReadWrite.Directory) for PIM for Microsoft Entra roles and only
// RoleManagementPolicy.ReadWrite.AzureADGroup for PIM for Groups, whose policies have ids `Group_{groupId}_{guid}`.
const POLICY_WRITE = [
  'RoleManagementPolicy.ReadWrite.Directory',
  'RoleManagement.ReadWrite.Directory',
];
const GROUP_POLICY_WRITE = ['RoleManagementPolicy.ReadWrite.AzureADGroup'];
const ALERT_READ = [
  'RoleManagementAlert.Read.Directory',
  'RoleManagement.Read.Directory',
  'RoleManagementAlert.ReadWrite.Directory',
  'RoleManagement.ReadWrite.Directory',
];
const ALERT_WRITE = [
  'RoleManagementAlert.ReadWrite.Directory',
  'RoleManagement.ReadWrite.Directory',
];

/** The Graph permission table, first match wins. */
export const GRAPH_PERMISSIONS: readonly GraphPermissionRule[] = [
  {
    methods: ['GET'],
    path: /^\/roleManagement\/directory\/roleDefinitions(\/|$)/i,
    anyOf: [
      'RoleManagement.Read.Directory',
      'Directory.Read.All',
      'RoleManagement.ReadWrite.Directory',
      'Directory.ReadWrite.All',
    ],
    source: `${LEARN}rbacapplication-list-roledefinitions`,
  },
  {
    methods: ['GET'],
    path: /^\/policies\/roleManagementPolicyAssignments(\/|$)/i,
    anyOf: POLICY_READ,
    source: `${LEARN}policyroot-list-rolemanagementpolicyassignments`,
  },
  {
    methods: ['GET'],
    path: /^\/policies\/roleManagementPolicies(\/|$)/i,
    anyOf: POLICY_READ,
    source: `${LEARN}policyroot-list-rolemanagementpolicies`,
  },
  {
    methods: ['PATCH', 'POST', 'PUT', 'DELETE'],
    path: /^\/policies\/roleManagementPolicies\/Group_/i,
    anyOf: GROUP_POLICY_WRITE,
    source: `${LEARN}unifiedrolemanagementpolicyrule-update`,
  },
  {
    methods: ['PATCH', 'POST', 'PUT', 'DELETE'],
    path: /^\/policies\/roleManagementPolicies(\/|$)/i,
    anyOf: POLICY_WRITE,
    source: `${LEARN}unifiedrolemanagementpolicyrule-update`,
  },
  {
    methods: ['GET'],
    path: /^\/identityGovernance\/roleManagementAlerts(\/|$)/i,
    anyOf: ALERT_READ,
    source: `${LEARN}rolemanagementalert-list-alerts?view=graph-rest-beta`,
  },
  {
    methods: ['PATCH', 'POST', 'PUT', 'DELETE'],
    path: /^\/identityGovernance\/roleManagementAlerts(\/|$)/i,
    anyOf: ALERT_WRITE,
    source: `${LEARN}unifiedrolemanagementalert-refresh?view=graph-rest-beta`,
  },
  {
    methods: ['GET'],
    path: /^\/roleManagement\/directory\/roleEligibilityScheduleInstances(\/|$)/i,
    anyOf: [
      'RoleEligibilitySchedule.Read.Directory',
      'RoleEligibilitySchedule.ReadWrite.Directory',
      'RoleManagement.Read.All',
      'RoleManagement.Read.Directory',
      'RoleManagement.ReadWrite.Directory',
    ],
    source: `${LEARN}rbacapplication-list-roleeligibilityscheduleinstances`,
  },
  {
    methods: ['GET'],
    path: /^\/roleManagement\/directory\/roleAssignmentScheduleInstances(\/|$)/i,
    anyOf: [
      'RoleAssignmentSchedule.Read.Directory',
      'RoleAssignmentSchedule.ReadWrite.Directory',
      'RoleManagement.Read.All',
      'RoleManagement.Read.Directory',
      'RoleManagement.ReadWrite.Directory',
    ],
    source: `${LEARN}rbacapplication-list-roleassignmentscheduleinstances`,
  },
  {
    methods: ['GET'],
    path: /^\/identityGovernance\/privilegedAccess\/group\/eligibilityScheduleInstances(\/|$)/i,
    anyOf: [
      'PrivilegedEligibilitySchedule.Read.AzureADGroup',
      'PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup',
    ],
    source: `${LEARN}privilegedaccessgroup-list-eligibilityscheduleinstances`,
  },
  {
    methods: ['GET'],
    path: /^\/identityGovernance\/privilegedAccess\/group\/assignmentScheduleInstances(\/|$)/i,
    anyOf: [
      'PrivilegedAssignmentSchedule.Read.AzureADGroup',
      'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
    ],
    source: `${LEARN}privilegedaccessgroup-list-assignmentscheduleinstances`,
  },
  {
    methods: ['GET'],
    path: /^\/groups\/[^/]+\/(transitiveMembers|members|owners)(\/|$)/i,
    anyOf: [
      'GroupMember.Read.All',
      'Directory.Read.All',
      'Group.Read.All',
      'Group.ReadWrite.All',
      'GroupMember.ReadWrite.All',
    ],
    // List group owners documents the same permissions (group-list-owners).
    source: `${LEARN}group-list-transitivemembers`,
  },
  {
    methods: ['GET'],
    path: /^\/groups(\/|$)/i,
    anyOf: ['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All', 'Group.ReadWrite.All'],
    source: `${LEARN}group-list`,
  },
  {
    methods: ['GET'],
    path: /^\/users(\/|$)/i,
    anyOf: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
    source: `${LEARN}user-list`,
  },
  {
    methods: ['POST'],
    path: /^\/directoryObjects\/getByIds$/i,
    anyOf: ['Directory.Read.All'],
    source: `${LEARN}directoryobject-getbyids`,
  },
  {
    methods: ['GET'],
    path: /^\/identity\/conditionalAccess\/policies(\/|$)/i,
    anyOf: ['Policy.Read.All', 'Policy.ReadWrite.ConditionalAccess'],
    source: `${LEARN}conditionalaccessroot-list-policies`,
  },
  {
    methods: ['GET'],
    path: /^\/identity\/conditionalAccess\/authenticationContextClassReferences(\/|$)/i,
    anyOf: ['Policy.Read.All', 'Policy.ReadWrite.ConditionalAccess'],
    source: `${LEARN}conditionalaccessroot-list-authenticationcontextclassreferences`,
  },
];

/** The permissions that allow a Graph call, or undefined when the path is none the emulator serves. */
export function graphPermissionsFor(method: string, path: string): readonly string[] | undefined {
  const m = method.toUpperCase();
  return GRAPH_PERMISSIONS.find((r) => r.methods.includes(m) && r.path.test(path))?.anyOf;
}

/**
 * The Azure RBAC action an ARM call needs: `Microsoft.Authorization/{collection}/{read|write}` as listed in the
 * Azure built-in permissions reference (Microsoft.Authorization).
 */
export function armActionFor(method: string, collection: string): string {
  const known: Record<string, string> = {
    rolemanagementpolicies: 'roleManagementPolicies',
    rolemanagementpolicyassignments: 'roleManagementPolicyAssignments',
    roledefinitions: 'roleDefinitions',
    roleeligibilityscheduleinstances: 'roleEligibilityScheduleInstances',
    roleassignmentscheduleinstances: 'roleAssignmentScheduleInstances',
  };
  const c = known[collection.toLowerCase()] ?? collection;
  return `Microsoft.Authorization/${c}/${method.toUpperCase() === 'GET' ? 'read' : 'write'}`;
}
