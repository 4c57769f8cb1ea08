// Builds the TokenCredential of an Entra IdentityProvider from its spec. Secrets are resolved by the caller
// (a Kubernetes Secret or an environment variable) and passed in; this module never reads them itself.
//
// @azure/identity (and MSAL with it) is loaded on the first token request of a credential type that needs it, not
// when the controller starts: it is a large share of the controller's memory, which installs using only Keycloak or the
// emulator would otherwise carry for nothing. What can be checked without it is checked at once.
import type * as AzureIdentity from '@azure/identity';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import type { IdentityProviderSpec } from '../../api/v1alpha1/generated.js';
import { isLoopbackUrl } from '../../util/loopback.js';
import { ProviderConfigError } from '../types.js';
import { httpFetch, type HttpResponse } from '../http-fetch.js';

/**
 * An Entra spec that cannot yield credentials (a missing secret or client id, Emulator credentials aimed at a
 * non-loopback URL): the provider contract's ProviderConfigError.
 */
export class EntraConfigError extends ProviderConfigError {}

/** The Entra part of an IdentityProvider spec. */
export type EntraSpec = NonNullable<IdentityProviderSpec['entra']>;

/** What the caller resolved for the credential. */
export interface CredentialOptions {
  /** The client secret behind `clientSecretRef` (ClientSecret only). */
  clientSecret?: string | undefined;
}

/** Microsoft Graph of the public cloud. */
export const DEFAULT_GRAPH_BASE_URL = 'https://graph.microsoft.com';

/**
 * The application `Emulator` credentials sign in as when the spec names no clientId: the emulator registers it
 * with every permission rolegate needs.
 */
export const EMULATOR_CLIENT_ID = '4f1f7a2c-2b1e-4c55-9a1d-0e6a1c7b9d21';

/** The secret `Emulator` credentials send; the emulator's default application accepts any. */
const EMULATOR_CLIENT_SECRET = 'rolegate-emulator-development-secret';

/** How long a token request to the emulator may take. */
const EMULATOR_TOKEN_TIMEOUT_MS = 10_000;

/** The token endpoint is called as Graph is (see http-fetch.ts). */
const emulatorFetch = httpFetch();

/** A credential that always returns the same token: the Emulator credential type. */
export class StaticTokenCredential implements TokenCredential {
  constructor(private readonly token: string) {}

  getToken(): Promise<AccessToken> {
    return Promise.resolve({ token: this.token, expiresOnTimestamp: Date.now() + 3_600_000 });
  }
}

/** A token endpoint's refusal, shaped like @azure/identity's AuthenticationError for classifyTokenError. */
class EmulatorTokenError extends Error {
  override readonly name = 'AuthenticationError';

  constructor(
    readonly statusCode: number,
    readonly errorResponse: { error: string; errorDescription: string },
  ) {
    super(errorResponse.errorDescription);
  }
}

/**
 * The Emulator credential type: a client-credentials token request to the emulator's own token endpoint
 * (`{graphBaseUrl}/{tenantId}/oauth2/v2.0/token`), so that the token carries the audience of the scope asked for
 * and the permissions the emulator granted the application, exactly as Entra's would. Tokens are kept per scope
 * until five minutes before they expire.
 */
export class EmulatorCredential implements TokenCredential {
  private readonly cache = new Map<string, AccessToken>();

  constructor(
    private readonly graphBaseUrl: string,
    private readonly tenantId: string,
    private readonly clientId: string = EMULATOR_CLIENT_ID,
  ) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    const scope = (Array.isArray(scopes) ? scopes : [scopes]).join(' ');
    const cached = this.cache.get(scope);
    if (cached && cached.expiresOnTimestamp - Date.now() > 300_000) return cached;
    const url = `${this.graphBaseUrl.replace(/\/+$/, '')}/${encodeURIComponent(this.tenantId)}/oauth2/v2.0/token`;
    const timeout = AbortSignal.timeout(EMULATOR_TOKEN_TIMEOUT_MS);
    const signal = options?.abortSignal
      ? AbortSignal.any([options.abortSignal as AbortSignal, timeout])
      : timeout;
    let res: HttpResponse;
    try {
      res = await emulatorFetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: this.clientId,
          client_secret: EMULATOR_CLIENT_SECRET,
          scope,
        }).toString(),
        signal,
      });
    } catch (err) {
      // Unreachable is transient (classifyTokenError reads the code), not a credentials problem.
      const code = (err as { cause?: { code?: unknown } }).cause?.code;
      throw new Error(
        `${typeof code === 'string' ? code : err instanceof Error ? err.name : 'Error'}: network error reaching the emulator's token endpoint ${url}`,
        { cause: err },
      );
    }
    const body = (await res.json().catch(() => ({}))) as {
      access_token?: unknown;
      expires_in?: unknown;
      error?: unknown;
      error_description?: unknown;
    };
    if (!res.ok || typeof body.access_token !== 'string') {
      throw new EmulatorTokenError(res.status, {
        error: typeof body.error === 'string' ? body.error : 'invalid_request',
        errorDescription:
          typeof body.error_description === 'string'
            ? body.error_description
            : `the token endpoint answered ${res.status}`,
      });
    }
    const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : 3599;
    const t = { token: body.access_token, expiresOnTimestamp: Date.now() + expiresIn * 1000 };
    this.cache.set(scope, t);
    return t;
  }
}

