// The identity providers rolegate knows: one line per provider. Each folder under src/providers/ registers a
// descriptor (descriptor.ts there); validation, the controller and the CLI find providers only through this.
import type { Logger } from 'pino';
import type { IdentityProvider } from '../api/v1alpha1/types.js';
import type { ProviderDescriptor } from './descriptor.js';
import type { RequestObserver } from './request-observer.js';
import { entraProvider } from './entra/descriptor.js';
import { keycloakProvider } from './keycloak/descriptor.js';
import { ProviderConfigError, type ProviderClient, type SecretResolver } from './types.js';

/** A set of provider descriptors, looked up by kind or by the settings an IdentityProvider carries. */
export class ProviderDescriptors {
  private readonly byKindMap: ReadonlyMap<string, ProviderDescriptor>;

  constructor(readonly descriptors: readonly ProviderDescriptor[]) {
    const kinds = new Map<string, ProviderDescriptor>();
    const keys = new Set<string>();
    for (const d of descriptors) {
      if (kinds.has(d.kind) || keys.has(d.specKey))
        throw new Error(`provider ${d.kind} (spec.${d.specKey}) is registered twice`);
      kinds.set(d.kind, d);
      keys.add(d.specKey);
    }
    this.byKindMap = kinds;
  }

  /** A registry with these providers added (tests register their own provider this way). */
  with(...more: ProviderDescriptor[]): ProviderDescriptors {
    return new ProviderDescriptors([...this.descriptors, ...more]);
  }

  /** The descriptor of a kind, such as `entra`. */
  byKind(kind: string): ProviderDescriptor | undefined {
    return this.byKindMap.get(kind);
  }

  /**
   * The provider an IdentityProvider's spec chooses, with its settings; undefined when it sets none (validation
   * reports that, and more than one).
   */
  forSpec(spec: object): { descriptor: ProviderDescriptor; settings: unknown } | undefined {
    const fields = spec as Record<string, unknown>;
    const descriptor = this.descriptors.find((d) => fields[d.specKey] !== undefined);
    return descriptor && { descriptor, settings: fields[descriptor.specKey] };
  }

  /** The kind an IdentityProvider's spec chooses, or `unknown`. */
  kindOf(spec: object): string {
    return this.forSpec(spec)?.descriptor.kind ?? 'unknown';
  }

  /**
   * Builds the client of an IdentityProvider, resolving its Secret references first; `observe` gives the timer of
   * its requests, by IdentityProvider name (the controller's metrics).
   */
  async createClient(
    idp: IdentityProvider,
    secrets: SecretResolver,
    logger?: Logger,
    observe?: (name: string) => RequestObserver,
  ): Promise<ProviderClient> {
    const found = this.forSpec(idp.spec);
    if (!found) {
      const keys = this.descriptors.map((d) => d.specKey).join(', ');
      throw new ProviderConfigError(
        `IdentityProvider ${idp.metadata.name} sets no provider (one of ${keys})`,
      );
    }
    const name = idp.metadata.name;
    const client = await found.descriptor.create(found.settings, {
      name,
      secrets,
      logger,
      ...(observe ? { onRequest: observe(name) } : {}),
    });
    // The controller finds a client's descriptor by its kind (default MFA requirement, status type).
    if (client.kind !== found.descriptor.kind)
      throw new Error(`provider ${found.descriptor.kind} built a client of kind ${client.kind}`);
    return client;
  }

  /** createClient with a logger (and a request timer), as a factory of clients. */
  factory(
    logger?: Logger,
    observe?: (name: string) => RequestObserver,
  ): (idp: IdentityProvider, secrets: SecretResolver) => Promise<ProviderClient> {
    return (idp, secrets) => this.createClient(idp, secrets, logger, observe);
  }
}

/** The providers rolegate ships. */
export const PROVIDERS = new ProviderDescriptors([entraProvider, keycloakProvider]);
