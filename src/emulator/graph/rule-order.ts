// The order in which the emulator lists a policy's rules. The docs' own examples list the 17 rules in different
// orders and no page promises one, so a client must find rules by id. The emulator shuffles them per policy,
// deterministically from a seed (the same seed and policy give the same order on every run), so that a client
// that picks a rule by position fails in tests instead of in production.
import { createHash } from 'node:crypto';

/** Orders rules of policies by a seed; a null seed keeps the stored (API documentation) order. */
export class RuleOrder {
  /** Rank of each rule id, per policy id (lower case): computed once, a listing of thousands stays cheap. */
  private readonly ranks = new Map<string, Map<string, string>>();

  constructor(readonly seed: string | null) {}

  /** The rules of a policy in this emulator's order (a new array; the rules themselves are not copied). */
  apply<T extends { id: string }>(policyId: string, rules: readonly T[]): T[] {
    if (this.seed === null) return [...rules];
    const key = policyId.toLowerCase();
    let rank = this.ranks.get(key);
    if (!rank) {
      rank = new Map();
      this.ranks.set(key, rank);
    }
    const of = (id: string): string => {
      let r = rank.get(id);
      if (r === undefined) {
        r = createHash('sha256').update(`${this.seed}|${key}|${id.toLowerCase()}`).digest('hex');
        rank.set(id, r);
      }
      return r;
    };
    return [...rules].sort((a, b) => (of(a.id) < of(b.id) ? -1 : of(a.id) > of(b.id) ? 1 : 0));
  }
}

/** The seed the emulator shuffles rules with unless told otherwise. */
export const DEFAULT_RULE_ORDER_SEED = 'rolegate-emulator';
