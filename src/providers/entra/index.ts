// The Entra provider's public surface.
export { createEntraProvider, EntraProvider } from './entra-provider.js';
export type { EntraProviderOptions } from './entra-provider.js';
export {
  createCredential,
  EntraConfigError,
  StaticTokenCredential,
  DEFAULT_GRAPH_BASE_URL,
  EmulatorCredential,
  EMULATOR_CLIENT_ID,
} from './credentials.js';
export type { EntraSpec, CredentialOptions } from './credentials.js';
export { isLoopbackUrl } from '../../util/loopback.js';
export { entraProvider } from './descriptor.js';
export {
  GraphClient,
  BATCH_LIMIT,
  EXPANDED_PAGE_SIZE,
  GRAPH_VERSION,
  MAX_PAGE_SIZE,
} from './graph-client.js';
export type {
  GraphClientOptions,
  GraphStats,
  GraphResult,
  BatchRequest,
  BatchResult,
  CollectionPage,
  GraphClientLogger,
  PageOptions,
} from './graph-client.js';
export type { RetryOptions } from './retry.js';
export { EntraSnapshot } from './snapshot.js';
export * as entraMapping from './mapping.js';
export { ArmClient, ARM_API_VERSION, DEFAULT_RESOURCE_MANAGER_URL } from './arm-client.js';
export type { ArmClientOptions } from './arm-client.js';
export * as armMapping from './arm-mapping.js';
export { classifyContexts, grantRequiresMfa, readConditionalAccess } from './conditional-access.js';
export type {
  ConditionalAccessRead,
  ContextVerdicts,
  GraphConditionalAccessPolicy,
} from './conditional-access.js';
export { accessPolicyFromGraph, unjudgedConditions } from './access-policy.js';
export { readNoMfaAlerts, NO_MFA_ALERT } from './alerts.js';
export type { AlertRefreshOptions } from './alerts.js';
export type { ArmScopeRead, EntraSnapshotExtras } from './snapshot.js';
