// The fast subset parser against `yaml` itself: for every text it accepts, the same documents, the same data,
// the same start positions and the same offset for every pointer (present or missing); and it gives up on
// every construct outside its subset.
import { describe, expect, it } from 'vitest';
import { LineCounter, parseAllDocuments } from 'yaml';
import { escapePointerToken } from '../../../src/api/validation/pointer.js';
import {
  fastLinePos,
  fastPointerOffset,
  parseFastYaml,
  posStart,
} from '../../../src/manifests/fast-yaml.js';
import { pointerOffset } from '../../../src/manifests/find-node.js';

/** Every pointer of a value, plus a missing child of each mapping and a pointer below each scalar. */
function pointersOf(v: unknown, at = ''): string[] {
  const out = [at];
  if (Array.isArray(v)) {
    v.forEach((x, i) => out.push(...pointersOf(x, `${at}/${i}`)));
    out.push(`${at}/${v.length}`, `${at}/x`);
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v))
      out.push(...pointersOf(x, `${at}/${escapePointerToken(k)}`));
    out.push(`${at}/missing`, `${at}/missing/deeper`);
  } else {
    out.push(`${at}/below`);
  }
  return out;
}

const yamlOf = (text: string) => {
  const lc = new LineCounter();
  // The options parseManifestFull uses.
  const docs = parseAllDocuments(text, {
    lineCounter: lc,
    merge: true,
    prettyErrors: true,
    uniqueKeys: true,
    strict: true,
  });
  return { lc, docs: Array.isArray(docs) ? docs : [docs] };
};

const ROLE = `# PrivilegedRole 7
apiVersion: rolegate.io/v1alpha1
kind: PrivilegedRole
metadata:
  name: role-7
  namespace: team-a
  labels:
    rolegate.io/tier: "1"
    team: team-7
  annotations:
    rolegate.io/reconcile-interval: 10m
spec:
  providerRef:
    name: entra-bench
  role:
    id: 4b1d0000-0000-4000-8000-000000000007
  mfaRequired: true
  enforcement: Audit
`;

