// Secrets in Kubernetes mode: read from the API server, in the namespace the reference names or the
// controller's own. The value is returned to the provider factory and never logged.
import { apiStatusCode } from '../kube/api-error.js';
import type { KubeClient } from '../kube/client.js';
import {
  ProviderConfigError,
  type SecretKeyRef,
  type SecretResolver,
} from './provider-registry.js';

/** A KubeSecretResolver reads Secret keys through the API server. */
export class KubeSecretResolver implements SecretResolver {
  constructor(
    private readonly client: KubeClient,
    private readonly defaultNamespace: string,
  ) {}

  async get(ref: SecretKeyRef): Promise<string> {
    const namespace = ref.namespace ?? this.defaultNamespace;
    let secret: { data?: Record<string, string> };
    try {
      secret = await this.client.get(
        `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(ref.name)}`,
      );
    } catch (err) {
      const code = apiStatusCode(err);
      if (code === 404)
        throw new ProviderConfigError(`Secret ${namespace}/${ref.name} does not exist`);
      if (code === 403)
        throw new ProviderConfigError(
          `The controller may not read Secret ${namespace}/${ref.name}; grant get on it`,
        );
      throw err;
    }
    const data = secret.data?.[ref.key];
    if (data === undefined)
      throw new ProviderConfigError(`Secret ${namespace}/${ref.name} has no key ${ref.key}`);
    return Buffer.from(data, 'base64').toString('utf8');
  }
}
