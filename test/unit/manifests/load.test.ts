import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import {
  findNode,
  loadManifests,
  ManifestPathError,
  MAX_LISTED,
  parseManifestText,
  pointerPosition,
  type ManifestIssue,
} from '../../../src/manifests/load.js';

const FIX = 'test/fixtures/manifests';

/** A valid role; `lines` replace the spec lines (2-space indented under spec:). */
const roleText = (
  spec = [
    'providerRef:',
    '  name: emulator',
    'role:',
    '  id: 62e90394-69f5-4237-9190-012177145e10',
    'mfaRequired: true',
  ],
  name = 'ga',
): string =>
  [
    'apiVersion: rolegate.io/v1alpha1', // 1
    'kind: PrivilegedRole', // 2
    'metadata:', // 3
    `  name: ${name}`, // 4
    '  namespace: identity', // 5
    'spec:', // 6
    ...spec.map((l) => `  ${l}`), // 7…
  ].join('\n') + '\n';

const fmt = (i: ManifestIssue): string => `${i.line}:${i.col} ${i.severity} ${i.rule} ${i.pointer}`;

interface Case {
  name: string;
  reason: string;
  text: string;
  /** `line:col severity rule pointer`, sorted by position. */
  want: string[];
  roles?: number;
  says?: string;
}

