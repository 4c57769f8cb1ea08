import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateObject as validateWith } from '../../../src/api/validate.js';
import { validationRules } from '../../../src/api/validation/catalog.js';
import { CEL_RULES, celRulesInSchemas } from '../../../src/api/validation/cel.js';
import { fieldPath, joinPointer, splitPointer } from '../../../src/api/validation/pointer.js';
import { PROVIDERS } from '../../../src/providers/registry.js';

/** Validation with the providers rolegate ships. */
const validateObject = (obj: unknown) => validateWith(obj, PROVIDERS.descriptors);
const VALIDATION_RULES = validationRules(PROVIDERS.descriptors);

type Obj = Record<string, unknown>;

const role = (spec: Obj = {}, metadata: Obj = {}, extra: Obj = {}): Obj => ({
  apiVersion: 'rolegate.io/v1alpha1',
  kind: 'PrivilegedRole',
  metadata: { name: 'ga', namespace: 'identity', ...metadata },
  spec: {
    providerRef: { name: 'emulator' },
    role: { id: '62e90394-69f5-4237-9190-012177145e10' },
    mfaRequired: true,
    ...spec,
  },
  ...extra,
});

const GROUP_ID = '0b5e4a7c-1d2f-4e3a-9b8c-7d6e5f4a3b2c';
/** A PrivilegedRole that names a PIM for Groups access instead of a role. */
const groupRole = (group: Obj, spec: Obj = {}): Obj => {
  const o = role(spec);
  const s = o.spec as Obj;
  delete s.role;
  s.group = group;
  return o;
};

const entra = (entraSpec: Obj = {}, spec: Obj = {}, metadata: Obj = {}): Obj => ({
  apiVersion: 'rolegate.io/v1alpha1',
  kind: 'IdentityProvider',
  metadata: { name: 'emulator', ...metadata },
  spec: {
    entra: {
      tenantId: '00000000-0000-0000-0000-0000000000e1',
      graphBaseUrl: 'http://127.0.0.1:8943',
      credentials: { type: 'Emulator' },
      ...entraSpec,
    },
    ...spec,
  },
});

const keycloak = (kc: Obj = {}): Obj => ({
  apiVersion: 'rolegate.io/v1alpha1',
  kind: 'IdentityProvider',
  metadata: { name: 'sso' },
  spec: {
    keycloak: {
      url: 'https://sso.example.com',
      realm: 'demo',
      credentials: { clientId: 'rolegate' },
      ...kc,
    },
  },
});

interface Case {
  name: string;
  reason: string;
  obj: unknown;
  /** Expected problems as `severity rule pointer`, in any order. */
  want: string[];
  /** Substrings the first problem's message must contain. */
  says?: string[];
}

