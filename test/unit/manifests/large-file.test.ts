// parseLargeFile reads a file in parts and parses it one YAML document at a time; whatever it is given, it
// must report exactly what parsing the whole file at once reports (parseManifestBytes): the same findings at
// the same file lines, the same objects with the same positions and document indexes.
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseManifestBytes,
  parseManifestText,
  type ParsedFile,
} from '../../../src/manifests/load.js';
import { parseLargeFile } from '../../../src/manifests/large-file.js';
import { locatorOf } from '../../../src/manifests/locators.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rolegate-large-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const role = (name: string, extra = '', mfa = 'true'): string =>
  `apiVersion: rolegate.io/v1alpha1\nkind: PrivilegedRole\nmetadata:\n  name: ${name}\n  namespace: identity\n${extra}spec:\n  providerRef:\n    name: p\n  role:\n    id: 62e90394-69f5-4237-9190-012177145e10\n  mfaRequired: ${mfa}\n`;

/** Documents (with the line that starts them, if any), each a different way of being cut or parsed. */
const PARTS: { reason: string; text: string }[] = [
  { reason: 'a plain role (fast path)', text: role('plain') },
  {
    reason: 'a flow mapping: this document alone takes the full path',
    text: `---\n${role('flow', '  labels: {team: a}\n')}`,
  },
  { reason: 'a YAML 1.1 trap, located in the file', text: `---\n${role('trap', '', 'yes')}` },
  {
    reason: 'a marker with a comment',
    text: `--- # the provider\napiVersion: rolegate.io/v1alpha1\nkind: IdentityProvider\nmetadata:\n  name: p\nspec:\n  entra:\n    tenantId: 0d6e1f0a-5b7c-4e4f-9a3b-2c1d0e9f8a7b\n    credentials:\n      type: Emulator\n`,
  },
  {
    reason: 'another kind (a --strict finding)',
    text: '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: yes\n',
  },
  { reason: 'a scalar document', text: '--- just text\n' },
  { reason: 'a syntax error, skipped', text: '---\nmetadata: [unclosed\n' },
  {
    reason: 'a List',
    text: `---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: rolegate.io/v1alpha1\n  kind: PrivilegedRole\n  metadata: {name: listed, namespace: identity}\n  spec: {providerRef: {name: p}, role: {id: 62e90394-69f5-4237-9190-012177145e10}, mfaRequired: on}\n`,
  },
  { reason: 'CRLF line ends', text: `---\r\n${role('crlf').replace(/\n/g, '\r\n')}` },
  { reason: 'only a comment', text: '---\n# nothing here\n' },
  {
    reason: 'a document end, then a directive that belongs to the next document',
    text: `...\n%YAML 1.2\n# about the next one\n---\n${role('directive')}`,
  },
  { reason: 'empty documents', text: '---\n---\n' },
  { reason: 'a duplicate key', text: `---\n${role('dupkey')}  mfaRequired: false\n` },
  {
    reason: 'lines that start like a marker but are not one',
    text: `---\n${role('notmarker', '  annotations:\n    a: |\n      ---\n')}---x: 1\n----: 2\n`,
  },
  { reason: 'an invalid object', text: `---\n${role('Bad_Name')}` },
];

const view = (p: ParsedFile): unknown => ({
  ...p,
  locators: [...p.roles, ...p.providers].map((o) => locatorOf(o)),
});

function streamed(bytes: Buffer, headBytes: number, chunkBytes: number): ParsedFile {
  const path = join(dir, 'big.yaml');
  writeFileSync(path, bytes);
  const fd = openSync(path, 'r');
  try {
    // The head is what parseManifestFile read before deciding the file is large; the rest is read from fd.
    const head = Buffer.alloc(Math.min(headBytes, bytes.length));
    bytes.copy(head, 0, 0, head.length);
    if (head.length > 0) readSync(fd, Buffer.alloc(head.length), 0, head.length, null);
    return parseLargeFile(fd, 'big.yaml', head, parseManifestText, chunkBytes);
  } finally {
    closeSync(fd);
  }
}

