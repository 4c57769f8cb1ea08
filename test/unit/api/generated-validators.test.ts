// generated-validators.ts is ajv's standalone code for the enforced schemas, generated at build time so that
// `rolegate validate` does not compile them at every start. It must be up to date with validation/ and crds/,
// and must judge every object exactly as the validators ajv compiles at run time (same errors, same order).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { createValidators } from '../../../src/api/v1alpha1/generated-validators.js';
import { createAjv, validatorsModuleSource } from '../../../src/api/validation/codegen.js';
import type { Kind } from '../../../src/api/validation/problem.js';
import { enforcedSchemas } from '../../../src/api/validation/schema.js';
import { VALIDATOR_RUNTIME } from '../../../src/api/validation/validator-runtime.js';

const FILE = join(process.cwd(), 'src/api/v1alpha1/generated-validators.ts');

describe('generated-validators.ts', () => {
  it('is what scripts/generate-validators.mjs generates now (else: npm run generate)', async () => {
    const config = (await prettier.resolveConfig(FILE)) ?? {};
    const want = await prettier.format(await validatorsModuleSource(), {
      ...config,
      parser: 'typescript',
    });
    expect(readFileSync(FILE, 'utf8')).toBe(want);
  });

  it('needs no module at run time: everything it calls is passed in', () => {
    const text = readFileSync(FILE, 'utf8');
    expect(text).not.toMatch(/\brequire\(/);
    expect(text.match(/^import .*$/gm)).toEqual([
      "import type { CompiledValidator, ValidatorRuntime } from '../validation/runtime-types.js';",
    ]);
  });
});

const role = (spec: Record<string, unknown>, meta: Record<string, unknown> = {}) => ({
  apiVersion: 'rolegate.io/v1alpha1',
  kind: 'PrivilegedRole',
  metadata: { name: 'r', namespace: 'n', ...meta },
  spec: {
    providerRef: { name: 'p' },
    role: { id: '62e90394-69f5-4237-9190-012177145e10' },
    mfaRequired: true,
    ...spec,
  },
});
const provider = (spec: Record<string, unknown>) => ({
  apiVersion: 'rolegate.io/v1alpha1',
  kind: 'IdentityProvider',
  metadata: { name: 'p' },
  spec,
});
const entra = { tenantId: 't', credentials: { type: 'Environment' } };

const cases: { name: string; reason: string; kind: Kind; obj: unknown }[] = [
  { name: 'ValidRole', reason: 'no errors', kind: 'PrivilegedRole', obj: role({}) },
  {
    name: 'ValidProvider',
    reason: 'no errors',
    kind: 'IdentityProvider',
    obj: provider({ entra }),
  },
  { name: 'NotObject', reason: 'the root type', kind: 'PrivilegedRole', obj: 'text' },
  {
    name: 'Types',
    reason: 'wrong types, several at once (allErrors)',
    kind: 'PrivilegedRole',
    obj: role({ mfaRequired: 'yes', scope: 3, providerRef: [] }),
  },
  {
    name: 'Required',
    reason: 'missing required fields at several levels',
    kind: 'PrivilegedRole',
    obj: { apiVersion: 'rolegate.io/v1alpha1', kind: 'PrivilegedRole', spec: { role: {} } },
  },
  {
    name: 'Additional',
    reason: 'unknown fields, closed objects and ObjectMeta',
    kind: 'PrivilegedRole',
    obj: role({ mfaRequred: true }, { uid: 1, extra: 'x' }),
  },
  {
    name: 'EnumPattern',
    reason: 'enum and pattern errors',
    kind: 'PrivilegedRole',
    obj: role({ enforcement: 'enforce', scope: 'x', role: { id: 'not-a-guid' } }),
  },
  {
    name: 'Cel',
    reason: 'the CEL keyword: both ids, and a context id missing',
    kind: 'PrivilegedRole',
    obj: role({
      role: { id: '62e90394-69f5-4237-9190-012177145e10', displayName: 'x' },
      mfa: { mechanism: 'AuthenticationContext' },
    }),
  },
  {
    name: 'Lengths',
    reason: 'minLength and maxLength count code points (ajv’s ucs2length), not UTF-16 units',
    kind: 'PrivilegedRole',
    obj: role({ providerRef: { name: '😀'.repeat(253) } }),
  },
  {
    name: 'Empty',
    reason: 'minLength',
    kind: 'PrivilegedRole',
    obj: role({ providerRef: { name: '' } }),
  },
  {
    name: 'TooLong',
    reason: 'maxLength exceeded',
    kind: 'PrivilegedRole',
    obj: role({ providerRef: { name: 'x'.repeat(254) } }),
  },
  {
    name: 'ProviderCel',
    reason: 'the CEL rules of IdentityProvider: both backends, a secret missing',
    kind: 'IdentityProvider',
    obj: provider({
      entra: { tenantId: 't', credentials: { type: 'ClientSecret' } },
      keycloak: { url: 'https://k', realm: 'r' },
    }),
  },
  {
    name: 'ListSet',
    reason: 'the list-type keyword: duplicate entries of a set',
    kind: 'IdentityProvider',
    obj: provider({ entra: { ...entra, azureRbac: { scopes: ['/a', '/b', '/a', '/a'] } } }),
  },
];

describe('generated validators judge as ajv compiled at run time', () => {
  const generated = createValidators(VALIDATOR_RUNTIME);
  it.each(cases)('$name: $reason', async ({ kind, obj }) => {
    const compiled = (await createAjv()).compile(enforcedSchemas()[kind]);
    const want = compiled(obj);
    const wantErrors = structuredClone(compiled.errors);
    expect(generated[kind](obj)).toBe(want);
    expect(generated[kind].errors).toEqual(wantErrors);
  });

  it('the table covers every keyword that reports', async () => {
    const keywords = new Set<string>();
    for (const c of cases) {
      generated[c.kind](c.obj);
      for (const e of generated[c.kind].errors ?? []) keywords.add(e.keyword);
    }
    expect([...keywords].sort()).toEqual([
      'additionalProperties',
      'enum',
      'maxLength',
      'minLength',
      'pattern',
      'required',
      'type',
      'x-kubernetes-list-type',
      'x-kubernetes-validations',
    ]);
  });
});
