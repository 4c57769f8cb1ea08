// What a provider registers about itself: its kind, where its settings sit in an IdentityProvider, how to check
// them, how to build its client, and what it requires of a role nobody configured. Everything else in rolegate
// reaches a provider through its descriptor (see registry.ts), so a new provider is one folder and one line.
import type { Logger } from 'pino';
import type { LiveRole } from '../api/observation.js';
import type { ProviderSpecRules } from '../api/validation/provider-spec.js';
import type { ProviderClient, SecretResolver } from './types.js';
import type { RequestObserver } from './request-observer.js';

/** What a provider's factory is given besides its settings. */
export interface ProviderContext {
  /** The IdentityProvider's name. */
  name: string;
  /** Resolves the Secret references of the settings. */
  secrets: SecretResolver;
  /** Receives the provider's operator notices, if the caller logs them. */
  logger?: Logger | undefined;
  /** Times every request the client sends (the controller's metrics), if the caller records them. */
  onRequest?: RequestObserver | undefined;
}

/** One provider, as it registers itself. `S` is the type of its settings (spec[specKey]). */
export interface ProviderDescriptor<S = unknown> extends ProviderSpecRules {
  /** The provider's kind, as IdentityProvider status reports it (`status.type`) and clients name themselves. */
  readonly kind: string;
  /** A one-line description, for docs and errors. */
  readonly description: string;
  /**
   * Builds the client for validated settings. Throws ProviderConfigError for settings that cannot work (a
   * missing Secret, a setting the provider refuses), which stalls the IdentityProvider instead of retrying.
   */
  create(settings: S, ctx: ProviderContext): Promise<ProviderClient>;
  /**
   * Whether the provider requires MFA of a role nobody has configured: what `deletionPolicy: ResetToDefault`
   * returns a role to (bounded by the never-weaken guard).
   */
  defaultMfaRequired(role: LiveRole): boolean;
  /**
   * The provider's default of PIM's MFA-on-active-assignment rule for a role nobody configured, for providers
   * that have the rule: what `ResetToDefault` returns it to when the object declared `mfaOnActiveAssignment`
   * (bounded by the never-weaken guard).
   */
  defaultMfaOnActiveAssignment?(role: LiveRole): boolean;
  /**
   * The settings pointed at rolegate's in-process emulator (`--emulator`), or undefined when these settings do
   * not use the emulator. Only providers the emulator stands in for define it.
   */
  withEmulator?(settings: S, emulator: EmulatorUrls): S | undefined;
  /**
   * The provider's id for a role reference, found without asking the provider (`rolegate validate`), when the
   * provider can know it; claims compare by it. Entra's built-in roles have one template id in every tenant.
   */
  offlineRoleId?(
    ref: { id?: string; displayName?: string; clientId?: string },
    scope: string,
  ): string | undefined;
}

/** Where the in-process emulator listens. */
export interface EmulatorUrls {
  /** Microsoft Graph and the token endpoint. */
  graph: string;
  /** Azure Resource Manager (its own listener, as it is its own host in Azure). */
  arm: string;
}

/**
 * Declares a provider. The settings reach `create` only after the IdentityProvider validated (the CRD schema or
 * the provider's own validateSpec), which is what makes the narrowing from `unknown` sound.
 */
export function defineProvider<S>(d: ProviderDescriptor<S>): ProviderDescriptor {
  return d as unknown as ProviderDescriptor;
}
