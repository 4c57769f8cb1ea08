// Pure. How problems are worded: values described for "got …", hints for patterns, "did you mean", and the
// house style of a message.
import { isObject } from './problem.js';

/** Describes a value for "got …" in messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (isObject(v)) return 'a mapping';
  if (typeof v === 'string')
    return `the string ${JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v)}`;
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'boolean') return `the boolean ${v}`;
  return typeof v;
}

export const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  boolean: 'a boolean (true or false)',
  integer: 'an integer',
  number: 'a number',
  object: 'a mapping',
  array: 'a list',
};

/** Human hints for the patterns of crds/, keyed by the pattern text. */
export const PATTERN_HINTS: Record<string, string> = {
  '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$':
    'a GUID such as 62e90394-69f5-4237-9190-012177145e10',
  '^/': 'a scope starting with "/", such as / or /subscriptions/<id>',
  '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$': 'a duration such as 5m or 1h30m',
  '^https?://': 'an http:// or https:// URL',
  '^https://': 'an https:// URL',
  '^c([1-9]|[1-9][0-9])$': 'an authentication context id c1 to c99',
};

/** Levenshtein distance, for "did you mean". Small inputs only. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The closest candidate when it is close enough to be a typo. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d =
      c.toLowerCase() === word.toLowerCase() ? 0 : distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

const TOP_LEVEL_FIELDS = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status', 'items']);

/**
 * Puts a message into the house style: capitalised, no trailing period. A message that opens with a field
 * path gets "Field " in front instead, because capitalising `spec.role.id` would name a field that does not
 * exist.
 */
export function sentence(message: string): string {
  const m = message.replace(/\.+$/, '');
  const first = /^[^\s:;,]+/.exec(m)?.[0] ?? '';
  if (!/^[a-z]/.test(first)) return m;
  if (TOP_LEVEL_FIELDS.has(first.split(/[.[]/)[0] ?? '')) return `Field ${m}`;
  return first.charAt(0).toUpperCase() + m.slice(1);
}
