// Pure. What the validator needs to know about identity providers: the key each one's settings take in an
// IdentityProvider's spec, and how to check them. Providers describe themselves (src/providers/<name>); the
// validator is given the list, so that it knows every provider without naming any.
import type { Json, ValidationProblem } from './problem.js';

/** The validation part of a provider's descriptor. */
export interface ProviderSpecRules {
  /** The key of the provider's settings in IdentityProvider.spec, such as `entra`. */
  readonly specKey: string;
  /**
   * Whether crds/ defines spec[specKey], so that the CRD schema (and the API server) checks its shape. A provider
   * not in crds/ must check the shape itself in validateSpec.
   */
  readonly inCrd: boolean;
  /**
   * Checks spec[specKey] beyond what the CRD enforces (or all of it, for a provider not in crds/). `at` is the
   * RFC 6901 pointer of the settings, such as `/spec/entra`; problems point into it. Never throws.
   */
  validateSpec?(settings: unknown, at: string): ValidationProblem[];
  /**
   * Checks a PrivilegedRole's spec against this provider, for a role whose providerRef names an IdentityProvider
   * of this kind: fields the provider has no use for (rule `semantic.provider-field`). `provider` is the
   * IdentityProvider's name, for messages; problems point into the PrivilegedRole (`/spec/...`). Never throws.
   */
  validateRoleSpec?(spec: Json, provider: string): ValidationProblem[];
  /** Rule ids and one-line descriptions of the problems validateSpec reports (for SARIF and docs). */
  readonly rules?: Readonly<Record<string, string>>;
}

/** The providers a validator knows, in registration order. */
export type ProviderSpecs = readonly ProviderSpecRules[];
