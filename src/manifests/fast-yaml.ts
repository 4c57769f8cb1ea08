// Pure. A parser for the plain subset of YAML that almost every manifest is written in (block mappings and
// sequences of single-line scalars, comments, `---` between documents), about twenty times faster than the
// full `yaml` parser because it builds no CST and no document model. It is only a fast path: on anything
// outside that subset (flow collections, block scalars, anchors, tags, escapes, multi-line scalars, duplicate
// keys, numbers other than plain integers, non-ASCII text...) it gives up and returns undefined, and the
// caller parses the file with `yaml` instead. What it returns is what `yaml` (core schema, `toJS()`) returns
// for the same text, plus the offsets pointerOffset needs and the YAML 1.1 traps; unit tests compare the two.
import { escapePointerToken, splitPointer } from '../api/validation/pointer.js';
import { BOOL_11, type TrapScalar } from './locate.js';

/**
 * Where a node starts, and what pointerOffset needs to know about it. A scalar is only a number: its offset,
 * or `-1 - offset` when it is null (pointerOffset treats null scalars like missing values).
 */
export type PosNode = number | PosMap | PosSeq;

/** A mapping: where it starts (its first key, or `{`), and per key (in order) where the key starts. */
export interface PosMap {
  kind: 'map';
  start: number;
  keys: string[];
  keyAt: number[];
  values: PosNode[];
}

/** A sequence: where it starts (its first `-`, or `[`) and its items. */
export interface PosSeq {
  kind: 'seq';
  start: number;
  items: PosNode[];
}

/** Where a node starts. */
export function posStart(node: PosNode): number {
  if (typeof node === 'number') return node < 0 ? -1 - node : node;
  return node.start;
}

/** One YAML document of a file. */
export interface FastDocument {
  /** What `doc.toJS()` returns: null for an empty document. */
  data: unknown;
  /** Offsets of the document's nodes; undefined for an empty document. */
  pos: PosNode | undefined;
  /** The plain scalars YAML 1.1 would read as booleans, in document order, pointers from the root. */
  traps: TrapScalar[];
}

/** A parsed file: its documents and the line starts needed to turn offsets into line and column. */
export interface FastFile {
  docs: FastDocument[];
  /** Offset of the first character of each line (0 first), as yaml's LineCounter has them. */
  lineStarts: number[];
}

