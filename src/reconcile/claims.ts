// Pure. Decides which PrivilegedRole owns a role when several claim the same provider + role + scope: the
// oldest one (creation time, then key), so the answer never flips between reconciles.

/** One object's claim on a role. */
export interface Claim {
  key: string;
  /** provider + resolved role id + scope, lower case. */
  target: string;
  /** RFC 3339 creation time; objects without one (directory mode) sort by key. */
  createdAt?: string | undefined;
}

/** Returns, for each losing key, the key of the winner. Winners and unique claims are absent. */
export function electOwners(claims: readonly Claim[]): Map<string, string> {
  const byTarget = new Map<string, Claim[]>();
  for (const c of claims) {
    const list = byTarget.get(c.target) ?? [];
    list.push(c);
    byTarget.set(c.target, list);
  }
  const losers = new Map<string, string>();
  for (const list of byTarget.values()) {
    if (list.length < 2) continue;
    const sorted = [...list].sort(
      (a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? '') || a.key.localeCompare(b.key),
    );
    const winner = sorted[0]!;
    for (const c of sorted.slice(1)) losers.set(c.key, winner.key);
  }
  return losers;
}

/** Builds the claim target string. */
export function claimTarget(
  provider: string,
  roleId: string,
  scope: string,
  clientId?: string,
): string {
  return [provider, clientId ?? '', roleId, scope].join('|').toLowerCase();
}
