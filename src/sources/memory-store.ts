// A Map-backed Store with optional secondary indexes (like client-go's Indexer), kept up to date on every set
// and delete, so that "which objects claim X" is a lookup rather than a scan of every object.
import type { ObjectKey } from '../api/keys.js';
import type { Store } from './types.js';

/** A MemoryStore holds objects by key. */
export class MemoryStore<T> implements Store<T> {
  private readonly items = new Map<ObjectKey, T>();
  private readonly indexers = new Map<string, (obj: T) => string[]>();
  /** index name → index value → keys */
  private readonly indices = new Map<string, Map<string, Set<ObjectKey>>>();

  get(key: ObjectKey): T | undefined {
    return this.items.get(key);
  }
  list(): readonly T[] {
    return [...this.items.values()];
  }
  keys(): ObjectKey[] {
    return [...this.items.keys()];
  }
  set(key: ObjectKey, value: T): void {
    const old = this.items.get(key);
    if (old !== undefined) this.unindex(key, old);
    this.items.set(key, value);
    this.index(key, value);
  }
  delete(key: ObjectKey): boolean {
    const old = this.items.get(key);
    if (old !== undefined) this.unindex(key, old);
    return this.items.delete(key);
  }

  /** Adds a secondary index; `fn` returns the index values of an object. Existing objects are indexed now. */
  addIndex(name: string, fn: (obj: T) => string[]): void {
    if (this.indexers.has(name)) return;
    this.indexers.set(name, fn);
    this.indices.set(name, new Map());
    for (const [key, obj] of this.items) this.indexOne(name, fn, key, obj);
  }

  /** The objects whose index `name` has `value`. */
  byIndex(name: string, value: string): T[] {
    const keys = this.indices.get(name)?.get(value);
    if (!keys) return [];
    const out: T[] = [];
    for (const k of keys) {
      const obj = this.items.get(k);
      if (obj !== undefined) out.push(obj);
    }
    return out;
  }

  private index(key: ObjectKey, obj: T): void {
    for (const [name, fn] of this.indexers) this.indexOne(name, fn, key, obj);
  }

  private indexOne(name: string, fn: (obj: T) => string[], key: ObjectKey, obj: T): void {
    const idx = this.indices.get(name)!;
    for (const v of fn(obj)) {
      const set = idx.get(v) ?? new Set<ObjectKey>();
      set.add(key);
      idx.set(v, set);
    }
  }

  private unindex(key: ObjectKey, obj: T): void {
    for (const [name, fn] of this.indexers) {
      const idx = this.indices.get(name)!;
      for (const v of fn(obj)) {
        const set = idx.get(v);
        set?.delete(key);
        if (set?.size === 0) idx.delete(v);
      }
    }
  }
}
