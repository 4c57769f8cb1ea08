// Secrets in directory mode come from the environment: a clientSecretRef {name: entra, key: client-secret}
// is read from ROLEGATE_SECRET_ENTRA_CLIENT_SECRET. Values never reach a log or a message.
import {
  ProviderConfigError,
  type SecretKeyRef,
  type SecretResolver,
} from './provider-registry.js';

/** The environment variable that holds a secret reference's value. */
export function secretEnvName(ref: SecretKeyRef): string {
  return `ROLEGATE_SECRET_${ref.name}_${ref.key}`.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** An EnvSecretResolver reads secret references from environment variables. */
export class EnvSecretResolver implements SecretResolver {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}
  get(ref: SecretKeyRef): Promise<string> {
    const name = secretEnvName(ref);
    const v = this.env[name];
    if (v === undefined || v === '') {
      return Promise.reject(
        new ProviderConfigError(
          `Secret ${ref.name} key ${ref.key} is not set: in directory mode set the environment variable ${name}`,
        ),
      );
    }
    return Promise.resolve(v);
  }
}