const whole = PARTS.map((p) => p.text).join('');

describe('parseLargeFile', () => {
  it.each([
    { name: 'one read', reason: 'the whole file in one part', head: 0, chunk: 1 << 20 },
    { name: 'head only', reason: 'everything already read before', head: 1 << 20, chunk: 1 << 20 },
    {
      name: 'bytes',
      reason: 'parts of 1 byte: every marker and line cut at every place',
      head: 0,
      chunk: 1,
    },
    { name: 'odd parts', reason: 'parts of 7 bytes after a head of 100', head: 100, chunk: 7 },
    { name: 'lines', reason: 'parts of 64 bytes', head: 3, chunk: 64 },
  ])('$name: $reason', ({ head, chunk }) => {
    const bytes = Buffer.from(whole);
    expect(view(streamed(bytes, head, chunk))).toEqual(view(parseManifestBytes('big.yaml', bytes)));
  });

  it('has cases that mean something: objects, findings and foreign documents at file lines', () => {
    const p = streamed(Buffer.from(whole), 0, 13);
    expect(p.roles.map((r) => r.object.metadata.name)).toEqual([
      'plain',
      'flow',
      'trap',
      'listed',
      'crlf',
      'directive',
      'notmarker',
      'Bad_Name',
    ]);
    expect(p.roles.map((r) => r.docIndex)).toEqual([0, 1, 2, 7, 8, 10, 14, 15]);
    expect(p.documents).toBe(16);
    expect(p.issues.map((i) => i.rule)).toContain('yaml.syntax');
    expect(p.issues.map((i) => i.rule)).toContain('yaml.syntax.duplicate-key');
    expect(p.foreign?.map((i) => i.line)).toEqual([48, 54]);
  });

  it('a byte order mark, and the same part repeated: lines keep counting', () => {
    const bytes = Buffer.from(`\ufeff${whole}---\n${whole.repeat(20)}`);
    expect(view(streamed(bytes, 10, 256))).toEqual(view(parseManifestBytes('big.yaml', bytes)));
  });

  it.each([
    {
      name: 'invalid UTF-8',
      reason: 'reported once, at its file line; the rest still read',
      bad: Buffer.from([0x23, 0x20, 0xff, 0x0a]),
    },
    {
      name: 'a NUL byte',
      reason: 'binary: one finding and nothing else, as for a small file',
      bad: Buffer.from([0x23, 0x00, 0x0a]),
    },
  ])('$name in a later document: $reason', ({ bad }) => {
    const bytes = Buffer.concat([
      Buffer.from(whole),
      Buffer.from('---\n'),
      bad,
      Buffer.from(whole),
    ]);
    const got = streamed(bytes, 0, 512);
    expect(view(got)).toEqual(view(parseManifestBytes('big.yaml', bytes)));
    expect(got.issues.filter((i) => i.rule.startsWith('encoding.'))).toHaveLength(1);
  });
});

describe('parseLargeFile on a file that is not text', () => {
  it.each([
    {
      name: 'UTF-16',
      reason: 'told from the start of the file, as for a small file',
      bytes: Buffer.from(`\ufeff${whole}`, 'utf16le'),
      rule: 'encoding.utf16',
    },
    {
      name: 'binary',
      reason: 'a NUL near the start',
      bytes: Buffer.concat([Buffer.from('a: 1\n'), Buffer.alloc(64), Buffer.from(whole)]),
      rule: 'encoding.binary',
    },
  ])('$name: $reason', ({ bytes, rule }) => {
    const got = streamed(bytes, 8192, 1024);
    expect(view(got)).toEqual(view(parseManifestBytes('big.yaml', bytes)));
    expect(got.issues.map((i) => i.rule)).toEqual([rule]);
  });
});
