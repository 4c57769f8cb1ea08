// The Keycloak component of the integration tests: one real server per run (start-up is the main cost), each
// test file isolating itself in a realm of its own.
import type { Component } from './component.js';
import { startKeycloakServer } from '../../scripts/keycloak/server.mjs';

/** Starts Keycloak and hands its URL and master-realm admin credentials to the tests. */
export async function startKeycloak(): Promise<Component> {
  const server = await startKeycloakServer({
    log: (line) => process.stderr.write(`[keycloak] ${line}\n`),
  });
  return {
    provide: {
      KEYCLOAK_URL: server.url,
      KEYCLOAK_ADMIN_REALM: 'master',
      KEYCLOAK_ADMIN_CLIENT_ID: server.admin.clientId,
      KEYCLOAK_ADMIN_CLIENT_SECRET: server.admin.clientSecret,
      KEYCLOAK_ADMIN_USERNAME: server.admin.username,
      KEYCLOAK_ADMIN_PASSWORD: server.admin.password,
      KEYCLOAK_START_MS: String(server.startMs),
      KEYCLOAK_LOG: server.logFile,
    },
    stop: () => server.stop(),
  };
}
