// Resolving a role reference without a provider to ask (`rolegate validate`): each provider may know some of its
// role ids offline (descriptor.offlineRoleId), such as Entra's built-in roles by display name.
import type { RoleIdResolver } from '../reconcile/claims.js';
import { PROVIDERS, type ProviderDescriptors } from './registry.js';

/**
 * A resolver over the IdentityProviders at hand, by name. A provider that is not among them (it may exist only in
 * the cluster) may be of any kind, so every provider is asked: a role of one provider would have to be named
 * exactly like a built-in of another, and that built-in also claimed by its id, to be mistaken for it.
 */
export function offlineRoleIds(
  providers: ReadonlyMap<string, object | undefined>,
  descriptors: ProviderDescriptors = PROVIDERS,
): RoleIdResolver {
  return (ref) => {
    const spec = providers.get(ref.provider);
    const known = spec === undefined ? undefined : descriptors.forSpec(spec)?.descriptor;
    for (const d of known ? [known] : descriptors.descriptors) {
      const id = d.offlineRoleId?.(ref.role, ref.scope);
      if (id !== undefined) return id.toLowerCase();
    }
    return undefined;
  };
}