type Identity = typeof AzureIdentity;

/**
 * A credential of @azure/identity, built on its first token request. A failure to build it (the library rejects
 * the tenant id or authority host) is an EntraConfigError, reported like any other unusable spec.
 */
class DeferredCredential implements TokenCredential {
  private built: Promise<TokenCredential> | undefined;

  constructor(
    /** The credentials type, for error messages. */
    readonly type: string,
    private readonly build: (identity: Identity) => TokenCredential,
  ) {}

  async getToken(
    scopes: string | string[],
    options?: GetTokenOptions,
  ): Promise<AccessToken | null> {
    this.built ??= import('@azure/identity').then((identity) => {
      try {
        return this.build(identity);
      } catch (err) {
        // not kept: a later request tries again (the library may have been refused for a passing reason)
        this.built = undefined;
        throw buildError(this.type, err);
      }
    });
    return (await this.built).getToken(scopes, options);
  }
}

function buildError(type: string, err: unknown): EntraConfigError {
  const msg = err instanceof Error ? (err.message.split(/\r?\n/)[0] ?? '') : String(err);
  return new EntraConfigError(`cannot build ${type} credentials: ${msg}`, { cause: err });
}

/**
 * Options for MSAL-based credentials. A loopback authority (the emulator over HTTPS) cannot answer MSAL's
 * instance discovery, which would otherwise call out to login.microsoftonline.com.
 */
function authorityOptions(spec: EntraSpec): {
  authorityHost?: string;
  disableInstanceDiscovery?: boolean;
} {
  if (!spec.authorityHost) return {};
  return {
    authorityHost: spec.authorityHost,
    ...(isLoopbackUrl(spec.authorityHost) ? { disableInstanceDiscovery: true } : {}),
  };
}

/**
 * Builds the TokenCredential for an Entra spec. Throws EntraConfigError for a spec that cannot work; errors only
 * @azure/identity can find come from the first getToken (see DeferredCredential).
 */
export function createCredential(
  spec: EntraSpec,
  opts: CredentialOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): TokenCredential {
  const c = spec.credentials;
  const graphBaseUrl = spec.graphBaseUrl ?? DEFAULT_GRAPH_BASE_URL;
  switch (c.type) {
    case 'Emulator':
      // A development secret must never reach a real endpoint: refuse anything but loopback.
      if (!isLoopbackUrl(graphBaseUrl)) {
        throw new EntraConfigError(
          `Emulator credentials are accepted only with a loopback graphBaseUrl (127.0.0.0/8, ::1, localhost), not ${graphBaseUrl}`,
        );
      }
      return new EmulatorCredential(graphBaseUrl, spec.tenantId, c.clientId ?? EMULATOR_CLIENT_ID);
    case 'ClientSecret': {
      const { clientId } = c;
      const secret = opts.clientSecret;
      if (!clientId) {
        throw new EntraConfigError('ClientSecret credentials need credentials.clientId');
      }
      if (!secret) {
        throw new EntraConfigError(
          'ClientSecret credentials need a client secret (credentials.clientSecretRef)',
        );
      }
      return new DeferredCredential(
        c.type,
        (m) =>
          new m.ClientSecretCredential(spec.tenantId, clientId, secret, authorityOptions(spec)),
      );
    }
    case 'WorkloadIdentity': {
      // clientId and the token file default to what the workload identity webhook injects (AZURE_*); without
      // them the credential cannot work, which is worth saying before the first token request.
      if (!c.clientId && !env.AZURE_CLIENT_ID) {
        throw new EntraConfigError(
          'WorkloadIdentity credentials need credentials.clientId or AZURE_CLIENT_ID (set by the workload identity webhook)',
        );
      }
      if (!env.AZURE_FEDERATED_TOKEN_FILE) {
        throw new EntraConfigError(
          'WorkloadIdentity credentials need AZURE_FEDERATED_TOKEN_FILE (set by the workload identity webhook): is the pod labelled azure.workload.identity/use: "true"?',
        );
      }
      return new DeferredCredential(
        c.type,
        (m) =>
          new m.WorkloadIdentityCredential({
            tenantId: spec.tenantId,
            ...(c.clientId ? { clientId: c.clientId } : {}),
            ...authorityOptions(spec),
          }),
      );
    }
    case 'ManagedIdentity':
      return new DeferredCredential(c.type, (m) =>
        c.clientId
          ? new m.ManagedIdentityCredential({ clientId: c.clientId })
          : new m.ManagedIdentityCredential(),
      );
    case 'Environment':
      return new DeferredCredential(
        c.type,
        (m) => new m.EnvironmentCredential(authorityOptions(spec)),
      );
  }
  throw new EntraConfigError(`unknown credentials type ${String((c as { type: unknown }).type)}`);
}
