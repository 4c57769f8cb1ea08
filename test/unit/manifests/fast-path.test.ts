// The fast path of parseManifestText against the full path (the `yaml` parser with positions for every node):
// the same objects, the same findings (file:line:col, pointer, rule, severity, message), the same positions
// for the cross-file checks, for valid and invalid manifests.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateManifests } from '../../harness/manifests.js';
import { parseManifestFast } from '../../../src/manifests/fast-path.js';
import {
  crossCheck,
  parseManifestFull,
  parseManifestText,
  type ParsedFile,
} from '../../../src/manifests/load.js';
import { locatorOf } from '../../../src/manifests/locators.js';

/** A generated-style role; `spec` lines are indented under spec:, `meta` lines under metadata:. */
const role = (
  spec: string[] = [
    'providerRef:',
    '  name: entra-bench',
    'role:',
    '  id: 4b1d0000-0000-4000-8000-000000000007',
    'mfaRequired: true',
  ],
  meta: string[] = ['name: role-7', 'namespace: team-a'],
  head: string[] = ['apiVersion: rolegate.io/v1alpha1', 'kind: PrivilegedRole'],
): string =>
  [
    '# PrivilegedRole 7',
    ...head,
    'metadata:',
    ...meta.map((l) => `  ${l}`),
    'spec:',
    ...spec.map((l) => `  ${l}`),
  ].join('\n') + '\n';

const PROVIDER = `apiVersion: rolegate.io/v1alpha1
kind: IdentityProvider
metadata:
  name: entra-bench
spec:
  entra:
    tenantId: 00000000-0000-0000-0000-0000000000e1
    graphBaseUrl: http://127.0.0.1:8943
    credentials:
      type: Emulator
`;

const ref = ['providerRef:', '  name: entra-bench'];
const id = ['role:', '  id: 4b1d0000-0000-4000-8000-000000000007'];

/** Every case is in the fast parser's subset (checked), so the fast path is what is compared. */
const cases: { name: string; reason: string; text: string }[] = [
  { name: 'Valid', reason: 'nothing to report', text: role() },
  { name: 'Provider', reason: 'a valid IdentityProvider', text: PROVIDER },
  { name: 'MultiDoc', reason: 'documents after the first', text: `${role()}---\n${PROVIDER}` },
  {
    name: 'Yes',
    reason: 'the YAML 1.1 trap on a boolean field replaces the schema error',
    text: role([...ref, ...id, 'mfaRequired: yes']),
  },
  {
    name: 'YesElsewhere',
    reason: 'a YAML 1.1 word in a string field is a warning',
    text: role([...ref, ...id, 'mfaRequired: true'], ['name: role-7', 'labels:', '  flag: on']),
  },
  {
    name: 'TrapKey',
    reason: 'a YAML 1.1 word as a key is a warning (and an unknown field)',
    text: role([...ref, ...id, 'mfaRequired: true', 'y: 1']),
  },
  {
    name: 'QuotedTrue',
    reason: '"true" in quotes: the schema error and the hint to remove the quotes',
    text: role([...ref, ...id, 'mfaRequired: "true"']),
  },
  {
    name: 'Enum',
    reason: 'an enum value, with a did-you-mean',
    text: role([...ref, ...id, 'mfaRequired: true', 'enforcement: enforce']),
  },
  {
    name: 'Pattern',
    reason: 'a GUID pattern, at the value',
    text: role([...ref, 'role:', '  id: not-a-guid', 'mfaRequired: true']),
  },
  {
    name: 'Scope',
    reason: 'the scope pattern',
    text: role([...ref, ...id, 'scope: subscriptions/123', 'mfaRequired: true']),
  },
  {
    name: 'Cel',
    reason: 'the CEL rule on mfa, at the mapping key',
    text: role([...ref, ...id, 'mfaRequired: true', 'mfa:', '  mechanism: AuthenticationContext']),
  },
  {
    name: 'Required',
    reason: 'a missing required field, at its parent',
    text: role([...id, 'mfaRequired: true']),
  },
  {
    name: 'EmptyRole',
    reason: 'an empty mapping {}',
    text: role([...ref, 'role: {}', 'mfaRequired: true']),
  },
  {
    name: 'Typo',
    reason: 'an unknown field, reported at the key',
    text: role([...ref, ...id, 'mfaRequired: true', 'enforcment: Audit']),
  },
  {
    name: 'NullSpec',
    reason: 'an empty value where a mapping belongs',
    text: role(['']).replace('spec:\n  \n', 'spec:\n'),
  },
  {
    name: 'BadName',
    reason: 'metadata rules',
    text: role(undefined, ['name: Bad_Name', 'namespace: Team A']),
  },
  {
    name: 'NoName',
    reason: 'no name: reported, and no object returned',
    text: role(undefined, ['namespace: team-a']),
  },
  {
    name: 'WrongKind',
    reason: 'an unknown kind of ours',
    text: role(undefined, undefined, ['apiVersion: rolegate.io/v1alpha1', 'kind: PrivilegedRoles']),
  },
  {
    name: 'WrongVersion',
    reason: 'an apiVersion of ours that is not served',
    text: role(undefined, undefined, ['apiVersion: rolegate.io/v2', 'kind: PrivilegedRole']),
  },
  {
    name: 'NoApiVersion',
    reason: 'a rolegate kind without apiVersion is still ours',
    text: role(undefined, undefined, ['kind: PrivilegedRole']),
  },
  {
    name: 'OtherKind',
    reason: 'other kinds are ignored',
    text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: yes\n',
  },
  {
    name: 'Labels',
    reason: 'label keys and values',
    text: role(undefined, ['name: role-7', 'labels:', '  "bad key!": x', '  ok: "-bad-"']),
  },
  {
    name: 'Annotations',
    reason: 'rolegate annotations with bad values',
    text: role(undefined, [
      'name: role-7',
      'annotations:',
      '  rolegate.io/paused: "yes"',
      '  rolegate.io/reconcile-interval: soon',
    ]),
  },
  {
    name: 'Sequence',
    reason: 'findings inside sequences',
    text: role(undefined, ['name: role-7', 'finalizers:', '- a', '- 3', 'ownerReferences:', '- 7']),
  },
  {
    name: 'ProviderWarnings',
    reason: 'namespace ignored on a cluster-scoped kind, emulator not on loopback',
    text: PROVIDER.replace('name: entra-bench', 'name: entra-bench\n  namespace: x').replace(
      '127.0.0.1',
      'example.com',
    ),
  },
];