const cases: Case[] = [
  { name: 'ValidRoleById', reason: 'a complete role by id has no problem', obj: role(), want: [] },
  {
    name: 'ValidRoleWithEverything',
    reason: 'every optional field set to an allowed value',
    obj: role({
      scope: '/subscriptions/1',
      mfa: { mechanism: 'AuthenticationContext', authenticationContextId: 'c1' },
      enforcement: 'Audit',
      deletionPolicy: 'Orphan',
    }),
    want: [],
  },
  { name: 'ValidEntra', reason: 'the emulator provider', obj: entra(), want: [] },
  { name: 'ValidKeycloak', reason: 'a Keycloak provider', obj: keycloak(), want: [] },
  {
    name: 'NotAMapping',
    reason: 'a scalar document is not an object',
    obj: 'hello',
    want: ['error schema.type '],
  },
  {
    name: 'MissingMfaRequired',
    reason: 'required fields point at the missing field itself',
    obj: role({ mfaRequired: undefined }),
    want: ['error schema.required /spec/mfaRequired'],
    says: ['spec.mfaRequired is required', 'boolean'],
  },
  {
    name: 'MissingSpec',
    reason: 'spec is required by the CRD',
    obj: { apiVersion: 'rolegate.io/v1alpha1', kind: 'PrivilegedRole', metadata: { name: 'x' } },
    want: ['error schema.required /spec'],
  },
  {
    name: 'MissingMetadata',
    reason: 'Kubernetes requires metadata.name; the CRD leaves it implicit',
    obj: { apiVersion: 'rolegate.io/v1alpha1', kind: 'PrivilegedRole', spec: role()['spec'] },
    want: ['error schema.required /metadata'],
  },
  {
    name: 'MissingName',
    reason: 'metadata without a name',
    obj: role({}, { name: undefined }),
    want: ['error schema.required /metadata/name'],
  },
  {
    name: 'UnknownField',
    reason: 'unknown fields are errors (the API server would prune them), with a did-you-mean',
    obj: role({ mfaRequred: true }),
    want: ['error schema.additionalProperties /spec/mfaRequred'],
    says: ['spec.mfaRequred is not a field of spec', 'did you mean mfaRequired?'],
  },
  {
    name: 'UnknownTopLevelField',
    reason: 'the root is closed too',
    obj: role({}, {}, { sepc: {} }),
    want: ['error schema.additionalProperties /sepc'],
  },
  {
    name: 'UnknownMetadataField',
    reason: 'ObjectMeta is closed: a misspelt labels would be dropped',
    obj: role({}, { lables: { a: 'b' } }),
    want: ['error schema.additionalProperties /metadata/lables'],
  },
  {
    name: 'WrongType',
    reason: 'mfaRequired must be a boolean; the message says what was found',
    obj: role({ mfaRequired: 'true' }),
    want: ['error schema.type /spec/mfaRequired'],
    says: ['must be a boolean', 'got the string "true"', 'remove the quotes'],
  },
  {
    name: 'BadEnum',
    reason: 'enum values are case-sensitive, with a suggestion',
    obj: role({ enforcement: 'enforce' }),
    want: ['error schema.enum /spec/enforcement'],
    says: ['must be one of Enforce, Audit', 'did you mean Enforce?'],
  },
  {
    name: 'BadGuid',
    reason: 'role.id must be a GUID, explained in words',
    obj: role({ role: { id: 'not-a-guid' } }),
    want: ['error schema.pattern /spec/role/id'],
    says: ['spec.role.id must be a GUID'],
  },
  {
    name: 'BadScope',
    reason: 'scope must start with /',
    obj: role({ scope: 'subscriptions/1' }),
    want: ['error schema.pattern /spec/scope'],
  },
  {
    name: 'EmptyProviderRef',
    reason: 'minLength 1 reads as "must not be empty"',
    obj: role({ providerRef: { name: '' } }),
    want: ['error schema.minLength /spec/providerRef/name'],
    says: ['must not be empty'],
  },
  {
    name: 'RoleBoth',
    reason: 'CEL: exactly one of id and displayName (both set)',
    obj: role({
      role: { id: '62e90394-69f5-4237-9190-012177145e10', displayName: 'Global Administrator' },
    }),
    want: ['error cel.role-exactly-one /spec/role'],
    says: ['Exactly one of spec.role.id or spec.role.displayName must be set', 'both are set'],
  },
  {
    name: 'RoleNeither',
    reason: 'CEL: exactly one of id and displayName (none set)',
    obj: role({ role: { clientId: 'app' } }),
    want: ['error cel.role-exactly-one /spec/role'],
    says: ['neither is set'],
  },
  {
    name: 'GroupAccess',
    reason: 'a PIM for Groups access (spec.group) stands in for spec.role',
    obj: groupRole({ displayName: 'Tier0 Security Operators', access: 'member' }),
    want: [],
  },
  {
    name: 'RoleAndGroup',
    reason: 'CEL: exactly one of role and group (both set)',
    obj: role({ group: { id: GROUP_ID, access: 'owner' } }),
    want: ['error cel.role-or-group /spec'],
    says: ['Exactly one of spec.role or spec.group must be set', 'both are set'],
  },
  {
    name: 'GroupWithScope',
    reason: 'CEL: a group policy belongs to the group; an Azure scope has no meaning there',
    obj: groupRole({ id: GROUP_ID, access: 'member' }, { scope: '/subscriptions/1' }),
    want: ['error cel.group-scope /spec'],
    says: ['spec.scope does not apply to spec.group'],
  },
  {
    name: 'GroupNeither',
    reason: 'CEL: exactly one of group.id and group.displayName (none set)',
    obj: groupRole({ access: 'member' }),
    want: ['error cel.group-exactly-one /spec/group'],
    says: ['neither is set'],
  },
  {
    name: 'GroupAccessUnknown',
    reason: 'access is member or owner, as PIM for Groups names them',
    obj: groupRole({ id: GROUP_ID, access: 'Member' }),
    want: ['error schema.enum /spec/group/access'],
  },
  {
    name: 'AuthContextWithoutId',
    reason: 'CEL: AuthenticationContext needs an id',
    obj: role({ mfa: { mechanism: 'AuthenticationContext' } }),
    want: ['error cel.auth-context-id /spec/mfa'],
    says: [
      'Field spec.mfa.authenticationContextId is required when spec.mfa.mechanism is AuthenticationContext',
    ],
  },
  {
    name: 'ProviderNeither',
    reason: 'CEL: entra XOR keycloak (none)',
    obj: { ...entra(), spec: { resyncInterval: '5m' } },
    want: ['error cel.provider-exactly-one /spec'],
  },
  {
    name: 'ProviderBoth',
    reason: 'CEL: entra XOR keycloak (both)',
    obj: {
      ...entra(),
      spec: { ...(entra()['spec'] as Obj), keycloak: (keycloak()['spec'] as Obj)['keycloak'] },
    },
    want: ['error cel.provider-exactly-one /spec'],
  },
  {
    name: 'ClientSecretWithoutRef',
    reason: 'CEL: ClientSecret needs clientSecretRef',
    obj: entra({ graphBaseUrl: undefined, credentials: { type: 'ClientSecret', clientId: 'x' } }),
    want: ['error cel.client-secret-ref /spec/entra/credentials'],
  },
  {
    name: 'EmulatorNotLoopback',
    reason: 'the emulator token must never reach a real Graph endpoint',
    obj: entra({ graphBaseUrl: 'https://graph.microsoft.com' }),
    want: ['error semantic.emulator-loopback /spec/entra/graphBaseUrl'],
  },
  {
    name: 'EmulatorLocalhost',
    reason: 'localhost is loopback',
    obj: entra({ graphBaseUrl: 'http://localhost:8943' }),
    want: [],
  },
  {
    name: 'BadDuration',
    reason: 'resyncInterval is a Go duration, not ISO 8601',
    obj: entra({}, { resyncInterval: 'PT5M' }),
    want: ['error schema.pattern /spec/resyncInterval'],
    says: ['a duration such as 5m'],
  },
  {
    name: 'ZeroResync',
    reason: 'a zero resync interval would read the provider in a tight loop (CEL minimum)',
    obj: entra({}, { resyncInterval: '0s' }),
    want: ['error cel.resync-minimum /spec'],
    says: ['resyncInterval must be at least 1s', 'got 0s'],
  },
  {
    name: 'MillisecondResync',
    reason: 'below the minimum in milliseconds is refused too',
    obj: entra({}, { resyncInterval: '999ms' }),
    want: ['error cel.resync-minimum /spec'],
  },
  {
    name: 'MinimumResync',
    reason: 'exactly the minimum is accepted',
    obj: entra({}, { resyncInterval: '1s' }),
    want: [],
  },
  {
    name: 'OtherVersion',
    reason: 'another rolegate.io version is an error, not ignored',
    obj: { ...role(), apiVersion: 'rolegate.io/v1beta1' },
    want: ['error api.version /apiVersion'],
    says: ['Field apiVersion must be rolegate.io/v1alpha1', 'rolegate.io/v1beta1 is not served'],
  },
  {
    name: 'UnknownKind',
    reason: 'a misspelt kind in the rolegate group',
    obj: { ...role(), kind: 'PrivilegedRoel' },
    want: ['error schema.kind /kind'],
    says: ['did you mean PrivilegedRole?'],
  },
  {
    name: 'BadName',
    reason: 'metadata.name must be a DNS-1123 subdomain',
    obj: role({}, { name: 'Global_Admin' }),
    want: ['error metadata.name /metadata/name'],
  },
  {
    name: 'BadNamespace',
    reason: 'metadata.namespace must be a DNS-1123 label (no dots)',
    obj: role({}, { namespace: 'my.ns' }),
    want: ['error metadata.namespace /metadata/namespace'],
  },
  {
    name: 'NamespaceOnClusterScoped',
    reason: 'IdentityProvider is cluster-scoped: a namespace is ignored',
    obj: entra({}, {}, { namespace: 'identity' }),
    want: ['warning metadata.namespace-ignored /metadata/namespace'],
  },
  {
    name: 'AnnotationNotString',
    reason: 'annotation values must be strings (rolegate.io/paused: true unquoted)',
    obj: role({}, { annotations: { 'rolegate.io/paused': true } }),
    want: ['error schema.type /metadata/annotations/rolegate.io~1paused'],
    says: ['metadata.annotations["rolegate.io/paused"] must be a string'],
  },
  {
    name: 'BadReconcileInterval',
    reason: 'the reconcile-interval annotation must be a duration',
    obj: role({}, { annotations: { 'rolegate.io/reconcile-interval': 'often' } }),
    want: ['error metadata.annotation /metadata/annotations/rolegate.io~1reconcile-interval'],
  },
  {
    name: 'ShortReconcileInterval',
    reason: 'the reconcile-interval annotation has the same minimum as resyncInterval',
    obj: role({}, { annotations: { 'rolegate.io/reconcile-interval': '1ms' } }),
    want: ['error metadata.annotation /metadata/annotations/rolegate.io~1reconcile-interval'],
    says: ['must be at least 1s'],
  },
  {
    name: 'BadLabel',
    reason: 'label values are limited like Kubernetes',
    obj: role({}, { labels: { tier: 'zero!' } }),
    want: ['error metadata.labels /metadata/labels/tier'],
  },
  {
    name: 'MfaIgnored',
    reason: 'mfa with mfaRequired false has no effect',
    obj: role({ mfaRequired: false, mfa: { mechanism: 'MultiFactorAuthentication' } }),
    want: ['warning semantic.mfa-ignored /spec/mfa'],
  },
  {
    name: 'InsecureTls',
    reason: 'insecureSkipVerify is for tests only',
    obj: keycloak({ tls: { insecureSkipVerify: true } }),
    want: ['warning semantic.insecure-tls /spec/keycloak/tls/insecureSkipVerify'],
  },
  {
    name: 'KeycloakCaRefs',
    reason: 'a CA from a Secret and from a ConfigMap, each with name and key, is a valid spec',
    obj: keycloak({
      tls: {
        caSecretRef: { name: 'sso-ca', key: 'ca.crt' },
        caConfigMapRef: { name: 'bundle', namespace: 'cert-manager', key: 'trust.pem' },
      },
    }),
    want: [],
  },
  {
    name: 'KeycloakCaRefWithoutKey',
    reason: 'a CA reference names the key that holds the PEM',
    obj: keycloak({ tls: { caConfigMapRef: { name: 'bundle' } } }),
    want: ['error schema.required /spec/keycloak/tls/caConfigMapRef/key'],
  },
  {
    name: 'KeycloakCaRefEmptyName',
    reason: 'an empty ConfigMap or Secret name refers to nothing',
    obj: keycloak({ tls: { caSecretRef: { name: '', key: 'ca.crt' } } }),
    want: ['error schema.minLength /spec/keycloak/tls/caSecretRef/name'],
  },
  {
    name: 'StatusConditionsDuplicate',
    reason: "status is rolegate's to write: even duplicate conditions are not the author's problem",
    obj: role(
      {},
      {},
      {
        status: {
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'InSync',
              message: '',
              lastTransitionTime: '2026-01-01T00:00:00Z',
            },
            {
              type: 'Ready',
              status: 'False',
              reason: 'X',
              message: '',
              lastTransitionTime: '2026-01-01T00:00:00Z',
            },
          ],
        },
      },
    ),
    want: [],
  },
  {
    name: 'StatusBadTime',
    reason: 'status is ignored: a copied object with odd status still validates',
    obj: role(
      {},
      {},
      {
        status: {
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'InSync',
              message: '',
              lastTransitionTime: 'yesterday',
            },
          ],
        },
      },
    ),
    want: [],
  },
];

