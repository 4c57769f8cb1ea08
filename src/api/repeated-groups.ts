// Pure. Finding duplicates among many keyed values (objects with the same identity, roles claimed twice) without
// a list per key: almost every key occurs once, and there can be tens of thousands of them.

/**
 * The values grouped by `keyOf`, only the groups of two or more, in the order each key first occurred (and each
 * group in the order of its values). A key seen once is held as its value, not as a list of one, so the values
 * must not be arrays themselves.
 */
export function repeatedGroups<V extends object>(
  values: Iterable<V>,
  keyOf: (value: V) => string,
): V[][] {
  const groups = new Map<string, V | V[]>();
  for (const value of values) {
    const key = keyOf(value);
    const g = groups.get(key);
    if (g === undefined) groups.set(key, value);
    else if (Array.isArray(g)) g.push(value);
    else groups.set(key, [g, value]);
  }
  const out: V[][] = [];
  for (const g of groups.values()) if (Array.isArray(g)) out.push(g);
  return out;
}
