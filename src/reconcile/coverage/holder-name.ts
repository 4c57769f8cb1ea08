// Pure. How a holder is named for people (the user principal name where there is one, else the display name,
// else the id), and the order of holdings by holder, which every list of holders uses.
import type { HoldingCoverage, Principal } from '../../api/coverage.js';

/** The name people know a principal by. */
export function holderName(p: Principal): string {
  return p.userPrincipalName ?? (p.displayName !== '' ? p.displayName : p.id);
}

/** Orders holdings by holder name, id, path and what the role is held through: the same facts, the same order. */
export function compareByHolder(a: HoldingCoverage, b: HoldingCoverage): number {
  return (
    holderName(a.holding.principal).localeCompare(holderName(b.holding.principal)) ||
    a.holding.principal.id.localeCompare(b.holding.principal.id) ||
    a.holding.path.localeCompare(b.holding.path) ||
    (a.holding.via?.id ?? '').localeCompare(b.holding.via?.id ?? '')
  );
}