const strip = (o: unknown): unknown => JSON.parse(JSON.stringify(o)) as unknown; // drops undefined fields

describe('validateObject', () => {
  it.each(cases)('$name: $reason', ({ obj, want, says }) => {
    const got = validateObject(strip(obj));
    expect(got.map((p) => `${p.severity} ${p.rule} ${p.pointer}`).sort()).toEqual([...want].sort());
    for (const s of says ?? []) expect(got[0]?.message).toContain(s);
    for (const p of got) {
      expect(p.message.length).toBeGreaterThan(10);
      // House style: capitalised, no trailing period, deterministic.
      expect(p.message, 'capitalised').toMatch(/^[A-Z]/);
      expect(p.message, 'no trailing period').not.toMatch(/\.$/);
      expect(VALIDATION_RULES[p.rule], `rule ${p.rule} is in the catalog`).toBeDefined();
    }
  });

  it('is deterministic', () => {
    for (const c of cases)
      expect(validateObject(strip(c.obj))).toEqual(validateObject(strip(c.obj)));
  });

  it('does not mutate its input', () => {
    const obj = strip(role({ mfaRequired: 'yes' }));
    const copy = JSON.stringify(obj);
    validateObject(obj);
    expect(JSON.stringify(obj)).toBe(copy);
  });
});

