// The Graph emulator's public surface: a faithful-enough Microsoft Graph for Entra PIM directory-role
// policies, for tests, demos and benchmarks where Azure cannot be reached.
export { startGraphEmulator } from './server.js';
export type { GraphEmulator, GraphEmulatorOptions } from './server.js';
export type { FaultSpec, FaultMatch } from './faults.js';
export type { LoggedRequest, RequestCounts, ListOptions, LogStats } from './request-log.js';
export type {
  Policy,
  PolicyRule,
  PolicyAssignment,
  RoleDefinition,
  SeedSpec,
  TenantData,
} from './catalog.js';
export {
  DEFAULT_TENANT_ID,
  PRIVILEGED_ROLES,
  NON_PRIVILEGED_ROLES,
  seedTenant,
  stableGuid,
} from './catalog.js';
export {
  ARM_AUDIENCE,
  DEFAULT_ARM_ACTIONS,
  DEFAULT_EMULATOR_CLIENT_ID,
  DEFAULT_GRAPH_ROLES,
  GRAPH_AUDIENCE,
} from './tokens.js';
export type { Api, EmulatorClient, TokenClaims } from './tokens.js';
export type { TokenRequest } from './server.js';
export { GRAPH_PERMISSIONS } from './permissions.js';
export { MAX_BATCH_REQUESTS } from './batch.js';
export {
  BREAKGLASS_UPN,
  BREAKGLASS_USER_ID,
  ConditionalAccessState,
  SEEDED_ADMIN_CA_POLICY_ID,
  SEEDED_CA_POLICY_ID,
  SEEDED_REPORT_ONLY_CA_POLICY_ID,
} from './conditional-access.js';
export type {
  ConditionalAccessPolicy,
  ConditionalAccessPolicyInput,
  ConditionalAccessPolicyState,
  ConditionalAccessUsers,
  ConditionalAccessOtherConditions,
  AuthenticationContextClassReference,
} from './conditional-access.js';
export { NO_MFA_ALERT } from './alerts.js';
export type { NoMfaIncident, AlertDefinition } from './alerts.js';
export { ARM_API_VERSION, ARM_BUILT_IN_ROLES, DEFAULT_SUBSCRIPTION_ID } from './arm.js';
export type { ArmRule, ArmInstance, ArmInstanceSeed } from './arm.js';
export {
  defaultDirectorySeed,
  groupId,
  groupPolicyId,
  syntheticDirectory,
  userId,
  SEEDED_TIER0_GROUP,
} from './directory.js';
export type {
  DirectoryData,
  DirectorySeed,
  DirectoryUser,
  DirectoryGroup,
  RoleInstance,
  GroupInstance,
  SyntheticDirectoryOptions,
} from './directory.js';
export { GET_BY_IDS_LIMIT } from './directory-routes.js';
