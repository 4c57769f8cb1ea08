// Maps RFC 6901 pointers onto nodes of a parsed YAML document, so that a problem found on plain data (by ajv or
// a TypeScript check) can be reported at the line and column a user can click.
import type { Document, LineCounter, Node, Scalar } from 'yaml';
import { yamlLib } from './yaml-lib.js';
import { splitPointer } from '../api/validation/pointer.js';

/** What findNode found: the deepest node on the pointer's path. */
export interface FoundNode {
  /** The node at the pointer, or at its deepest existing ancestor when `exact` is false. */
  node: Node | undefined;
  /** The key of the pair that holds `node` in a mapping, when it is held in one. */
  key: Scalar | undefined;
  /** How many pointer tokens were matched. */
  depth: number;
  /** True when the whole pointer exists in the document. */
  exact: boolean;
}

/** The key of a pair as a string, for matching pointer tokens. Complex keys never match. */
function keyText(key: unknown): string | undefined {
  if (yamlLib().isScalar(key)) return key.value === null ? 'null' : String(key.value);
  return undefined;
}

/**
 * Walks `pointer` through a YAML document (or a node of one). Aliases are followed; a `<<` merge key is not
 * searched, so a merged field resolves to its nearest ancestor, which is still on the right lines.
 */
export function findNode(doc: Document | Node, pointer: string): FoundNode {
  const { isAlias, isDocument, isMap, isPair, isScalar, isSeq } = yamlLib();
  const root = isDocument(doc) ? doc.contents : doc;
  let node: Node | undefined = (root ?? undefined) as Node | undefined;
  let key: Scalar | undefined;
  const tokens = splitPointer(pointer);
  let depth = 0;
  for (const token of tokens) {
    if (node && isAlias(node) && isDocument(doc)) {
      node = (node.resolve(doc) ?? undefined) as Node | undefined;
    }
    let next: Node | undefined;
    let nextKey: Scalar | undefined;
    let found = false;
    if (node && isMap(node)) {
      for (const pair of node.items) {
        if (isPair(pair) && keyText(pair.key) === token) {
          next = (pair.value ?? undefined) as Node | undefined;
          nextKey = isScalar(pair.key) ? pair.key : undefined;
          found = true;
          break;
        }
      }
    } else if (node && isSeq(node) && /^\d+$/.test(token)) {
      const item = node.items[Number(token)];
      if (item !== undefined) {
        next = item as Node;
        nextKey = undefined;
        found = true;
      }
    }
    if (!found) break;
    depth++;
    // A key with no value (`spec:`) is found but has no node: stay on the key for positions.
    node = next;
    key = nextKey;
    if (next === undefined) break;
  }
  return { node, key, depth, exact: depth === tokens.length };
}

/**
 * The character offset to report for a pointer. A scalar value points at the value (`id: abc` → `abc`);
 * a mapping or list value, an empty value and an unknown field point at the key; a missing field points at
 * its nearest existing parent (the key of the parent mapping).
 */
export function pointerOffset(
  doc: Document | Node,
  pointer: string,
  prefer: 'value' | 'key' = 'value',
): number {
  const { isDocument, isScalar } = yamlLib();
  const f = findNode(doc, pointer);
  const scalarValue = f.node !== undefined && isScalar(f.node) && f.node.value !== null;
  if (f.exact && prefer === 'value' && scalarValue && f.node?.range) return f.node.range[0];
  if (f.key?.range) return f.key.range[0];
  if (f.node?.range) return f.node.range[0];
  const root = isDocument(doc) ? doc.contents : doc;
  return root?.range?.[0] ?? 0;
}

/** Line and column (1-based) of a pointer, see pointerOffset. */
export function pointerPosition(
  doc: Document | Node,
  lineCounter: LineCounter,
  pointer: string,
  prefer: 'value' | 'key' = 'value',
): { line: number; col: number } {
  return lineCounter.linePos(pointerOffset(doc, pointer, prefer));
}
