// Finds, for the controller and `rolegate plan`, the older PrivilegedRole that owns the role another one claims.
// Every claim is resolved through the provider's snapshot, so a role named by id and one named by display name
// are the same claim; a store index by provider and by id or name keeps this from scanning every object.
import type { PrivilegedRole } from '../api/v1alpha1/types.js';
import type { LiveRole } from '../api/observation.js';
import { objectKey } from '../api/keys.js';
import { groupAccessName, groupAccessOf } from '../api/role-target.js';
import {
  canonicalId,
  claimKey,
  claimRefOf,
  olderClaimant,
  type Claimant,
  type ClaimRef,
  type RoleIdResolver,
} from '../reconcile/claims.js';
import type { ProviderSnapshot } from '../providers/types.js';
import type { Store } from '../sources/types.js';

const INDEX = 'claim';

/** Index values of a claim: its provider with the role's id, or its display name when it names no id. */
function indexValues(r: PrivilegedRole): string[] {
  const ref = claimRefOf(r);
  if (!ref) return [];
  if (ref.role.id !== undefined) return [`${ref.provider}|id:${canonicalId(ref.role.id)}`];
  if (ref.role.displayName === undefined) return [];
  // A group access is found by the name its LiveRole goes by (candidates() looks up by the live name).
  const access = groupAccessOf(ref.scope);
  const name = access ? groupAccessName(ref.role.displayName, access) : ref.role.displayName;
  return [`${ref.provider}|name:${name}`];
}

/** ClaimOwners answers "who owns this role" over a store of PrivilegedRoles. */
export class ClaimOwners {
  constructor(
    private readonly roles: Store<PrivilegedRole>,
    /** Whether an object may claim at all: an invalid object is observe-only and owns nothing. */
    private readonly valid: (role: PrivilegedRole) => boolean,
  ) {
    roles.addIndex?.(INDEX, indexValues);
  }

  /**
   * The key of the older object that claims the role `ref` resolved to (`live`, in `snapshot`), when it is not
   * `role` itself.
   */
  ownerOf(
    role: PrivilegedRole,
    ref: ClaimRef,
    live: LiveRole,
    snapshot: ProviderSnapshot,
  ): string | undefined {
    const resolve: RoleIdResolver = (r) => {
      const l = snapshot.resolve(r.role, r.scope);
      return l.kind === 'Found' ? canonicalId(l.role.roleId) : undefined;
    };
    const mine = claimKey(ref, resolve);
    const me = objectKey(role.metadata);
    const claimants: Claimant[] = [];
    for (const other of this.candidates(ref.provider, live)) {
      const key = objectKey(other.metadata);
      if (key === me || !this.valid(other)) continue;
      const theirs = claimRefOf(other);
      if (theirs && claimKey(theirs, resolve) === mine)
        claimants.push({ key, createdAt: other.metadata.creationTimestamp });
    }
    return olderClaimant({ key: me, createdAt: role.metadata.creationTimestamp }, claimants)?.key;
  }

  private candidates(provider: string, live: LiveRole): readonly PrivilegedRole[] {
    const { byIndex } = this.roles;
    if (!byIndex) return this.roles.list();
    return [
      ...byIndex.call(this.roles, INDEX, `${provider}|id:${canonicalId(live.roleId)}`),
      ...byIndex.call(this.roles, INDEX, `${provider}|name:${live.roleDisplayName}`),
    ];
  }
}