const accepted: { name: string; reason: string; text: string }[] = [
  { name: 'Role', reason: 'a generated manifest, comment first', text: ROLE },
  {
    name: 'MultiDoc',
    reason: 'three documents split by ---',
    text: `${ROLE}---\n${ROLE}---\n${ROLE}`,
  },
  { name: 'Empty', reason: 'no document at all', text: '' },
  { name: 'OnlyComments', reason: 'comments make no document', text: '# a\n  # b\n' },
  { name: 'LeadingMarker', reason: 'comments then --- is one document', text: '# c\n---\na: 1\n' },
  { name: 'TrailingMarker', reason: 'a final --- opens an empty document', text: 'a: 1\n---\n' },
  { name: 'EmptyDocs', reason: 'two markers, two empty documents', text: '---\n---\n' },
  { name: 'MarkerComment', reason: 'a comment after ---', text: '--- # first\na: 1\n' },
  { name: 'NoFinalNewline', reason: 'the last line has no newline', text: 'a: 1\nb: x' },
  {
    name: 'IndentedRoot',
    reason: 'a root mapping may be indented',
    text: '\n  # x\n  a: 1\n  b: 2\n',
  },
  {
    name: 'Scalars',
    reason: 'the core schema: null, booleans, integers, strings that look like neither',
    text: [
      'n1:',
      'n2: ~',
      'n3: null',
      'n4: Null',
      'b1: true',
      'b2: False',
      'b3: TRUE',
      'i1: 0',
      'i2: 42',
      'i3: 123456789012345',
      's1: 62e90394-69f5-4237-9190-012177145e10',
      's2: 5m',
      's3: http://127.0.0.1:8943/path',
      "s4: it's",
      's5: a#b',
      's6: x   ',
      's7: -x',
      's8: 1abc',
      's9: Global Administrator',
      '1k: key starting with a digit',
    ].join('\n'),
  },
  {
    name: 'Quoted',
    reason: 'quoted scalars stay strings, with trailing comments',
    text: [
      'a: "true"',
      "b: 'yes'",
      'c: ""',
      "d: ''",
      'e: "with # hash"  # comment',
      '"quoted key": 1',
      "'single key': 2",
    ].join('\n'),
  },
  {
    name: 'EmptyCollections',
    reason: '{} and [] are empty collections, a comment may follow',
    text: 'a: {}\nb: []   # none\nc:\n  d: {}\n',
  },
  {
    name: 'Comments',
    reason: 'comments after values and between lines, at any indentation',
    text: 'a: 1 # one\n# between\nb:\n    # deeper\n  c: x #c\n# end\n',
  },
  {
    name: 'Sequences',
    reason: 'scalars, compact mappings, nested blocks, a sequence at its key column',
    text: [
      'finalizers:',
      '- rolegate.io/reset',
      '- other',
      'ownerReferences:',
      '  - apiVersion: v1',
      '    kind: ConfigMap',
      '    name: x',
      '  -   name: wide',
      '      uid: "1"',
      '  -',
      '    name: below',
      'nested:',
      '  list:',
      '  - a',
      '  after: 1',
    ].join('\n'),
  },
  {
    name: 'Traps',
    reason: 'YAML 1.1 booleans are strings here (the traps are reported by the caller)',
    text: 'mfaRequired: yes\non: x\nlist:\n- off\n- N\n',
  },
  {
    name: 'Keys',
    reason: 'Kubernetes label and annotation keys',
    text: 'a.b/c-d_e: 1\nx_y.z: 2\n',
  },
  {
    name: 'KnownKeysAndValues',
    reason: 'keys and values the parser has as constants, plain and quoted, and their near misses',
    text: [
      '"apiVersion": "rolegate.io/v1alpha1"',
      "'kind': 'PrivilegedRole'",
      'spec:',
      '  mechanism: AuthenticationContext',
      '  mechanisms: AuthenticationContexts',
      '  mechanis: AuthenticationContex',
      '  Spec: Enforce # comment',
      '  enforcement: Audit   ',
      '  deletionPolicy: Orphan',
      '  rolegate.io/paused: "true"',
      '  rolegate.io/pausedx: ResetToDefault',
      '  type: Emulator',
      '  Type: emulator',
      'metadata:',
      '  name: rolegate.io/v1alpha2',
      '  namespace: rolegate.io/v1alpha1x',
    ].join('\n'),
  },
  {
    name: 'LongValues',
    reason: 'strings of 13 characters or more, which the parser copies out of the text',
    text: [
      'a: 1234567890abc',
      'b: "1234567890abc"',
      'c: 1234567890ab',
      "d: 'a long value with spaces and: colons'",
      'e: http://127.0.0.1:8943/a-long/path',
      'f: Global Administrator',
    ].join('\n'),
  },
  {
    name: 'Colons',
    reason: 'a colon is plain text unless a space or the end of the value follows it',
    text: 'a: b:c\nb: x:y:z # c\nc: "d: e"\n',
  },
];

describe('parseFastYaml: accepted texts match yaml', () => {
  it.each(accepted)('$name: $reason', ({ text }) => {
    const fast = parseFastYaml(text);
    expect(fast, 'the fast parser gave up').toBeDefined();
    const { lc, docs } = yamlOf(text);
    // Only what yaml accepts cleanly may be accepted.
    expect(docs.flatMap((d) => [...d.errors, ...d.warnings]).map((e) => e.message)).toEqual([]);
    expect(fast!.docs).toHaveLength(docs.length);
    docs.forEach((doc, i) => {
      const f = fast!.docs[i]!;
      const data: unknown = doc.toJS();
      expect(f.data).toEqual(data);
      // Same key order too (toEqual ignores it).
      expect(JSON.stringify(f.data)).toBe(JSON.stringify(data));
      if (!doc.contents || data === null) return;
      expect(f.pos).toBeDefined();
      expect(fastLinePos(fast!.lineStarts, posStart(f.pos!))).toEqual(
        lc.linePos(doc.contents.range[0]),
      );
      for (const p of pointersOf(data)) {
        for (const prefer of ['value', 'key'] as const) {
          expect(
            fastLinePos(fast!.lineStarts, fastPointerOffset(f.pos!, p, prefer)),
            `${p} (${prefer})`,
          ).toEqual(lc.linePos(pointerOffset(doc.contents, p, prefer)));
        }
      }
    });
  });

  it('records the YAML 1.1 traps with their pointers, positions and whether they are keys', () => {
    const fast = parseFastYaml('mfaRequired: yes\non: x\nlist:\n- off\n- "no"\n');
    expect(fast?.docs[0]?.traps).toEqual([
      { pointer: '/mfaRequired', word: 'yes', offset: 13, isKey: false },
      { pointer: '/on', word: 'on', offset: 17, isKey: true },
      { pointer: '/list/0', word: 'off', offset: 31, isKey: false },
    ]);
  });
});

