// Secrets (and ConfigMaps holding CA bundles) in Kubernetes mode: read from the API server, in the namespace the
// reference names or the controller's own. The value is returned to the provider factory and never logged.
import { apiStatusCode } from '../kube/api-error.js';
import type { KubeClient } from '../kube/client.js';
import {
  ProviderConfigError,
  type SecretKeyRef,
  type SecretResolver,
} from './provider-registry.js';

/** A KubeSecretResolver reads Secret and ConfigMap keys through the API server. */
export class KubeSecretResolver implements SecretResolver {
  constructor(
    private readonly client: KubeClient,
    private readonly defaultNamespace: string,
  ) {}

  async get(ref: SecretKeyRef): Promise<string> {
    const data = (await this.read('Secret', ref)).data?.[ref.key];
    if (data === undefined)
      throw new ProviderConfigError(`Secret ${this.where(ref)} has no key ${ref.key}`);
    return Buffer.from(data, 'base64').toString('utf8');
  }

  async getConfigMap(ref: SecretKeyRef): Promise<string> {
    const data = (await this.read('ConfigMap', ref)).data?.[ref.key];
    if (data === undefined)
      throw new ProviderConfigError(`ConfigMap ${this.where(ref)} has no key ${ref.key}`);
    return data;
  }

  private where(ref: SecretKeyRef): string {
    return `${ref.namespace ?? this.defaultNamespace}/${ref.name}`;
  }

  private async read(
    kind: 'Secret' | 'ConfigMap',
    ref: SecretKeyRef,
  ): Promise<{ data?: Record<string, string> }> {
    const namespace = ref.namespace ?? this.defaultNamespace;
    const plural = kind === 'Secret' ? 'secrets' : 'configmaps';
    try {
      return await this.client.get(
        `/api/v1/namespaces/${encodeURIComponent(namespace)}/${plural}/${encodeURIComponent(ref.name)}`,
      );
    } catch (err) {
      const code = apiStatusCode(err);
      if (code === 404) throw new ProviderConfigError(`${kind} ${this.where(ref)} does not exist`);
      if (code === 403)
        throw new ProviderConfigError(
          `The controller may not read ${kind} ${this.where(ref)}; grant get on it`,
        );
      throw err;
    }
  }
}