describe('CEL rules', () => {
  // Read crds/ directly (not generated.ts), so a new rule in a CRD fails here even before regeneration.
  const fromCrds: { file: string; message: string; rule: string }[] = [];
  const walk = (file: string, node: unknown): void => {
    if (Array.isArray(node)) node.forEach((n) => walk(file, n));
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'x-kubernetes-validations')
          for (const r of v as { rule: string; message: string }[]) fromCrds.push({ file, ...r });
        else walk(file, v);
      }
    }
  };
  for (const f of readdirSync('crds').filter((n) => n.endsWith('.yaml')))
    walk(f, parse(readFileSync(`crds/${f}`, 'utf8')));

  it('crds/ has rules to check', () => {
    expect(fromCrds.length).toBeGreaterThanOrEqual(4);
  });

  it.each(fromCrds)(
    '$file: "$message" has a TypeScript counterpart with the same CEL',
    ({ message, rule }) => {
      const ts = CEL_RULES.find((r) => r.message === message);
      expect(ts, `add a CelRule for "${message}" to src/api/validate.ts`).toBeDefined();
      expect(ts?.cel).toBe(rule);
    },
  );

  it('every TypeScript rule matches a rule in crds/ (no stale counterparts)', () => {
    for (const r of CEL_RULES) expect(fromCrds.map((c) => c.message)).toContain(r.message);
  });

  it('the generated schemas carry the same rules as crds/', () => {
    expect(
      celRulesInSchemas()
        .map((r) => r.message)
        .sort(),
    ).toEqual(fromCrds.map((r) => r.message).sort());
  });
});

describe('pointers', () => {
  it.each([
    { reason: 'plain path', pointer: '/spec/role/id', path: 'spec.role.id' },
    {
      reason: 'array index',
      pointer: '/status/conditions/0/type',
      path: 'status.conditions[0].type',
    },
    {
      reason: 'escaped slash in a key',
      pointer: '/metadata/annotations/rolegate.io~1paused',
      path: 'metadata.annotations["rolegate.io/paused"]',
    },
    { reason: 'root', pointer: '', path: '(the object)' },
  ])('$reason: $pointer', ({ pointer, path }) => {
    expect(fieldPath(pointer)).toBe(path);
    expect(joinPointer(splitPointer(pointer))).toBe(pointer);
  });

  it('escapes ~ before /', () => {
    expect(joinPointer(['a~/b'])).toBe('/a~0~1b');
    expect(splitPointer('/a~0~1b')).toEqual(['a~/b']);
  });
});