// The core schema's implicit types (yaml/dist/schema/core): only what is handled here is resolved, any other
// number form makes the fast path give up rather than risk a different value.
const NULL_WORD = /^(?:~|[Nn]ull|NULL)$/;
const TRUE_WORD = /^(?:[Tt]rue|TRUE)$/;
const FALSE_WORD = /^(?:[Ff]alse|FALSE)$/;
const SIMPLE_INT = /^(?:0|[1-9][0-9]{0,14})$/;
const NUMBER_LIKE =
  /^(?:0o[0-7]+|[-+]?[0-9]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/;
/** A character this parser leaves to `yaml`: anything but printable ASCII and the newline. */
const NOT_PLAIN_ASCII = /[^\n\x20-\x7e]/;
/** A plain key this parser accepts (Kubernetes field names, label and annotation keys). */
const PLAIN_KEY = /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/;

const SPACE = 32;
const NEWLINE = 10;
const HASH = 35;
const DASH = 45;
const DQUOTE = 34;
const SQUOTE = 39;
const COLON = 58;

// First characters worth a regular expression test (the tests run on every scalar, so they are gated).
const FIRST = new Uint8Array(128);
const MAYBE_NUMBER = 1; // digits, signs and `.`: NUMBER_LIKE
const MAYBE_WORD = 2; // first letters of null, true, false and the YAML 1.1 booleans
const INDICATOR = 4; // starts something other than a plain scalar
for (const c of '0123456789+-.') FIRST[c.charCodeAt(0)]! |= MAYBE_NUMBER;
for (const c of '~nNtTfFyYoO') FIRST[c.charCodeAt(0)]! |= MAYBE_WORD;
for (const c of '&*!|>%@`,]}?:#') FIRST[c.charCodeAt(0)]! |= INDICATOR;

/**
 * Keys and values manifests repeat, as string constants. Only a speed-up, never a change in what is read: a
 * key or value that matches one is the same string either way. A constant is an internalized string, so
 * V8 stores a property under it without hashing and looking up a fresh copy of the key for every property
 * of every manifest (most of the parser's time before), and a value that is a constant holds no reference to
 * the file's text (see `detach`).
 */
const KNOWN_KEYS = [
  // The envelope, ObjectMeta, and the fields of both CRDs.
  'apiVersion',
  'kind',
  'metadata',
  'spec',
  'status',
  'items',
  'name',
  'namespace',
  'labels',
  'annotations',
  'finalizers',
  'generateName',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'ownerReferences',
  'managedFields',
  'selfLink',
  'providerRef',
  'role',
  'scope',
  'mfaRequired',
  'mfa',
  'enforcement',
  'deletionPolicy',
  'id',
  'displayName',
  'clientId',
  'mechanism',
  'authenticationContextId',
  'mfaOnActiveAssignment',
  'holderCoverage',
  'resyncInterval',
  'entra',
  'keycloak',
  'tenantId',
  'graphBaseUrl',
  'authorityHost',
  'directoryRoles',
  'azureRbac',
  'credentials',
  'scopes',
  'resourceManagerUrl',
  'type',
  'clientSecretRef',
  'key',
  'url',
  'realm',
  'adminRealm',
  'browserFlowAlias',
  'tls',
  'caFile',
  'insecureSkipVerify',
  // Annotations rolegate reads, and common labels.
  'rolegate.io/paused',
  'rolegate.io/reconcile-interval',
  'app.kubernetes.io/name',
  'app.kubernetes.io/part-of',
  'app.kubernetes.io/managed-by',
  'team',
];
const KNOWN_VALUES = [
  'rolegate.io/v1alpha1',
  'PrivilegedRole',
  'IdentityProvider',
  'Enforce',
  'Audit',
  'Report',
  'Require',
  'Orphan',
  'ResetToDefault',
  'Any',
  'MultiFactorAuthentication',
  'AuthenticationContext',
  'WorkloadIdentity',
  'ClientSecret',
  'ManagedIdentity',
  'Environment',
  'Emulator',
];

/** Strings by length, for `known`. */
function byLength(words: readonly string[]): (string[] | undefined)[] {
  const table: (string[] | undefined)[] = [];
  for (const w of words) (table[w.length] ??= []).push(w);
  return table;
}
const KEYS_BY_LENGTH = byLength(KNOWN_KEYS);
const VALUES_BY_LENGTH = byLength(KNOWN_VALUES);

/** The constant of `table` that `text` holds from `from` to `to`, if any. */
function known(
  table: readonly (string[] | undefined)[],
  text: string,
  from: number,
  to: number,
): string | undefined {
  const candidates = table[to - from];
  if (candidates === undefined) return undefined;
  const first = text.charCodeAt(from);
  for (const c of candidates) {
    if (c.charCodeAt(0) === first && text.startsWith(c, from)) return c;
  }
  return undefined;
}

/**
 * `text.slice(from, to)` without keeping `text` alive. V8 makes a slice of 13 characters or more a view into
 * its parent, so a GUID kept in a loaded object would keep its whole file's text in memory until the end of the
 * run (and copied by every young-generation GC); a flattened concatenation is a string of its own.
 */
function detach(text: string, from: number, to: number): string {
  return own(text.slice(from, to));
}

/** A string of its own for a slice (see detach). */
function own(word: string): string {
  return word.length < 13 ? word : (word + ' ').slice(0, -1);
}

/** Stops before a colon or the end of the line. */
const UP_TO_COLON = /[^:\n]*/y;
/** Stops before what ends or breaks a plain scalar on its line: `#`, `:`, any of `{}[],`, or the end of the line. */
const UP_TO_SPECIAL = /[^\n#:{}[\],]*/y;

/**
 * Where the characters `re` (a sticky regular expression that matches any run, even an empty one, of the
 * characters to skip) skips from `from` end in `text`.
 */
function scanTo(re: RegExp, text: string, from: number): number {
  re.lastIndex = from;
  re.test(text);
  return re.lastIndex;
}

/** Thrown inside the parser to give up; never escapes parseFastYaml. */
class GiveUp extends Error {}
const GIVE_UP = new GiveUp();

/** True for a plain scalar `yaml` would resolve to something other than a string. */
function notAString(word: string): boolean {
  const f = FIRST[word.charCodeAt(0)] ?? 0;
  if ((f & MAYBE_NUMBER) !== 0 && NUMBER_LIKE.test(word)) return true;
  return (
    (f & MAYBE_WORD) !== 0 &&
    (NULL_WORD.test(word) || TRUE_WORD.test(word) || FALSE_WORD.test(word))
  );
}

/** True for a word YAML 1.1 reads as a boolean. */
function isTrap(word: string): boolean {
  return (FIRST[word.charCodeAt(0)]! & MAYBE_WORD) !== 0 && BOOL_11.test(word);
}

class Parser {
  /** Content lines of the current document: first non-space character, end of line, indentation. */
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  readonly indents: number[] = [];
  private n = 0;
  private i = 0;
  /** Keys and indices from the root to the node being parsed, for the pointers of traps. */
  private path: string[] = [];
  private traps: TrapScalar[] = [];
  /** Set by each parse method beside the value it returns (saves an object per node). */
  private pos: PosNode = 0;
  /** Set by key(): the offset after the colon and whether the key was plain. */
  private after = 0;
  private plainKey = false;

  constructor(private readonly text: string) {}

  /** Starts a new document. */
  reset(): void {
    this.starts.length = 0;
    this.ends.length = 0;
    this.indents.length = 0;
  }

  /** Parses the document whose content lines were pushed into starts, ends and indents. */
  document(): FastDocument {
    this.n = this.starts.length;
    this.i = 0;
    this.path = [];
    this.traps = [];
    if (this.n === 0) return { data: null, pos: undefined, traps: [] };
    const data = this.block(this.indents[0]!, this.starts[0]!);
    // A line left over is less indented than the first one: an error for `yaml`.
    if (this.i < this.n) throw GIVE_UP;
    return { data, pos: this.pos, traps: this.traps };
  }

  private trap(word: string, offset: number, isKey: boolean): void {
    let pointer = '';
    for (const t of this.path) pointer += `/${escapePointerToken(t)}`;
    this.traps.push({ pointer, word, offset, isKey });
  }

  private isSeqItem(at: number): boolean {
    if (this.text.charCodeAt(at) !== DASH) return false;
    const next = this.text.charCodeAt(at + 1);
    return next === SPACE || next === NEWLINE || Number.isNaN(next);
  }

  /** A block node whose first line starts at `at` (column `indent`): a sequence or a mapping. */
  private block(indent: number, at: number): unknown {
    return this.isSeqItem(at) ? this.seq(indent) : this.map(indent, at);
  }

  /**
   * Reads a key at `at` (before `end`, the end of the line); returns it, or undefined if the line holds no
   * key there. Sets `after` (the offset after the colon) and `plainKey`.
   */
  private key(at: number, end: number): string | undefined {
    const t = this.text;
    const q = t.charCodeAt(at);
    let key: string;
    let colon: number;
    if (q === DQUOTE || q === SQUOTE) {
      const close = t.indexOf(q === DQUOTE ? '"' : "'", at + 1);
      if (close < 0 || close >= end) throw GIVE_UP;
      key = known(KEYS_BY_LENGTH, t, at + 1, close) ?? t.slice(at + 1, close);
      if (q === DQUOTE && key.includes('\\')) throw GIVE_UP;
      if (q === SQUOTE && t.charCodeAt(close + 1) === SQUOTE) throw GIVE_UP;
      colon = close + 1;
      if (t.charCodeAt(colon) !== COLON) return undefined; // a quoted scalar, not a key
    } else {
      colon = scanTo(UP_TO_COLON, t, at);
      if (colon >= end) return undefined;
      const constant = known(KEYS_BY_LENGTH, t, at, colon);
      if (constant !== undefined) {
        // A plain key, and a string: the tests below would pass.
        key = constant;
      } else {
        key = t.slice(at, colon);
        // `a b: c`, or a plain scalar holding a colon: left to `yaml`.
        if (!PLAIN_KEY.test(key)) return undefined;
        // Keys other than strings too.
        if (notAString(key)) throw GIVE_UP;
      }
    }
    const after = colon + 1;
    if (after < end && t.charCodeAt(after) !== SPACE) {
      if (q === DQUOTE || q === SQUOTE) throw GIVE_UP;
      return undefined; // `a:b` is a plain scalar
    }
    if (key === '__proto__' || key.length > 1000) throw GIVE_UP;
    this.after = after;
    this.plainKey = q !== DQUOTE && q !== SQUOTE;
    return key;
  }

  /** A block mapping at column `indent`; its first key starts at `at` (maybe after `- `). */
  private map(indent: number, at: number): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    const keys: string[] = [];
    const keyAt: number[] = [];
    const values: PosNode[] = [];
    const pos: PosMap = { kind: 'map', start: at, keys, keyAt, values };
    // Duplicate keys are looked for in the list while it is short, then in a set: a mapping of thousands of
    // keys (hostile or generated) must not cost the square of its size.
    let seen: Set<string> | undefined;
    let at0 = at;
    for (;;) {
      const end = this.ends[this.i]!;
      const key = this.key(at0, end);
      if (key === undefined || (seen === undefined ? keys.includes(key) : seen.has(key))) {
        throw GIVE_UP;
      }
      let c = this.after;
      while (c < end && this.text.charCodeAt(c) === SPACE) c++;
      this.path.push(key);
      if (this.plainKey && isTrap(key)) this.trap(key, at0, true);
      this.i++;
      let value: unknown;
      if (c >= end || this.text.charCodeAt(c) === HASH) {
        // The value is on the following lines, or empty (null).
        const next = this.i < this.n ? this.indents[this.i]! : -1;
        if (next > indent) value = this.block(next, this.starts[this.i]!);
        else if (next === indent && this.isSeqItem(this.starts[this.i]!)) value = this.seq(indent);
        else {
          value = null;
          this.pos = -1 - c;
        }
      } else {
        value = this.inline(c, end);
        // A more indented line after a single-line value continues it (or is an error): left to `yaml`.
        if (this.i < this.n && this.indents[this.i]! > indent) throw GIVE_UP;
      }
      this.path.pop();
      obj[key] = value;
      keys.push(key);
      if (seen !== undefined) seen.add(key);
      else if (keys.length > MANY_KEYS) seen = new Set(keys);
      keyAt.push(at0);
      values.push(this.pos);
      if (this.i >= this.n) break;
      const next = this.indents[this.i]!;
      if (next < indent) break;
      if (next > indent) throw GIVE_UP;
      at0 = this.starts[this.i]!;
      if (this.isSeqItem(at0)) throw GIVE_UP;
    }
    this.pos = pos;
    return obj;
  }

  /** A block sequence whose `-` are at column `indent`. */
  private seq(indent: number): unknown[] {
    const arr: unknown[] = [];
    const items: PosNode[] = [];
    const pos: PosSeq = { kind: 'seq', start: this.starts[this.i]!, items };
    for (;;) {
      const dash = this.starts[this.i]!;
      const end = this.ends[this.i]!;
      let c = dash + 1;
      while (c < end && this.text.charCodeAt(c) === SPACE) c++;
      let item: unknown;
      this.path.push(String(arr.length));
      if (c >= end || this.text.charCodeAt(c) === HASH) {
        this.i++;
        const next = this.i < this.n ? this.indents[this.i]! : -1;
        // An empty item (null) is rare enough to leave to `yaml`.
        if (next <= indent) throw GIVE_UP;
        item = this.block(next, this.starts[this.i]!);
      } else if (this.isSeqItem(c)) {
        throw GIVE_UP; // `- - x`
      } else if (this.key(c, end) !== undefined) {
        // `- key: value`: a mapping whose column is that of its first key.
        item = this.map(indent + (c - dash), c);
      } else {
        this.i++;
        item = this.inline(c, end);
        if (this.i < this.n && this.indents[this.i]! > indent) throw GIVE_UP;
      }
      this.path.pop();
      arr.push(item);
      items.push(this.pos);
      if (this.i >= this.n) break;
      const next = this.indents[this.i]!;
      if (next < indent) break;
      if (next > indent) throw GIVE_UP;
      if (!this.isSeqItem(this.starts[this.i]!)) break; // a sequence at its parent key's column ends
    }
    this.pos = pos;
    return arr;
  }

  /** The rest of a line after `key:` or `- `, from `at` (not a space) to `end`. */
  private inline(at: number, end: number): unknown {
    const t = this.text;
    const ch = t.charCodeAt(at);
    if (ch === DQUOTE || ch === SQUOTE) {
      const close = t.indexOf(ch === DQUOTE ? '"' : "'", at + 1);
      if (close < 0 || close >= end) throw GIVE_UP;
      const value = known(VALUES_BY_LENGTH, t, at + 1, close) ?? detach(t, at + 1, close);
      if (ch === DQUOTE && value.includes('\\')) throw GIVE_UP;
      if (ch === SQUOTE && t.charCodeAt(close + 1) === SQUOTE) throw GIVE_UP;
      this.trailer(close + 1, end);
      this.pos = at;
      return value;
    }
    if (ch === 123 /* { */ || ch === 91 /* [ */) {
      // Only the empty collections `{}` and `[]`.
      if (t.charCodeAt(at + 1) !== (ch === 123 ? 125 : 93)) throw GIVE_UP;
      this.trailer(at + 2, end);
      if (ch === 123) {
        this.pos = { kind: 'map', start: at, keys: [], keyAt: [], values: [] };
        return {};
      }
      this.pos = { kind: 'seq', start: at, items: [] };
      return [];
    }
    // Indicators that start something other than a plain scalar (anchors, aliases, tags, block scalars,
    // directives, reserved, complex keys), `- ` and document markers.
    if ((FIRST[ch] ?? 0) & INDICATOR || this.isSeqItem(at)) throw GIVE_UP;
    if (t.startsWith('---', at) || t.startsWith('...', at)) throw GIVE_UP;
    // The scalar ends where a comment starts (at ` #`) or at the end of the line, without trailing spaces. On
    // the way, characters that make a plain value something else, or that this parser leaves to `yaml`: any of
    // {}[], and a colon before a space or at the end. Found by a regular expression (native code from the first
    // file on) that stops only at those characters and at `#`.
    let stop = end;
    for (let k = scanTo(UP_TO_SPECIAL, t, at + 1); k < end; k = scanTo(UP_TO_SPECIAL, t, k + 1)) {
      const c = t.charCodeAt(k);
      if (c === HASH) {
        if (t.charCodeAt(k - 1) === SPACE) {
          stop = k;
          break;
        }
      } else if (c === COLON) {
        const next = t.charCodeAt(k + 1);
        if (k + 1 === end || next === SPACE) throw GIVE_UP;
      } else throw GIVE_UP; // {}[],
    }
    // (The first character is none of them: those are indicators, refused above.)
    while (stop > at && t.charCodeAt(stop - 1) === SPACE) stop--;
    this.pos = at;
    const f = FIRST[ch] ?? 0;
    if (f === 0) return known(VALUES_BY_LENGTH, t, at, stop) ?? detach(t, at, stop);
    const word = t.slice(at, stop);
    // A YAML 1.1 boolean word is a string in YAML 1.2, and a finding.
    if (f & MAYBE_WORD) {
      if (BOOL_11.test(word)) {
        this.trap(word, at, false);
        return word;
      }
      if (NULL_WORD.test(word)) {
        this.pos = -1 - at;
        return null;
      }
      if (TRUE_WORD.test(word)) return true;
      if (FALSE_WORD.test(word)) return false;
    }
    if (f & MAYBE_NUMBER) {
      if (SIMPLE_INT.test(word)) return Number(word);
      if (NUMBER_LIKE.test(word)) throw GIVE_UP;
    }
    return own(word);
  }

  /** After a quoted scalar or `{}`: only spaces, then the end of the line or a comment. */
  private trailer(from: number, end: number): void {
    let c = from;
    while (c < end && this.text.charCodeAt(c) === SPACE) c++;
    if (c < end && !(c > from && this.text.charCodeAt(c) === HASH)) throw GIVE_UP;
  }
}

/**
 * Parses `text` (without a byte order mark) if it is in the subset this parser handles; undefined otherwise.
 * Documents are split as `yaml` splits them: a `---` starts a new document unless nothing but comments came
 * before it in the current one.
 */
export function parseFastYaml(text: string): FastFile | undefined {
  // Anything but printable ASCII and newlines is refused (tabs, carriage returns, control and non-ASCII
  // characters are rare in manifests and subtle in YAML). Searched with a regular expression and indexOf rather
  // than a loop over the characters: those run as native code from the first file on, while a loop runs in V8's
  // interpreter until the function is compiled, which is most of a short run.
  if (NOT_PLAIN_ASCII.test(text)) return undefined;
  const len = text.length;
  const lineStarts: number[] = [0];
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1))
    lineStarts.push(nl + 1);
  const docs: FastDocument[] = [];
  const parser = new Parser(text);
  let started = false;
  try {
    for (let l = 0; l < lineStarts.length; l++) {
      const ls = lineStarts[l]!;
      const le = l + 1 < lineStarts.length ? lineStarts[l + 1]! - 1 : len;
      let c = ls;
      while (c < le && text.charCodeAt(c) === SPACE) c++;
      if (c === le || text.charCodeAt(c) === HASH) continue; // blank or comment
      if (c === ls) {
        const ch = text.charCodeAt(ls);
        if (
          ch === DASH &&
          text.startsWith('---', ls) &&
          (ls + 3 === le || text.charCodeAt(ls + 3) === SPACE)
        ) {
          let r = ls + 3;
          while (r < le && text.charCodeAt(r) === SPACE) r++;
          if (r < le && text.charCodeAt(r) !== HASH) return undefined; // content after `---`
          if (started || parser.starts.length > 0) {
            docs.push(parser.document());
            parser.reset();
          }
          started = true;
          continue;
        }
        if (ch === 37 /* % */ || text.startsWith('...', ls)) return undefined;
      }
      parser.starts.push(c);
      // Trailing spaces and a comment are part of the line; the parser stops at ` #` itself.
      parser.ends.push(le);
      parser.indents.push(c - ls);
    }
    if (started || parser.starts.length > 0) docs.push(parser.document());
  } catch (err) {
    if (err === GIVE_UP) return undefined;
    throw err;
  }
  return { docs, lineStarts };
}

