// Secrets in Kubernetes mode: read from the API server, in the namespace the reference names or the
// controller's own. The value is returned to the provider factory and never logged.
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import {
  ProviderConfigError,
  type SecretKeyRef,
  type SecretResolver,
} from './provider-registry.js';

/** A KubeSecretResolver reads Secret keys through the API server. */
export class KubeSecretResolver implements SecretResolver {
  private readonly api: CoreV1Api;
  constructor(
    kc: KubeConfig,
    private readonly defaultNamespace: string,
  ) {
    this.api = kc.makeApiClient(CoreV1Api);
  }

  async get(ref: SecretKeyRef): Promise<string> {
    const namespace = ref.namespace ?? this.defaultNamespace;
    let secret;
    try {
      secret = await this.api.readNamespacedSecret({ name: ref.name, namespace });
    } catch (err) {
      const code = (err as { code?: number }).code;
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