const cases: Case[] = [
  { name: 'Valid', reason: 'no issues', text: roleText(), want: [], roles: 1 },
  {
    name: 'PatternAtValue',
    reason: 'a bad scalar is reported at the value',
    text: roleText([
      'providerRef:',
      '  name: emulator',
      'role:',
      '  id: not-a-guid',
      'mfaRequired: true',
    ]),
    want: ['10:9 error schema.pattern /spec/role/id'],
    roles: 1,
  },
  {
    name: 'UnknownFieldAtKey',
    reason: 'an unknown field is reported at its key',
    text: roleText([
      'providerRef:',
      '  name: emulator',
      'role:',
      '  id: 62e90394-69f5-4237-9190-012177145e10',
      'mfaRequired: true',
      'enforcment: Audit',
    ]),
    want: ['12:3 error schema.additionalProperties /spec/enforcment'],
    says: 'did you mean enforcement?',
  },
  {
    name: 'MissingAtParentKey',
    reason: 'a missing required field is reported at the parent mapping (its key)',
    text: roleText([
      'providerRef:',
      '  name: emulator',
      'role:',
      '  id: 62e90394-69f5-4237-9190-012177145e10',
    ]),
    want: ['6:1 error schema.required /spec/mfaRequired'],
  },
  {
    name: 'CelAtKey',
    reason: 'a CEL rule on a mapping is reported at the mapping key',
    text: roleText([
      'providerRef:',
      '  name: emulator',
      'role:',
      '  displayName: X',
      '  id: 62e90394-69f5-4237-9190-012177145e10',
      'mfaRequired: true',
    ]),
    want: ['9:3 error cel.role-exactly-one /spec/role'],
  },
  {
    name: 'EnumInFlowMapping',
    reason: 'positions inside a flow mapping',
    text: roleText([
      'providerRef: {name: emulator}',
      'role: {id: 62e90394-69f5-4237-9190-012177145e10}',
      'mfaRequired: true',
      'mfa: {mechanism: Otp}',
    ]),
    want: ['10:20 error schema.enum /spec/mfa/mechanism'],
  },
  {
    name: 'Bool11BooleanField',
    reason:
      'mfaRequired: yes is an error that explains YAML 1.1 vs 1.2 (and replaces the type error)',
    text: roleText([
      'providerRef:',
      '  name: emulator',
      'role:',
      '  id: 62e90394-69f5-4237-9190-012177145e10',
      'mfaRequired: yes',
    ]),
    want: ['11:16 error yaml.bool-1.1 /spec/mfaRequired'],
    says: 'Field spec.mfaRequired must be a boolean: kubectl (YAML 1.1) would read the unquoted yes as the boolean true, but rolegate (YAML 1.2) reads the string "yes"',
  },
  {
    name: 'Bool11Off',
    reason: 'OFF (upper case) is a YAML 1.1 boolean too',
    text: roleText([
      'providerRef:',
      '  name: emulator',
      'role:',
      '  id: 62e90394-69f5-4237-9190-012177145e10',
      'mfaRequired: OFF',
    ]),
    want: ['11:16 error yaml.bool-1.1 /spec/mfaRequired'],
    says: 'boolean false',
  },
  {
    name: 'Bool11StringField',
    reason: 'displayName: no is a warning: valid for rolegate, a boolean for kubectl',
    text: roleText([
      'providerRef:',
      '  name: emulator',
      'role:',
      '  displayName: no',
      'mfaRequired: true',
    ]),
    want: ['10:18 warning yaml.bool-1.1 /spec/role/displayName'],
    says: 'quote it',
  },
  {
    name: 'Bool11Quoted',
    reason: 'a quoted "no" is a string in both YAML versions',
    text: roleText([
      'providerRef:',
      '  name: emulator',
      'role:',
      '  displayName: "no"',
      'mfaRequired: true',
    ]),
    want: [],
  },
  {
    name: 'DuplicateKey',
    reason: 'a duplicate key is an error at the second key and the document is skipped',
    text: roleText([
      'providerRef:',
      '  name: emulator',
      'role:',
      '  id: 62e90394-69f5-4237-9190-012177145e10',
      'mfaRequired: true',
      'mfaRequired: false',
    ]),
    want: ['12:3 error yaml.syntax.duplicate-key '],
    roles: 0,
  },
  {
    name: 'SyntaxErrorOthersLoad',
    reason: 'a syntax error in one document leaves the other documents loaded',
    text: `${roleText(undefined, 'one')}---\nkind: PrivilegedRole\nmetadata:\n  name: a: b\n---\n${roleText(undefined, 'three')}`,
    want: ['15:9 error yaml.syntax '],
    roles: 2,
  },
  {
    name: 'OtherKindsIgnored',
    reason: 'other apiVersions and kinds are not rolegate objects and not errors',
    text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  on: yes\n',
    want: [],
    roles: 0,
  },
  {
    name: 'OtherRolegateVersion',
    reason: 'another rolegate.io version is an error at apiVersion',
    text: roleText().replace('v1alpha1', 'v1beta1'),
    want: ['1:13 error api.version /apiVersion'],
    roles: 1,
  },
  {
    name: 'ListUnwrapped',
    reason: 'List items are checked, with pointers and positions inside items',
    text: [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '  - apiVersion: rolegate.io/v1alpha1',
      '    kind: PrivilegedRole',
      '    metadata: {name: a, namespace: identity}',
      '    spec:',
      '      providerRef: {name: emulator}',
      '      role: {id: 62e90394-69f5-4237-9190-012177145e10}',
      '      mfaRequired: true',
      '  - apiVersion: rolegate.io/v1alpha1',
      '    kind: PrivilegedRole',
      '    metadata: {name: b, namespace: identity}',
      '    spec:',
      '      providerRef: {name: emulator}',
      '      role: {id: 62e90394-69f5-4237-9190-012177145e10}',
      '      mfaRequired: maybe',
      '',
    ].join('\n'),
    want: ['17:20 error schema.type /items/1/spec/mfaRequired'],
    roles: 2,
  },
  {
    name: 'InvalidObjectStillReturned',
    reason: 'an invalid object with kind and name is returned with its issues',
    text: roleText(['providerRef:', '  name: emulator', 'role: {}', 'mfaRequired: true']),
    want: ['9:3 error cel.role-exactly-one /spec/role'],
    roles: 1,
  },
  {
    name: 'NoNameNotReturned',
    reason: 'an object without metadata.name cannot be identified: issues only',
    text: 'apiVersion: rolegate.io/v1alpha1\nkind: PrivilegedRole\nmetadata: {}\nspec: {}\n',
    want: [
      '3:1 error schema.required /metadata/name',
      // spec.role is no longer required alone: exactly one of role or group is (a CEL rule on spec)
      '4:1 error cel.role-or-group /spec',
      '4:1 error schema.required /spec/mfaRequired',
      '4:1 error schema.required /spec/providerRef',
    ],
    roles: 0,
  },
  {
    name: 'Json',
    reason: 'JSON files are YAML too, with positions',
    text: '{\n  "apiVersion": "rolegate.io/v1alpha1",\n  "kind": "IdentityProvider",\n  "metadata": {"name": "x"},\n  "spec": {"resyncInterval": "5 minutes"}\n}\n',
    want: [
      '5:3 error cel.provider-exactly-one /spec',
      '5:30 error schema.pattern /spec/resyncInterval',
    ],
  },
];