/** Line and column (1-based) of an offset, exactly as yaml's LineCounter.linePos computes them. */
export function fastLinePos(
  lineStarts: readonly number[],
  offset: number,
): { line: number; col: number } {
  let low = 0;
  let high = lineStarts.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (lineStarts[mid]! < offset) low = mid + 1;
    else high = mid;
  }
  if (lineStarts[low] === offset) return { line: low + 1, col: 1 };
  if (low === 0) return { line: 0, col: offset };
  return { line: low, col: offset - lineStarts[low - 1]! + 1 };
}

/** Beyond this many keys, a mapping's keys are looked up in a set or map rather than in the list. */
const MANY_KEYS = 32;

const keyIndexes = new WeakMap<PosMap, Map<string, number>>();

/** The index of `key` among a mapping's keys, or -1 (through an index built once for a large mapping). */
function keyIndex(node: PosMap, key: string): number {
  if (node.keys.length <= MANY_KEYS) return node.keys.indexOf(key);
  let index = keyIndexes.get(node);
  if (index === undefined) {
    index = new Map(node.keys.map((k, i) => [k, i]));
    keyIndexes.set(node, index);
  }
  return index.get(key) ?? -1;
}

/** fastPointerOffset for a pointer already split into its (unescaped) tokens. */
export function fastTokensOffset(
  root: PosNode,
  tokens: readonly string[],
  prefer: 'value' | 'key' = 'value',
): number {
  let node: PosNode = root;
  let key: number | undefined;
  let depth = 0;
  for (const token of tokens) {
    if (typeof node === 'number') break;
    if (node.kind === 'map') {
      const k = keyIndex(node, token);
      if (k < 0) break;
      key = node.keyAt[k];
      node = node.values[k]!;
    } else if (/^\d+$/.test(token) && Number(token) < node.items.length) {
      node = node.items[Number(token)]!;
      key = undefined; // an item has no key
    } else break;
    depth++;
  }
  if (depth === tokens.length && prefer === 'value' && typeof node === 'number' && node >= 0) {
    return node;
  }
  return key ?? posStart(node);
}

/**
 * The offset to report for a pointer, by the rules of pointerOffset (find-node.ts) applied to the offsets
 * of the fast parser: a non-null scalar at the pointer gives the value, otherwise the key of the deepest pair
 * found, otherwise the deepest node found.
 */
export function fastPointerOffset(
  root: PosNode,
  pointer: string,
  prefer: 'value' | 'key' = 'value',
): number {
  return fastTokensOffset(root, splitPointer(pointer), prefer);
}
