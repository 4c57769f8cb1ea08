// The Keycloak provider's public surface.
export {
  createKeycloakProvider,
  KeycloakProvider,
  DEFAULT_BROWSER_FLOW_ALIAS,
} from './keycloak-provider.js';
export type { KeycloakProviderOptions, KeycloakSpec } from './keycloak-provider.js';
export { KeycloakAdminClient } from './admin-client.js';
export type { RequestStats, AdminClientOptions } from './admin-client.js';
export { KeycloakSnapshot } from './snapshot.js';
export { keycloakProvider } from './descriptor.js';