describe('parseManifestText', () => {
  it.each(cases)('$name: $reason', ({ text, want, roles, says }) => {
    const r = parseManifestText('f.yaml', text);
    expect(r.issues.map(fmt)).toEqual(want);
    if (roles !== undefined) expect(r.roles).toHaveLength(roles);
    if (says) expect(r.issues[0]?.message).toContain(says);
    for (const i of r.issues) {
      expect(i.file).toBe('f.yaml');
      expect(i.message, 'capitalised, no trailing period').toMatch(/^[A-Z].*[^.]$/s);
    }
  });

  it('attaches issues to their object and records where it starts', () => {
    const text = `# comment\n${roleText(undefined, 'one')}---\n${roleText(['providerRef: {name: emulator}', 'role: {id: bad}', 'mfaRequired: true'], 'two')}`;
    const r = parseManifestText('f.yaml', text);
    expect(
      r.roles.map((o) => [o.object.metadata.name, o.line, o.col, o.docIndex, o.issues.length]),
    ).toEqual([
      ['one', 2, 1, 0, 0],
      ['two', 14, 1, 1, 1],
    ]);
  });

  it('reads an empty file and comment-only documents without issues', () => {
    expect(parseManifestText('e.yaml', '').issues).toEqual([]);
    expect(parseManifestText('e.yaml', '# nothing\n---\n---\n').issues).toEqual([]);
  });

  it('survives an alias bomb', () => {
    const bomb =
      'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n';
    const r = parseManifestText('bomb.yaml', bomb);
    expect(r.issues.map((i) => i.rule)).toEqual(['yaml.syntax']);
  });
});

describe('findNode', () => {
  const text = 'spec:\n  role:\n    id: x\n  list:\n    - a\n    - {b: 1}\n  empty:\n';
  const doc = parseDocument(text);
  const lc = new LineCounter();
  const docLc = parseDocument(text, { lineCounter: lc });
  it.each([
    { reason: 'a scalar value: the value', pointer: '/spec/role/id', exact: true, pos: '3:9' },
    { reason: 'a mapping value: its key', pointer: '/spec/role', exact: true, pos: '2:3' },
    { reason: 'a sequence item', pointer: '/spec/list/1/b', exact: true, pos: '6:11' },
    { reason: 'an empty value: its key', pointer: '/spec/empty', exact: true, pos: '7:3' },
    {
      reason: 'missing: the nearest parent key',
      pointer: '/spec/role/displayName',
      exact: false,
      pos: '2:3',
    },
    { reason: 'past the end of a list', pointer: '/spec/list/9', exact: false, pos: '4:3' },
  ])('$reason ($pointer)', ({ pointer, exact, pos }) => {
    expect(findNode(doc, pointer).exact).toBe(exact);
    const p = pointerPosition(docLc, lc, pointer);
    expect(`${p.line}:${p.col}`).toBe(pos);
  });
});

