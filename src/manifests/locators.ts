// Where the cross-file checks report: the positions of a few pointers of each loaded object, kept beside the
// objects rather than on them (LoadedObject's shape is public), in a WeakMap so that they go with the objects.
// Only these positions are kept, not the parsed document: holding 10,000 parsed documents until the
// cross-checks run doubled the time spent in garbage collection.
import { splitPointer } from '../api/validation/pointer.js';

/** The pointers crossCheck reports at. */
export const CROSS_POINTERS = [
  '/metadata/name',
  '/spec/role',
  '/spec/group',
  '/spec/providerRef/name',
  // A field a provider refuses (ProviderSpecRules.validateRoleSpec).
  '/spec/mfaOnActiveAssignment',
] as const;

/** The tokens of CROSS_POINTERS, split once. */
export const CROSS_TOKENS: readonly (readonly string[])[] = CROSS_POINTERS.map(splitPointer);

/** A position in a file (1-based). */
export interface Position {
  line: number;
  col: number;
}

/**
 * Locates pointers (relative to one object) in the document the object came from. Plain data, so that it
 * can be posted from a worker thread, and packed, because there is one per object.
 */
export interface Locator {
  /** The object's pointer in its document (`/items/3` inside a List, `''` otherwise). */
  prefix: string;
  /** Line and column where the object starts, then of each of CROSS_POINTERS, in that order. */
  lineCols: number[];
}

/** Builds a locator from the object's start and the positions of CROSS_POINTERS. */
export function makeLocator(prefix: string, start: Position, cross: readonly Position[]): Locator {
  // Sized once: growing by push leaves room for 19 numbers, and there is one locator per loaded object.
  const lineCols = new Array<number>(2 + 2 * cross.length);
  lineCols[0] = start.line;
  lineCols[1] = start.col;
  for (let i = 0; i < cross.length; i++) {
    lineCols[2 + 2 * i] = cross[i]!.line;
    lineCols[3 + 2 * i] = cross[i]!.col;
  }
  return { prefix, lineCols };
}

const locators = new WeakMap<object, Locator>();

/** Records where an object's cross-check pointers are. */
export function setLocator(object: object, locator: Locator): void {
  locators.set(object, locator);
}

/** The locator of an object, if it was loaded from a file. */
export function locatorOf(object: object): Locator | undefined {
  return locators.get(object);
}

/** The position of `pointer` in the object's document: a CROSS_POINTERS entry, else the object's start. */
export function locate(locator: Locator, pointer: string): Position {
  const i = (CROSS_POINTERS as readonly string[]).indexOf(pointer) + 1;
  const at = 2 * i < locator.lineCols.length ? 2 * i : 0;
  return { line: locator.lineCols[at]!, col: locator.lineCols[at + 1]! };
}