const refused: { name: string; reason: string; text: string }[] = [
  { name: 'Tab', reason: 'tabs are errors or subtle in YAML', text: 'a:\n\tb: 1\n' },
  { name: 'CRLF', reason: 'carriage returns are left to yaml', text: 'a: 1\r\nb: 2\r\n' },
  {
    name: 'NonAscii',
    reason: 'non-ASCII text is left to yaml',
    text: 'name: Administrateur général\n',
  },
  { name: 'Anchor', reason: 'anchors and aliases', text: 'a: &x 1\nb: *x\n' },
  { name: 'Tag', reason: 'explicit tags', text: 'a: !!str 1\n' },
  { name: 'Literal', reason: 'block scalars', text: 'a: |\n  text\n' },
  { name: 'Folded', reason: 'block scalars', text: 'a: >\n  text\n' },
  { name: 'FlowMap', reason: 'flow mappings other than {}', text: 'a: {b: 1}\n' },
  { name: 'FlowSeq', reason: 'flow sequences other than []', text: 'a: [1, 2]\n' },
  { name: 'Comma', reason: 'flow indicators inside plain scalars', text: 'a: b, c\n' },
  { name: 'Escape', reason: 'double-quoted escapes', text: 'a: "x\\ty"\n' },
  { name: 'SingleQuoteEscape', reason: "'' inside single quotes", text: "a: 'it''s'\n" },
  { name: 'QuoteThenHash', reason: 'a # right after a closing quote', text: 'a: "x"#c\n' },
  { name: 'Multiline', reason: 'multi-line plain scalars', text: 'a: one\n  two\n' },
  { name: 'MultilineQuoted', reason: 'multi-line quoted scalars', text: 'a: "one\n  two"\n' },
  {
    name: 'Duplicate',
    reason: 'duplicate keys are an error for the full parser',
    text: 'a: 1\na: 2\n',
  },
  {
    name: 'DuplicateInALargeMapping',
    reason: 'duplicate keys beyond the first few dozen, where keys are looked up in a set',
    text: `${Array.from({ length: 100 }, (_, i) => `k${i}: 1\n`).join('')}k99: 2\nk0: 3\n`,
  },
  { name: 'Hex', reason: 'numbers other than plain integers', text: 'a: 0x1F\n' },
  { name: 'Float', reason: 'numbers other than plain integers', text: 'a: 1.5\n' },
  { name: 'Exp', reason: 'numbers other than plain integers', text: 'a: 1e3\n' },
  { name: 'Negative', reason: 'numbers other than plain integers', text: 'a: -1\n' },
  { name: 'LeadingZero', reason: 'numbers other than plain integers', text: 'a: 007\n' },
  { name: 'BigInt', reason: 'integers beyond 15 digits', text: 'a: 1234567890123456\n' },
  { name: 'Inf', reason: 'special floats', text: 'a: .inf\n' },
  { name: 'NumberKey', reason: 'keys that are not strings', text: '1: a\n' },
  { name: 'NullKey', reason: 'keys that are not strings', text: 'null: a\n' },
  { name: 'Directive', reason: 'directives', text: '%YAML 1.2\n---\na: 1\n' },
  { name: 'DocEnd', reason: 'document end markers', text: 'a: 1\n...\n' },
  { name: 'InlineAfterMarker', reason: 'content on the --- line', text: '--- a: 1\n' },
  { name: 'Merge', reason: '<< merge keys', text: 'a: 1\n<<: {b: 2}\n' },
  { name: 'ComplexKey', reason: 'explicit keys', text: '? a\n: 1\n' },
  { name: 'SpacedKey', reason: 'keys with spaces', text: 'a b: 1\n' },
  { name: 'ColonInValue', reason: 'a value holding ": "', text: 'a: b: c\n' },
  { name: 'ColonAtEnd', reason: 'a value ending in a colon', text: 'a: b:\n' },
  {
    name: 'ColonBeforeComment',
    reason: 'a value ending in a colon, before a comment',
    text: 'a: b:  # c\n',
  },
  { name: 'BracketInValue', reason: 'flow indicators inside a plain value', text: 'a: b]c\n' },
  { name: 'BraceInValue', reason: 'flow indicators inside a plain value', text: 'a: b{c\n' },
  { name: 'ColonKey', reason: 'a key holding a colon', text: 'a:b: c\n' },
  { name: 'EmptyItem', reason: 'empty sequence items', text: 'a:\n-\n- x\n' },
  { name: 'NestedSeq', reason: '- - compact nested sequences', text: '- - a\n' },
  { name: 'Proto', reason: '__proto__ keys', text: '__proto__: 1\n' },
  { name: 'BadIndent', reason: 'a line between two indentations', text: 'a:\n    b: 1\n  c: 2\n' },
  { name: 'Dedent', reason: 'a line left of the root', text: '  a: 1\nb: 2\n' },
  { name: 'RootScalar', reason: 'a document that is a scalar', text: 'hello\n' },
  { name: 'SeqInMap', reason: 'a sequence item among keys', text: 'a: 1\n- b\n' },
  { name: 'Alias', reason: 'aliases as values', text: 'a: *x\n' },
  { name: 'Backtick', reason: 'reserved indicators', text: 'a: `x`\n' },
];

