// The contract between the reconciler and an identity provider. A provider observes in bulk (a snapshot per
// resync, so that N roles do not cost N requests) and applies a list of actions (so that it can batch).
import type { LiveRole, RoleLookup } from '../api/observation.js';
import type { Action } from '../reconcile/action.js';

/** A reference to a role as a PrivilegedRole gives it. */
export interface RoleReference {
  id?: string;
  displayName?: string;
  clientId?: string;
}

/** A point-in-time view of every role policy a provider holds, read with as few requests as possible. */
export interface ProviderSnapshot {
  /** When the snapshot was read (RFC 3339). */
  readonly observedAt: string;
  /** Resolves a role reference at a scope. */
  resolve(ref: RoleReference, scope: string): RoleLookup;
  /** Every role in the snapshot, for export and alerts. */
  roles(): readonly LiveRole[];
}

/**
 * The result of one action. `unchanged` says that the provider's fresh read before writing already showed the
 * setting as wanted, so nothing was sent (a snapshot that showed drift was older than the provider's state).
 */
export type ActionResult =
  | { action: Action; ok: true; role: LiveRole; unchanged?: true }
  | { action: Action; ok: false; error: ProviderError };

/** A provider alert about a role (Entra PIM: "Roles don't require multi-factor authentication for activation"). */
export interface ProviderAlert {
  roleId: string;
  roleDisplayName: string;
  severity: string;
}

/** A client for one identity provider, built from an IdentityProvider spec. */
export interface ProviderClient {
  /** The kind of its descriptor (registry.ts), such as `entra`. */
  readonly kind: string;
  /** Reads every role policy, following paging. Never writes. */
  snapshot(signal?: AbortSignal): Promise<ProviderSnapshot>;
  /**
   * Applies actions (batching where the API allows), then reads back what it wrote and returns the verified
   * live role per action. Never throws for one failed action: each result says how it went.
   */
  apply(actions: readonly Action[], signal?: AbortSignal): Promise<ActionResult[]>;
  /** Checks that the credentials work (IdentityProvider Ready). */
  checkAccess?(signal?: AbortSignal): Promise<void>;
  /** The provider's own alerts about roles without MFA, if it has any. */
  alerts?(signal?: AbortSignal): Promise<ProviderAlert[]>;
  /** Requests sent so far (for plan/apply summaries, metrics and benchmarks). */
  stats?(): ProviderStats;
  /**
   * How long nothing may be sent to the provider yet because it answered with a Retry-After (0 when it may):
   * the controller keeps this provider's work waiting meanwhile instead of giving it workers that would sleep.
   */
  throttledForMs?(): number;
  close?(): Promise<void>;
}

/** A reference to one key of a Secret. */
export interface SecretKeyRef {
  name: string;
  namespace?: string | undefined;
  key: string;
}

/** Resolves secret references: from the API server in Kubernetes mode, from the environment otherwise. */
export interface SecretResolver {
  get(ref: SecretKeyRef, signal?: AbortSignal): Promise<string>;
  /** Reads a ConfigMap key (not secret: CA bundles). Absent where there are no ConfigMaps (directory mode). */
  getConfigMap?(ref: SecretKeyRef, signal?: AbortSignal): Promise<string>;
}

/** Request counters of a provider client. */
export interface ProviderStats {
  requests: number;
  reads: number;
  writes: number;
  retries: number;
}

/** Why a provider call failed, in terms the reconciler can act on. */
export type ProviderErrorKind =
  | 'Throttled' // 429: retry after retryAfterMs
  | 'Unavailable' // 5xx, timeouts, resets: retry with backoff
  | 'PermissionDenied' // 401/403: stalled until credentials change
  | 'Invalid' // 400 and other client errors: stalled until the spec changes
  | 'NotFound';

/** An error from a provider, classified. Messages are deterministic: no request ids, no times. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly options: {
      retryAfterMs?: number;
      status?: number;
      code?: string;
      cause?: unknown;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
  /** The delay a server asked for, if any. */
  get retryAfterMs(): number | undefined {
    return this.options.retryAfterMs;
  }
}

/**
 * An IdentityProvider spec that cannot yield a working client: missing or unreadable credentials, a setting
 * the provider refuses. The reconciler reports it as CredentialsMissing and stalls instead of retrying.
 */
export class ProviderConfigError extends Error {
  override readonly name = 'ProviderConfigError';
}
