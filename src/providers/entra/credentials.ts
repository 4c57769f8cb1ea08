// Builds the TokenCredential of an Entra IdentityProvider from its spec. Secrets are resolved by the caller
// (a Kubernetes Secret or an environment variable) and passed in; this module never reads them itself.
import {
  ClientSecretCredential,
  EnvironmentCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
  type AccessToken,
  type TokenCredential,
} from '@azure/identity';
import type { IdentityProviderSpec } from '../../api/v1alpha1/generated.js';
import { ProviderConfigError } from '../types.js';

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

/** The token that `Emulator` credentials present; the emulator accepts any bearer token. */
export const EMULATOR_TOKEN = 'rolegate-emulator-development-token';

/** Whether a URL's host is a loopback address (127.0.0.0/8, ::1, localhost). */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '[::1]' || host === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** A credential that always returns the same token: the Emulator credential type. */
export class StaticTokenCredential implements TokenCredential {
  constructor(private readonly token: string) {}

  getToken(): Promise<AccessToken> {
    return Promise.resolve({ token: this.token, expiresOnTimestamp: Date.now() + 3_600_000 });
  }
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

/** Builds the TokenCredential for an Entra spec. Throws EntraConfigError for an unusable spec. */
export function createCredential(spec: EntraSpec, opts: CredentialOptions = {}): TokenCredential {
  const c = spec.credentials;
  const graphBaseUrl = spec.graphBaseUrl ?? DEFAULT_GRAPH_BASE_URL;
  try {
    switch (c.type) {
      case 'Emulator':
        // A fixed token must never reach a real Graph endpoint: refuse anything but loopback.
        if (!isLoopbackUrl(graphBaseUrl)) {
          throw new EntraConfigError(
            `Emulator credentials are accepted only with a loopback graphBaseUrl (127.0.0.0/8, ::1, localhost), not ${graphBaseUrl}`,
          );
        }
        return new StaticTokenCredential(EMULATOR_TOKEN);
      case 'ClientSecret':
        if (!c.clientId) {
          throw new EntraConfigError('ClientSecret credentials need credentials.clientId');
        }
        if (!opts.clientSecret) {
          throw new EntraConfigError(
            'ClientSecret credentials need a client secret (credentials.clientSecretRef)',
          );
        }
        return new ClientSecretCredential(
          spec.tenantId,
          c.clientId,
          opts.clientSecret,
          authorityOptions(spec),
        );
      case 'WorkloadIdentity':
        // clientId and the token file default to what the workload identity webhook injects (AZURE_*).
        return new WorkloadIdentityCredential({
          tenantId: spec.tenantId,
          ...(c.clientId ? { clientId: c.clientId } : {}),
          ...authorityOptions(spec),
        });
      case 'ManagedIdentity':
        return c.clientId
          ? new ManagedIdentityCredential({ clientId: c.clientId })
          : new ManagedIdentityCredential();
      case 'Environment':
        return new EnvironmentCredential(authorityOptions(spec));
    }
  } catch (err) {
    if (err instanceof EntraConfigError) throw err;
    // @azure/identity throws at construction for missing AZURE_* variables or a bad authority host.
    const msg = err instanceof Error ? (err.message.split(/\r?\n/)[0] ?? '') : String(err);
    throw new EntraConfigError(`cannot build ${c.type} credentials: ${msg}`, { cause: err });
  }
  throw new EntraConfigError(`unknown credentials type ${String((c as { type: unknown }).type)}`);
}
