// Pure. Canonical forms for values identity APIs write in several ways, so that a comparison never reports
// drift where there is none: enum strings in any case ("all" vs "All"), ISO-8601 durations ("PT8H" vs
// "PT480M"), booleans sent as strings ("true"), and lists that are really sets.

import { compareText } from './compare-text.js';
/** Lower-cases an enum-like string for comparison. */
export function canonicalEnum(v: string): string {
  return v.trim().toLowerCase();
}

/** Whether two enum strings are the same value. */
export function sameEnum(a: string, b: string): boolean {
  return canonicalEnum(a) === canonicalEnum(b);
}

/**
 * Parses an ISO-8601 duration (PnYnMnWnDTnHnMnS) into seconds. Years and months have no fixed length; they
 * are counted as 365 and 30 days, which is how PIM's own P365D / P1Y settings line up. Returns undefined
 * for anything that is not a duration.
 */
export function isoDurationSeconds(v: string): number | undefined {
  const m =
    /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(
      v.trim(),
    );
  if (!m || v.trim().toUpperCase() === 'P' || /T$/i.test(v.trim())) return undefined;
  const [, y, mo, w, d, h, mi, s] = m.map((x) => (x === undefined ? 0 : Number(x)));
  return (
    (((y ?? 0) * 365 + (mo ?? 0) * 30 + (w ?? 0) * 7 + (d ?? 0)) * 24 + (h ?? 0)) * 3600 +
    (mi ?? 0) * 60 +
    (s ?? 0)
  );
}

/** Whether two ISO-8601 durations are equal in length (PT8H equals PT480M). */
export function sameIsoDuration(a: string, b: string): boolean {
  const x = isoDurationSeconds(a);
  const y = isoDurationSeconds(b);
  return x !== undefined && x === y;
}

/** Reads a boolean that an API may send as a string; undefined when it is neither. */
export function canonicalBoolean(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === 'true') return true;
    if (t === 'false') return false;
  }
  return undefined;
}

/** A list that is really a set: deduplicated and sorted (case-insensitively, keeping the first spelling). */
export function canonicalSet(values: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const v of values) if (!seen.has(canonicalEnum(v))) seen.set(canonicalEnum(v), v);
  return [...seen.entries()].sort(([a], [b]) => compareText(a, b)).map(([, v]) => v);
}

/** Whether two lists hold the same set of values, ignoring order, case and duplicates. */
export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = canonicalSet(a).map(canonicalEnum);
  const y = canonicalSet(b).map(canonicalEnum);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
