// Pure. How a holder is named for people (the user principal name where there is one, else the display name,
// else the id), and the order of holdings by holder, which every list of holders uses.
import { compareText } from '../../api/compare-text.js';
import type { HoldingCoverage, Principal } from '../../api/coverage.js';

/** The name people know a principal by. */
export function holderName(p: Principal): string {
  return p.userPrincipalName ?? (p.displayName !== '' ? p.displayName : p.id);
}

/** Orders holdings by holder name, id, path and what the role is held through: the same facts, the same order. */
export function compareByHolder(a: HoldingCoverage, b: HoldingCoverage): number {
  return (
    compareText(holderName(a.holding.principal), holderName(b.holding.principal)) ||
    compareText(a.holding.principal.id, b.holding.principal.id) ||
    compareText(a.holding.path, b.holding.path) ||
    compareText(a.holding.via?.id ?? '', b.holding.via?.id ?? '')
  );
}
