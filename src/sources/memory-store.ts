// A Map-backed Store.
import type { ObjectKey } from '../api/keys.js';
import type { Store } from './types.js';

/** A MemoryStore holds objects by key. */
export class MemoryStore<T> implements Store<T> {
  private readonly items = new Map<ObjectKey, T>();
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
    this.items.set(key, value);
  }
  delete(key: ObjectKey): boolean {
    return this.items.delete(key);
  }
}