/** The file's results with each object's locator, for comparing both paths. */
const view = (p: ParsedFile): unknown => ({
  ...p,
  locators: [...p.roles, ...p.providers].map((o) => locatorOf(o)),
});

describe('parseManifestFast: the same as the full path', () => {
  it.each(cases)('$name: $reason', ({ text }) => {
    const fast = parseManifestFast('dir/f.yaml', text);
    expect(fast, 'outside the fast subset: the case tests nothing').toBeDefined();
    expect(view(fast!)).toEqual(view(parseManifestFull('dir/f.yaml', text)));
  });

  it('cross-file checks report at the same positions from both paths', () => {
    // Duplicate objects and claims, and an unknown provider: every crossCheck position is used.
    const texts = [
      role(),
      role(undefined, ['name: role-7', 'namespace: team-a']),
      role(['providerRef:', '  name: nope', ...id, 'mfaRequired: true'], ['name: other']),
      PROVIDER,
    ];
    const run = (parse: (f: string, t: string) => ParsedFile) => {
      const files = texts.map((t, i) => parse(`f${i}.yaml`, t));
      const issues = crossCheck(
        files.flatMap((f) => f.roles),
        files.flatMap((f) => f.providers),
      );
      return issues;
    };
    const fast = run((f, t) => parseManifestFast(f, t)!);
    expect(fast.map((i) => i.rule).sort()).toEqual([
      'semantic.duplicate-object',
      'semantic.duplicate-object',
      'semantic.provider-ref',
    ]);
    expect(fast).toEqual(run(parseManifestFull));
  });
});

describe('parseManifestText on generated and mutated manifests', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rolegate-fast-path-'));
    await generateManifests(dir, 400, 0.25);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a generated directory (25% invalid) takes the fast path and reports what the full path reports', async () => {
    const files: string[] = ['provider.yaml'];
    for (const d of await readdir(dir)) {
      if (d.startsWith('team-'))
        for (const f of await readdir(join(dir, d))) files.push(join(d, f));
    }
    let invalid = 0;
    for (const f of files) {
      const text = await readFile(join(dir, f), 'utf8');
      const fast = parseManifestFast(f, text);
      expect(fast, f).toBeDefined();
      if (fast!.issues.some((i) => i.severity === 'error')) invalid++;
      expect(view(fast!), f).toEqual(view(parseManifestFull(f, text)));
    }
    expect(invalid).toBe(100);
  });

  it('mutated manifests: whichever path parses them, the result is the full path’s', () => {
    // Random single-character edits of valid and invalid manifests: some leave the subset (full path), some
    // break the YAML, most change what is found. parseManifestText must always equal parseManifestFull.
    const CHARS = [' ', '\n', ':', '-', '#', '"', "'", '{', '}', 'y', 'n', '0', '~', '!', '&'];
    const base = cases.map((c) => c.text);
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let fastCount = 0;
    for (let i = 0; i < 1500; i++) {
      let t = base[rand(base.length)]!;
      const at = rand(t.length + 1);
      const ch = CHARS[rand(CHARS.length)]!;
      const op = rand(3);
      t =
        op === 0
          ? t.slice(0, at) + ch + t.slice(at)
          : op === 1
            ? t.slice(0, at) + t.slice(at + 1)
            : t.slice(0, at) + ch + t.slice(at + 1);
      if (parseManifestFast('m.yaml', t) !== undefined) fastCount++;
      expect(view(parseManifestText('m.yaml', t)), JSON.stringify(t)).toEqual(
        view(parseManifestFull('m.yaml', t)),
      );
    }
    expect(fastCount).toBeGreaterThan(500);
  });
});
