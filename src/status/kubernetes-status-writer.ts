// Status in Kubernetes mode: a JSON merge patch of the /status subresource, so spec (and therefore generation)
// can never be touched, guarded by the resourceVersion the reconciler read so a write based on an old read is
// refused with 409 instead of overwriting newer status.
import type { KubeClient } from '../kube/client.js';
import {
  GROUP,
  VERSION,
  type IdentityProvider,
  type IdentityProviderStatus,
  type PrivilegedRole,
  type PrivilegedRoleStatus,
} from '../api/v1alpha1/types.js';
import { objectKey } from '../api/keys.js';
import { guardStale } from './stale-object-error.js';
import type { StatusWriter } from './types.js';

export { StaleObjectError, isConflict, isStale } from './stale-object-error.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/**
 * The RFC 7386 merge patch that turns `before` into `after`: `after` itself, plus null for every key of `before`
 * (at any depth of plain objects) that `after` lacks. A plain merge patch of the new status would leave such
 * keys behind, e.g. an `atProvider` field the provider no longer reports. Arrays are replaced whole.
 */
export function replacementPatch(before: unknown, after: unknown): Json {
  if (!isPlainObject(after)) return (after ?? null) as Json;
  const out: { [k: string]: Json } = {};
  const old = isPlainObject(before) ? before : {};
  for (const k of Object.keys(old)) if (!(k in after) || after[k] === undefined) out[k] = null;
  for (const [k, v] of Object.entries(after)) {
    if (v === undefined) continue;
    out[k] = isPlainObject(v) && isPlainObject(old[k]) ? replacementPatch(old[k], v) : (v as Json);
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A KubernetesStatusWriter patches the status subresource of PrivilegedRoles and IdentityProviders. */
export class KubernetesStatusWriter implements StatusWriter {
  constructor(private readonly client: KubeClient) {}

  /** Patches a PrivilegedRole's status. Throws StaleObjectError on 409 (changed since read) or 404 (gone). */
  async writeRole(
    role: PrivilegedRole,
    status: PrivilegedRoleStatus,
    signal?: AbortSignal,
  ): Promise<void> {
    signal?.throwIfAborted();
    const { name, namespace } = role.metadata;
    if (!namespace) throw new Error(`PrivilegedRole ${name} has no namespace`);
    const body = this.body(role, status);
    await guardStale(`PrivilegedRole ${objectKey(role.metadata)}`, () =>
      this.client.mergePatch(
        `/apis/${GROUP}/${VERSION}/namespaces/${encodeURIComponent(namespace)}/privilegedroles/${encodeURIComponent(name)}/status`,
        body,
        signal ? { signal } : {},
      ),
    );
  }

  /** Patches an IdentityProvider's status. Throws StaleObjectError on 409 or 404. */
  async writeProvider(
    provider: IdentityProvider,
    status: IdentityProviderStatus,
    signal?: AbortSignal,
  ): Promise<void> {
    signal?.throwIfAborted();
    const body = this.body(provider, status);
    await guardStale(`IdentityProvider ${provider.metadata.name}`, () =>
      this.client.mergePatch(
        `/apis/${GROUP}/${VERSION}/identityproviders/${encodeURIComponent(provider.metadata.name)}/status`,
        body,
        signal ? { signal } : {},
      ),
    );
  }

  private body(obj: PrivilegedRole | IdentityProvider, status: object): Json {
    const patch: { [k: string]: Json } = { status: replacementPatch(obj.status, status) };
    // the API server treats metadata.resourceVersion in a patch as a precondition (409 when it differs)
    if (obj.metadata.resourceVersion)
      patch.metadata = { resourceVersion: obj.metadata.resourceVersion };
    return patch;
  }
}
