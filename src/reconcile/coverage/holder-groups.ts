// Pure. The groups a holder is in, transitively, as Conditional Access sees them when it evaluates a users
// condition: a policy that includes or excludes a group applies to the members of its nested groups too.
import type { CoverageFacts, Holding } from '../../api/coverage.js';

/**
 * The ids of every group the holding's principal is a member of, transitively, lower case. It follows `memberOf`
 * from the principal and from each group it reaches, so nested membership counts even where a provider reported
 * direct membership only; cycles end. The group a role is held through (`via`) is one of them, and a group
 * principal counts as in itself (a policy naming the group names its members).
 */
export function holderGroups(holding: Holding, memberOf: CoverageFacts['memberOf']): Set<string> {
  const out = new Set<string>();
  const queue: string[] = [];
  const add = (id: string): void => {
    const key = id.toLowerCase();
    if (out.has(key)) return;
    out.add(key);
    queue.push(key);
  };
  if (holding.principal.type === 'Group') add(holding.principal.id);
  if (holding.via?.kind === 'Group') add(holding.via.id);
  for (const g of groupsOf(memberOf, holding.principal.id)) add(g);
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const g of groupsOf(memberOf, next)) add(g);
  }
  return out;
}

function groupsOf(memberOf: CoverageFacts['memberOf'], id: string): readonly string[] {
  return memberOf[id] ?? memberOf[id.toLowerCase()] ?? [];
}
