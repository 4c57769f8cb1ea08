// JSON.parse makes a new string for every string value it reads, so 5,000 cached PrivilegedRoles hold 5,000 copies
// of their namespace, their apiVersion, each condition's type, status and reason, each holder's name and path in
// the coverage summary, and so on: megabytes of duplicates in a cache that lives as long as the controller. Interned
// as each object enters the cache, every distinct value is held once.

/** Options of a StringInterner. */
export interface StringInternerOptions {
  /** Distinct strings kept at most; when full, the table starts again empty (default 50,000). */
  maxEntries?: number;
  /** Strings longer than this are left alone: long values (messages) are rarely shared (default 256). */
  maxLength?: number;
  /** Object keys whose values are unique per object and so are never interned (default uid, resourceVersion). */
  skipKeys?: readonly string[];
}

/**
 * A StringInterner replaces each string in an object tree by one canonical copy of it. Its table is bounded: values
 * that change with every write (timestamps, resourceVersions) would otherwise grow it forever, so when it is full it
 * is dropped and refilled, which costs sharing for a while but never correctness (an interned string is an equal
 * string).
 */
export class StringInterner {
  private table = new Map<string, string>();
  private readonly maxEntries: number;
  private readonly maxLength: number;
  private readonly skipKeys: ReadonlySet<string>;

  constructor(options: StringInternerOptions = {}) {
    this.maxEntries = options.maxEntries ?? 50_000;
    this.maxLength = options.maxLength ?? 256;
    this.skipKeys = new Set(options.skipKeys ?? ['uid', 'resourceVersion']);
  }

  /** Distinct strings held now, for tests. */
  get size(): number {
    return this.table.size;
  }

  /** The canonical copy of `s` (itself, the first time it is seen). */
  intern(s: string): string {
    if (s.length > this.maxLength) return s;
    const held = this.table.get(s);
    if (held !== undefined) return held;
    if (this.table.size >= this.maxEntries) this.table = new Map();
    this.table.set(s, s);
    return s;
  }

  /**
   * Interns, in place, every string value in `value` (plain objects and arrays, as JSON.parse makes them) except
   * under `skipKeys`, and returns `value`, for use as a map function. Keys are left alone: V8 already shares
   * property names.
   */
  internAll<T>(value: T): T {
    this.walk(value);
    return value;
  }

  private walk(value: unknown): void {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        if (typeof v === 'string') value[i] = this.intern(v);
        else if (v !== null && typeof v === 'object') this.walk(v);
      }
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const obj = value as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      const v = obj[key];
      if (typeof v === 'string') {
        if (!this.skipKeys.has(key)) obj[key] = this.intern(v);
      } else if (v !== null && typeof v === 'object') this.walk(v);
    }
  }
}
