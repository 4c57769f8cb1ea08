// The Entra provider's public surface.
export { createEntraProvider, EntraProvider } from './entra-provider.js';
export type { EntraProviderOptions } from './entra-provider.js';
export {
  createCredential,
  EntraConfigError,
  isLoopbackUrl,
  StaticTokenCredential,
  DEFAULT_GRAPH_BASE_URL,
  EMULATOR_TOKEN,
} from './credentials.js';
export type { EntraSpec, CredentialOptions } from './credentials.js';
export { GraphClient, BATCH_LIMIT, GRAPH_VERSION } from './graph-client.js';
export type {
  GraphClientOptions,
  GraphStats,
  GraphResult,
  BatchRequest,
  BatchResult,
} from './graph-client.js';
export type { RetryOptions } from './retry.js';
export { EntraSnapshot } from './snapshot.js';
export * as entraMapping from './mapping.js';
