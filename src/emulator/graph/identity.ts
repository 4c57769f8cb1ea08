// The Microsoft identity platform endpoints MSAL (and so @azure/identity) needs to get an app-only token from
// the emulator: OpenID discovery, the JWKS document and the client-credentials token endpoint, which issues
// tokens for a registered application with the audience its scope names and the permissions it was granted.
import { randomUUID } from 'node:crypto';
import type { GraphResponse } from './errors.js';
import { apiOfScope, type ClientRegistry, type TokenService } from './tokens.js';

/** How long an emulator token claims to live, in seconds (Entra issues ~1 h tokens). */
export const TOKEN_LIFETIME_S = 3599;

/** What the token endpoint needs besides the request. */
export interface IdentityContext {
  tenantId: string;
  clients: ClientRegistry;
  tokens: TokenService;
  /** This emulator's own Graph and ARM origins (lower case), which scopes may name instead of the public URIs. */
  origins: { graph: readonly string[]; arm: readonly string[] };
}

function json(status: number, body: unknown): GraphResponse {
  return { status, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body };
}

/** An AADSTS-style OAuth error. */
function oauthError(status: number, error: string, description: string): GraphResponse {
  return json(status, {
    error,
    error_description: description,
    error_codes: [Number(/AADSTS(\d+)/.exec(description)?.[1] ?? 0)],
    timestamp: new Date().toISOString().replace('T', ' ').slice(0, 19) + 'Z',
    trace_id: randomUUID(),
    correlation_id: randomUUID(),
  });
}

/** Matches /{tenant}/... identity paths; returns the handler's answer or undefined when not one. */
export function routeIdentity(
  method: string,
  path: string,
  rawBody: string,
  origin: string,
  ctx: IdentityContext,
): GraphResponse | undefined {
  const { tenantId } = ctx;
  const m =
    /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/token|discovery\/v2\.0\/keys)$/.exec(
      path,
    );
  if (!m) return undefined;
  const tenant = m[1]!;
  const what = m[2]!;
  // MSAL may use the tenant id or the multi-tenant aliases; anything else is an unknown tenant, as in Entra.
  if (![tenantId.toLowerCase(), 'common', 'organizations'].includes(tenant.toLowerCase())) {
    return oauthError(
      400,
      'invalid_tenant',
      `AADSTS90002: Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID.`,
    );
  }
  const base = `${origin}/${tenantId}`;
  if (what.startsWith('v2.0')) {
    if (method !== 'GET') return json(405, { error: 'method_not_allowed' });
    return json(200, {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: [
        'client_secret_post',
        'private_key_jwt',
        'client_secret_basic',
      ],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${base}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${origin}/oidc/userinfo`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'tid', 'oid', 'roles'],
      tenant_region_scope: 'EU',
      cloud_instance_name: 'rolegate-emulator',
    });
  }
  if (what.startsWith('discovery')) {
    if (method !== 'GET') return json(405, { error: 'method_not_allowed' });
    return json(200, { keys: [] });
  }
  if (method !== 'POST') return json(405, { error: 'method_not_allowed' });
  const form = new URLSearchParams(rawBody);
  const grant = form.get('grant_type');
  if (!grant) {
    return oauthError(
      400,
      'invalid_request',
      "AADSTS900144: The request body must contain the following parameter: 'grant_type'.",
    );
  }
  if (grant !== 'client_credentials') {
    return oauthError(
      400,
      'unsupported_grant_type',
      `AADSTS70003: The app requested an unsupported grant type '${grant}'.`,
    );
  }
  const clientId = form.get('client_id');
  if (!clientId) {
    return oauthError(
      400,
      'invalid_request',
      "AADSTS900144: The request body must contain the following parameter: 'client_id'.",
    );
  }
  if (!form.get('client_secret') && !form.get('client_assertion')) {
    return oauthError(
      401,
      'invalid_client',
      "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  const client = ctx.clients.get(clientId);
  if (!client) {
    return oauthError(
      400,
      'unauthorized_client',
      `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${tenantId}'.`,
    );
  }
  const secret = form.get('client_secret');
  if (client.secret !== undefined && secret !== null && secret !== client.secret) {
    return oauthError(
      401,
      'invalid_client',
      `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    );
  }
  const scope = form.get('scope') ?? '';
  if (!/\/\.default(\s|$)/.test(scope)) {
    return oauthError(
      400,
      'invalid_scope',
      `AADSTS1002012: The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const api = apiOfScope(scope, ctx.origins);
  if (api === undefined) {
    return oauthError(
      400,
      'invalid_resource',
      `AADSTS500011: The resource principal named ${scope.replace(/\/\.default.*$/, '')} was not found in the tenant named ${tenantId}.`,
    );
  }
  return json(200, {
    token_type: 'Bearer',
    expires_in: TOKEN_LIFETIME_S,
    ext_expires_in: TOKEN_LIFETIME_S,
    access_token: ctx.tokens.issue(client, api, TOKEN_LIFETIME_S),
  });
}