describe('loadManifests', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'rolegate-load-'));
    await mkdir(join(tmp, '.git'), { recursive: true });
    await mkdir(join(tmp, 'node_modules/pkg'), { recursive: true });
    await mkdir(join(tmp, 'sub'), { recursive: true });
    await writeFile(join(tmp, '.git/x.yaml'), 'broken: [\n');
    await writeFile(join(tmp, 'node_modules/pkg/x.yaml'), 'broken: [\n');
    await writeFile(join(tmp, 'sub/notes.txt'), 'broken: [\n');
    await writeFile(
      join(tmp, 'a-broken.yaml'),
      'apiVersion: rolegate.io/v1alpha1\nkind: [PrivilegedRole\n',
    );
    await writeFile(join(tmp, 'b-good.yaml'), roleText(undefined, 'good'));
    await writeFile(
      join(tmp, 'sub/c-good.yml'),
      roleText(
        [
          'providerRef: {name: emulator}',
          'role: {displayName: Security Administrator}',
          'mfaRequired: true',
        ],
        'other',
      ),
    );
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('a malformed file does not stop the others; hidden dirs, node_modules and other extensions are skipped', async () => {
    const r = await loadManifests([tmp]);
    const rel = (f: string): string => relative(process.cwd(), join(tmp, f));
    expect(r.files).toEqual([rel('a-broken.yaml'), rel('b-good.yaml'), rel('sub/c-good.yml')]);
    expect(r.roles.map((o) => o.object.metadata.name)).toEqual(['good', 'other']);
    const errors = r.issues.filter((i) => i.severity === 'error');
    expect(errors.map((i) => `${i.file}:${i.line}:${i.col} ${i.rule}`)).toEqual([
      `${rel('a-broken.yaml')}:3:1 yaml.syntax`,
    ]);
  });

  it('reads the valid fixtures (YAML, JSON List, other kinds) without a problem', async () => {
    const r = await loadManifests([`${FIX}/valid`]);
    expect(r.issues).toEqual([]);
    expect(r.roles.map((o) => o.object.metadata.name).sort()).toEqual([
      'global-administrator',
      'security-administrator',
      'user-administrator',
    ]);
    expect(r.providers.map((o) => o.object.metadata.name)).toEqual(['emulator']);
    expect(r.files).toHaveLength(4);
  });

  it('reports duplicate claims on both objects, each naming the other, and duplicate objects', async () => {
    const r = await loadManifests([`${FIX}/dup-claim`, `${FIX}/valid/provider.yaml`]);
    const lines = r.issues.map((i) => `${i.file}:${i.line}:${i.col} ${i.severity} ${i.rule}`);
    expect(lines).toEqual([
      `${FIX}/dup-claim/a.yaml:4:9 error semantic.duplicate-object`,
      `${FIX}/dup-claim/a.yaml:9:3 error semantic.duplicate-claim`,
      `${FIX}/dup-claim/b.yaml:10:3 error semantic.duplicate-claim`,
      `${FIX}/dup-claim/b.yaml:18:9 error semantic.duplicate-object`,
      `${FIX}/dup-claim/b.yaml:22:11 warning semantic.provider-ref`,
    ]);
    const claimA = r.issues.find(
      (i) => i.file.endsWith('a.yaml') && i.rule === 'semantic.duplicate-claim',
    );
    expect(claimA?.message).toContain(`identity/global-admin (${FIX}/dup-claim/b.yaml:2:1)`);
    const ga = r.roles.find((o) => o.file.endsWith('a.yaml'));
    expect(ga?.issues.map((i) => i.rule)).toEqual([
      'semantic.duplicate-object',
      'semantic.duplicate-claim',
    ]);
  });

  it.each([
    {
      name: 'EntraIdVsName',
      reason: 'an Entra built-in by id and by display name is one claim, without asking the tenant',
      provider:
        'entra: { tenantId: 00000000-0000-0000-0000-0000000000e1, credentials: { type: Emulator } }',
      claims: 2,
    },
    {
      name: 'KeycloakIdVsName',
      reason: 'a Keycloak role named like an Entra built-in is not that built-in',
      provider:
        'keycloak: { url: "https://kc.example", realm: r, credentials: { type: ClientSecret, clientId: c, secretRef: { name: s, key: k } } }',
      claims: 0,
    },
  ])('duplicate claims: $name: $reason', async ({ provider, claims }) => {
    const dir = await mkdtemp(join(tmpdir(), 'rolegate-claims-'));
    try {
      const role = (name: string, ref: string): string =>
        `apiVersion: rolegate.io/v1alpha1
kind: PrivilegedRole
metadata: { name: ${name}, namespace: identity }
spec: { providerRef: { name: p }, role: { ${ref} }, mfaRequired: true }
`;
      await writeFile(
        join(dir, 'all.yaml'),
        [
          `apiVersion: rolegate.io/v1alpha1\nkind: IdentityProvider\nmetadata: { name: p }\nspec:\n  ${provider}\n`,
          role('by-id', 'id: 62e90394-69f5-4237-9190-012177145e10'),
          role('by-name', 'displayName: Global Administrator'),
        ].join('---\n'),
      );
      const r = await loadManifests([dir]);
      const found = r.issues.filter((i) => i.rule === 'semantic.duplicate-claim');
      expect(found, JSON.stringify(r.issues)).toHaveLength(claims);
      if (claims > 0) {
        expect(found.map((i) => i.message).join('\n')).toContain('identity/by-id (');
        expect(found.map((i) => i.message).join('\n')).toContain('identity/by-name (');
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    {
      name: 'KeycloakAssignmentRule',
      reason:
        'Keycloak has no MFA-on-active-assignment rule: an error at the field, naming the provider',
      provider:
        'keycloak: { url: "https://kc.example", realm: r, credentials: { clientId: c, clientSecretRef: { name: s, key: k } } }',
      field: 'mfaOnActiveAssignment: true',
      want: ['6:26 error semantic.provider-field'],
    },
    {
      name: 'KeycloakAssignmentRuleFalse',
      reason: 'false is as meaningless as true there',
      provider:
        'keycloak: { url: "https://kc.example", realm: r, credentials: { clientId: c, clientSecretRef: { name: s, key: k } } }',
      field: 'mfaOnActiveAssignment: false',
      want: ['6:26 error semantic.provider-field'],
    },
    {
      name: 'KeycloakHolderCoverage',
      reason: 'holderCoverage applies to every provider that reads holders',
      provider:
        'keycloak: { url: "https://kc.example", realm: r, credentials: { clientId: c, clientSecretRef: { name: s, key: k } } }',
      field: 'holderCoverage: Require',
      want: [],
    },
    {
      name: 'EntraAssignmentRule',
      reason: 'Entra PIM has the rule: valid',
      provider:
        'entra: { tenantId: 00000000-0000-0000-0000-0000000000e1, graphBaseUrl: "http://127.0.0.1:8943", credentials: { type: Emulator } }',
      field: 'mfaOnActiveAssignment: true',
      want: [],
    },
    {
      name: 'KeycloakGroup',
      reason:
        'PIM for Groups is Entra: a Keycloak realm refuses spec.group at the field, naming the provider',
      provider:
        'keycloak: { url: "https://kc.example", realm: r, credentials: { clientId: c, clientSecretRef: { name: s, key: k } } }',
      field: '# no other field',
      target: 'group: { displayName: Tier0 Security Operators, access: member }',
      pointer: '/spec/group',
      want: ['7:3 error semantic.provider-field'],
    },
    {
      name: 'EntraGroup',
      reason: 'Entra has PIM for Groups: valid',
      provider:
        'entra: { tenantId: 00000000-0000-0000-0000-0000000000e1, graphBaseUrl: "http://127.0.0.1:8943", credentials: { type: Emulator } }',
      field: '# no other field',
      target: 'group: { displayName: Tier0 Security Operators, access: member }',
      want: [],
    },
  ])('fields the provider does not support: $name: $reason', async (c) => {
    const { provider, field, want } = c;
    const target = 'target' in c ? c.target : 'role: { displayName: payroll-approver }';
    const pointer = 'pointer' in c ? c.pointer : '/spec/mfaOnActiveAssignment';
    const dir = await mkdtemp(join(tmpdir(), 'rolegate-provider-field-'));
    try {
      await writeFile(
        join(dir, 'all.yaml'),
        `apiVersion: rolegate.io/v1alpha1
kind: PrivilegedRole
metadata: { name: payroll, namespace: identity }
spec:
  providerRef: { name: p }
  ${field}
  ${target}
  mfaRequired: true
---
apiVersion: rolegate.io/v1alpha1
kind: IdentityProvider
metadata: { name: p }
spec:
  ${provider}
`,
      );
      for (const workers of [0, 1]) {
        const r = await loadManifests([dir], { workers });
        expect(
          r.issues.map((i) => `${i.line}:${i.col} ${i.severity} ${i.rule}`),
          JSON.stringify(r.issues),
        ).toEqual(want);
        if (want.length > 0) {
          expect(r.issues[0]?.message).toContain('IdentityProvider p is a Keycloak realm');
          expect(r.issues[0]?.pointer).toBe(pointer);
          expect(r.roles[0]?.issues).toHaveLength(1);
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    {
      reason: 'an unknown providerRef is a warning by default',
      strict: false,
      severity: 'warning',
    },
    { reason: 'and an error with strict', strict: true, severity: 'error' },
  ])('$reason', async ({ strict, severity }) => {
    const r = await loadManifests([`${FIX}/invalid/warn-only.yaml`], { strict });
    const ref = r.issues.find((i) => i.rule === 'semantic.provider-ref');
    expect(ref?.severity).toBe(severity);
    expect(`${ref?.line}:${ref?.col}`).toBe('8:11');
    expect(r.roles[0]?.issues).toContain(ref);
  });

  it.each([
    {
      name: 'DuplicatesUpToTheLimit',
      reason: 'up to MAX_LISTED others, every place is named (as always)',
      copies: MAX_LISTED + 1,
      more: undefined,
    },
    {
      name: 'DuplicatesBeyondTheLimit',
      reason: 'beyond, MAX_LISTED places and a count: output linear in the copies',
      copies: MAX_LISTED + 4,
      more: 3,
    },
  ])('$name: $reason', async ({ copies, more }) => {
    const file = join(tmp, `dups-${copies}.yaml`);
    await writeFile(
      file,
      Array.from({ length: copies }, (_, k) =>
        roleText(
          [
            'providerRef:',
            '  name: emulator',
            'role:',
            `  id: 62e90394-69f5-4237-9190-${String(k).padStart(12, '0')}`,
            'mfaRequired: true',
          ],
          'ga',
        ),
      ).join('---\n'),
    );
    const r = await loadManifests([file]);
    const dups = r.issues.filter((i) => i.rule === 'semantic.duplicate-object');
    expect(dups).toHaveLength(copies);
    const shown = relative(process.cwd(), file);
    // The first object names the next MAX_LISTED; each document is 12 lines with its `---`.
    const places = Array.from({ length: MAX_LISTED }, (_, k) => `${shown}:${12 * (k + 1) + 1}:1`);
    expect(dups[0]?.message).toBe(
      `PrivilegedRole identity/ga is also defined at ${places.join(', ')}${more ? ` and ${more} more` : ''}; the last one applied would replace the others`,
    );
  });

  it('names at most MAX_LISTED known IdentityProviders for an unknown providerRef', async () => {
    const file = join(tmp, 'many-providers.yaml');
    const providers = Array.from(
      { length: MAX_LISTED + 2 },
      (_, k) =>
        `apiVersion: rolegate.io/v1alpha1\nkind: IdentityProvider\nmetadata:\n  name: provider-${String(k).padStart(2, '0')}\nspec:\n  entra:\n    tenantId: 0d6e1f0a-5b7c-4e4f-9a3b-2c1d0e9f8a7b\n    credentials:\n      type: Emulator\n`,
    );
    await writeFile(file, [...providers, roleText()].join('---\n'));
    const r = await loadManifests([file]);
    const ref = r.issues.find((i) => i.rule === 'semantic.provider-ref');
    expect(ref?.message).toContain(
      `(known: ${Array.from({ length: MAX_LISTED }, (_, k) => `provider-${String(k).padStart(2, '0')}`).join(', ')} and 2 more)`,
    );
  });

  it('reports documents of other groups only under strict', async () => {
    const loose = await loadManifests([`${FIX}/valid/other-kinds.yml`]);
    expect(loose.issues).toEqual([]);
    const strict = await loadManifests([`${FIX}/valid/other-kinds.yml`], { strict: true });
    expect(strict.issues.map((i) => `${i.line}:${i.col} ${i.severity} ${i.rule}`)).toEqual([
      '2:1 warning document.foreign',
      '9:1 warning document.foreign',
    ]);
  });

  it('throws ManifestPathError for a path that does not exist', async () => {
    const err: unknown = await loadManifests([`${FIX}/valid`, 'does/not/exist']).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ManifestPathError);
    expect((err as ManifestPathError).path).toBe('does/not/exist');
    expect((err as ManifestPathError).message).toBe('Path does/not/exist does not exist');
  });

  it('reports an empty directory, and still loads the rest', async () => {
    const r = await loadManifests([`${FIX}/empty-dir`, `${FIX}/valid/roles.yaml`]);
    expect(r.issues.map((i) => `${i.file} ${i.severity} ${i.rule}`)).toEqual([
      `${FIX}/empty-dir warning io.no-files`,
      `${FIX}/valid/roles.yaml warning semantic.provider-ref`,
      `${FIX}/valid/roles.yaml warning semantic.provider-ref`,
    ]);
    expect(r.roles).toHaveLength(2);
  });
});
