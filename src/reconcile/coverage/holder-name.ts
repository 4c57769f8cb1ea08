// Pure. How a holder is named for people: the user principal name where there is one, else the display name, else
// the id.
import type { Principal } from '../../api/coverage.js';

/** The name people know a principal by. */
export function holderName(p: Principal): string {
  return p.userPrincipalName ?? (p.displayName !== '' ? p.displayName : p.id);
}
