// Pure. Which PrivilegedRole owns a role when several claim it. A claim is provider + role + scope; the role is
// named by id or by display name, and both name the same claim once resolved to the provider's role id (through a
// snapshot when there is one, a catalog of built-in roles when there is none). The owner is the oldest claimant
// (creation time, then key), so the answer never flips between reconciles and an existing object is never
// displaced by a newer one. `rolegate validate`, `rolegate plan` and the controller all decide with these
// functions.

import { repeatedGroups } from '../api/repeated-groups.js';
import { groupScope } from '../api/role-target.js';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a PrivilegedRole claims, as its spec says it. */
export interface ClaimRef {
  provider: string;
  role: { id?: string; displayName?: string; clientId?: string };
  scope: string;
}

/** What a PrivilegedRole claims, read defensively (the object may be invalid); undefined when it names no provider. */
export function claimRefOf(obj: { spec?: unknown }): ClaimRef | undefined {
  const spec = obj.spec as Record<string, unknown> | undefined;
  const providerRef = spec?.['providerRef'] as Record<string, unknown> | undefined;
  const group = spec?.['group'];
  // A PIM for Groups access is claimed as its group at the access's own scope (see role-target.ts).
  const access = isObject(group) ? group['access'] : undefined;
  const r = access === 'member' || access === 'owner' ? group : spec?.['role'];
  const provider = providerRef?.['name'];
  if (typeof provider !== 'string' || !isObject(r)) return undefined;
  const role: ClaimRef['role'] = {};
  for (const k of ['id', 'displayName', 'clientId'] as const) {
    const v = r[k];
    if (typeof v === 'string') role[k] = v;
  }
  if (access === 'member' || access === 'owner')
    return { provider, role, scope: groupScope(access) };
  const scope = spec?.['scope'];
  return { provider, role, scope: typeof scope === 'string' ? scope : '/' };
}

/**
 * Resolves a claimed role to the provider's id for it (lower case), or undefined when it cannot: a provider
 * snapshot in the controller and `rolegate plan`, a catalog of built-in roles in `rolegate validate`.
 */
export type RoleIdResolver = (ref: ClaimRef) => string | undefined;

/** One object's claim, for ownership. */
export interface Claimant {
  key: string;
  /** RFC 3339 creation time (in directory mode, when the object was first seen); absent sorts last. */
  createdAt?: string | undefined;
}

/**
 * The canonical key of a claim: two claims are the same exactly when their keys are equal. Ids compare without
 * case and by their last path segment (an Azure role definition may be given as a GUID or a full id); display
 * names compare exactly, as the providers match them; a trailing slash of the scope does not count.
 */
export function claimKey(ref: ClaimRef, resolve?: RoleIdResolver): string | undefined {
  const id = resolve?.(ref) ?? (ref.role.id === undefined ? undefined : canonicalId(ref.role.id));
  const role =
    id !== undefined
      ? `id:${id}`
      : ref.role.displayName !== undefined
        ? `name:${ref.role.displayName}`
        : undefined;
  if (role === undefined) return undefined;
  return JSON.stringify([ref.provider, ref.role.clientId ?? '', role, canonicalScope(ref.scope)]);
}

/** A role id as claims compare it: the last path segment, lower case. */
export function canonicalId(id: string): string {
  const trimmed = id.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1).toLowerCase();
}

function canonicalScope(scope: string): string {
  return scope.replace(/\/+$/, '').toLowerCase() || '/';
}

/** The ownership rule: negative when `a` owns before `b` (older, then smaller key). */
export function compareClaimants(a: Claimant, b: Claimant): number {
  const ta = time(a.createdAt);
  const tb = time(b.createdAt);
  if (ta !== tb) return ta - tb;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function time(t: string | undefined): number {
  const ms = t === undefined ? Number.NaN : Date.parse(t);
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
}

/**
 * The owner of a claim among `me` and the other claimants of the same key, when it is not `me`. Linear: the
 * controller calls it on every reconcile.
 */
export function olderClaimant<C extends Claimant>(
  me: Claimant,
  others: Iterable<C>,
): C | undefined {
  let owner: C | undefined;
  for (const c of others) {
    if (c.key === me.key) continue;
    if (compareClaimants(c, owner ?? me) < 0) owner = c;
  }
  return owner;
}

/**
 * Groups claimants by claim key and orders each group owner first. Only groups of two or more are returned: the
 * duplicate claims.
 */
export function duplicateClaims<C extends Claimant>(
  claims: Iterable<{ claim: string; claimant: C }>,
): C[][] {
  return repeatedGroups(claims, (c) => c.claim).map((g) =>
    g.map((c) => c.claimant).sort(compareClaimants),
  );
}
