// The Graph emulator's public surface: a faithful-enough Microsoft Graph for Entra PIM directory-role
// policies, for tests, demos and benchmarks where Azure cannot be reached.
export { startGraphEmulator } from './server.js';
export type { GraphEmulator, GraphEmulatorOptions } from './server.js';
export type { FaultSpec, FaultMatch } from './faults.js';
export type { LoggedRequest, RequestCounts, ListOptions } from './request-log.js';
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
export { EMULATOR_STATIC_TOKEN } from './identity.js';
export { MAX_BATCH_REQUESTS } from './batch.js';