describe('parseFastYaml: gives up outside its subset', () => {
  it.each(refused)('$name: $reason', ({ text }) => {
    expect(parseFastYaml(text)).toBeUndefined();
  });
});

describe('parseFastYaml: mutated manifests', () => {
  // Deterministic mutations of real manifests (a character inserted, deleted or replaced): whatever the fast
  // parser accepts must be accepted cleanly by yaml, with the same data and positions. This is what keeps the
  // subset honest beyond the hand-written cases above.
  const CHARS = [
    ' ',
    '\n',
    ':',
    '-',
    '#',
    '"',
    "'",
    '{',
    '}',
    '[',
    ']',
    ',',
    '&',
    '*',
    '!',
    '|',
    '>',
    'y',
    '0',
    '.',
    '~',
    '?',
    '%',
    '@',
  ];
  const base = [ROLE, `${ROLE}---\n${ROLE}`, accepted.find((c) => c.name === 'Sequences')!.text];
  let seed = 42;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const mutants: string[] = [];
  for (let i = 0; i < 3000; i++) {
    let t = base[rand(base.length)]!;
    for (let m = 1 + rand(2); m > 0; m--) {
      const at = rand(t.length + 1);
      const op = rand(3);
      const ch = CHARS[rand(CHARS.length)]!;
      t =
        op === 0
          ? t.slice(0, at) + ch + t.slice(at)
          : op === 1
            ? t.slice(0, at) + t.slice(at + 1)
            : t.slice(0, at) + ch + t.slice(at + 1);
    }
    mutants.push(t);
  }

  it('accepts only what yaml accepts cleanly, and then agrees with it', () => {
    let acceptedCount = 0;
    for (const text of mutants) {
      const fast = parseFastYaml(text);
      if (fast === undefined) continue;
      acceptedCount++;
      const { lc, docs } = yamlOf(text);
      const where = JSON.stringify(text);
      expect(
        docs.flatMap((d) => [...d.errors, ...d.warnings]).map((e) => e.message),
        where,
      ).toEqual([]);
      expect(fast.docs.length, where).toBe(docs.length);
      docs.forEach((doc, i) => {
        const f = fast.docs[i]!;
        const data: unknown = doc.toJS();
        expect(JSON.stringify(f.data), where).toBe(JSON.stringify(data));
        if (!doc.contents || data === null || typeof data !== 'object') return;
        for (const p of pointersOf(data)) {
          expect(
            fastLinePos(fast.lineStarts, fastPointerOffset(f.pos!, p)),
            `${where} ${p}`,
          ).toEqual(lc.linePos(pointerOffset(doc.contents, p)));
        }
      });
    }
    // Most single mutations of a plain manifest stay in the subset; the test must exercise that side.
    expect(acceptedCount).toBeGreaterThan(500);
  });
});
