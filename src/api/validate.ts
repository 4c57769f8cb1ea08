// Pure. Validates one rolegate object the way the API server would, without a cluster: the openAPIV3Schema of
// crds/ (through generated.ts, never a second copy) compiled with ajv, the CRD's CEL rules re-expressed in
// TypeScript, the ObjectMeta rules Kubernetes applies itself, and a few semantic checks the controller would
// otherwise only report at reconcile time. Every problem names the field (an RFC 6901 pointer and a dotted
// path in the message) and says what is expected, so CI output can be acted on without reading the CRD.
//
// The schemas are compiled at build time, not at run time: generated-validators.ts is ajv's standalone code
// for them (scripts/generate-validators.mjs, checked by `npm run check`), the very code ajv would compile here.
// Importing ajv and compiling both schemas cost ~90 ms of every `rolegate validate`; ajv itself is now loaded
// only by the generator and the tests (createAjv).
import type { Ajv, ErrorObject, SchemaValidateFunction } from 'ajv';
import type { FormatsPlugin } from 'ajv-formats';
import ucs2lengthModule from 'ajv/dist/runtime/ucs2length.js';
import { createValidators } from './v1alpha1/generated-validators.js';
import { identityProviderSchema, privilegedRoleSchema } from './v1alpha1/generated.js';
import {
  API_VERSION,
  GROUP,
  PAUSED_ANNOTATION,
  RECONCILE_INTERVAL_ANNOTATION,
} from './v1alpha1/types.js';
import { parseDuration } from './duration.js';

/** How bad a problem is: errors make an object invalid, warnings do not (unless a CI run is strict). */
export type Severity = 'error' | 'warning';

/** One problem of one object. */
export interface ValidationProblem {
  /** RFC 6901 pointer into the object, such as `/spec/role/id`; `''` is the whole object. */
  pointer: string;
  /** A stable rule id, such as `schema.required` or `cel.role-exactly-one`; safe to match on in scripts. */
  rule: string;
  severity: Severity;
  /** Names the field (as a dotted path) and says what is expected. */
  message: string;
}

/** The kinds this validator knows. */
export const KINDS = ['PrivilegedRole', 'IdentityProvider'] as const;
/** A kind this validator knows. */
export type Kind = (typeof KINDS)[number];

/**
 * One `x-kubernetes-validations` rule of crds/, re-expressed in TypeScript. The CRD message is the join key:
 * a unit test fails when a rule in crds/ has no entry here (or an entry here matches no rule in crds/).
 */
export interface CelRule {
  /** The rule id in problems, `cel.<name>`. */
  id: string;
  /** The rule's `message`, exactly as in crds/. */
  message: string;
  /** The CEL expression it mirrors, for the reader (not evaluated). */
  cel: string;
  /** True when `self` (the object the rule is attached to) satisfies the rule. */
  check(self: Record<string, unknown>): boolean;
  /** What is wrong, appended to the message when the rule fails. */
  explain?(self: Record<string, unknown>): string;
  /**
   * The problem's message, given the dotted path of the object the rule is attached to. The CRD message names
   * fields relative to an ancestor (`role.id`); users need the full path (`spec.role.id`).
   */
  describe(at: string): string;
}

const has = (o: Record<string, unknown>, k: string): boolean => o[k] !== undefined;

/** The CEL rules of crds/, in TypeScript. */
export const CEL_RULES: readonly CelRule[] = [
  {
    id: 'cel.role-exactly-one',
    message: 'exactly one of role.id or role.displayName must be set',
    cel: 'has(self.id) != has(self.displayName)',
    check: (self) => has(self, 'id') !== has(self, 'displayName'),
    explain: (self) => (has(self, 'id') ? 'both are set; keep one' : 'neither is set'),
    describe: (at) => `Exactly one of ${at}.id or ${at}.displayName must be set`,
  },
  {
    id: 'cel.auth-context-id',
    message: 'mfa.authenticationContextId is required when mfa.mechanism is AuthenticationContext',
    cel: "self.mechanism != 'AuthenticationContext' || has(self.authenticationContextId)",
    check: (self) =>
      self['mechanism'] !== 'AuthenticationContext' || has(self, 'authenticationContextId'),
    describe: (at) =>
      `Field ${at}.authenticationContextId is required when ${at}.mechanism is AuthenticationContext: a context id such as c1`,
  },
  {
    id: 'cel.provider-exactly-one',
    message: 'exactly one of entra or keycloak must be set',
    cel: '(has(self.entra) ? 1 : 0) + (has(self.keycloak) ? 1 : 0) == 1',
    check: (self) => (has(self, 'entra') ? 1 : 0) + (has(self, 'keycloak') ? 1 : 0) === 1,
    explain: (self) => (has(self, 'entra') ? 'both are set; keep one' : 'neither is set'),
    describe: (at) => `Exactly one of ${at}.entra or ${at}.keycloak must be set`,
  },
  {
    id: 'cel.client-secret-ref',
    message: 'credentials.clientSecretRef is required for type ClientSecret',
    cel: "self.type != 'ClientSecret' || has(self.clientSecretRef)",
    check: (self) => self['type'] !== 'ClientSecret' || has(self, 'clientSecretRef'),
    describe: (at) =>
      `Field ${at}.clientSecretRef is required when ${at}.type is ClientSecret: a mapping with name and key of a Secret`,
  },
];

/** Rule ids and one-line descriptions of every problem validateObject reports (for SARIF and docs). */
export const VALIDATION_RULES: Readonly<Record<string, string>> = {
  'schema.type': 'A field has the wrong type.',
  'schema.required': 'A required field is missing.',
  'schema.additionalProperties':
    'A field the schema does not define (the API server would prune or reject it).',
  'schema.enum': 'A field is not one of its allowed values.',
  'schema.pattern': 'A string does not match its pattern.',
  'schema.minLength': 'A string is too short.',
  'schema.maxLength': 'A string is too long.',
  'schema.format': 'A string is not in its format (such as date-time).',
  'schema.minimum': 'A number is below its minimum.',
  'schema.list-type': 'A list with x-kubernetes-list-type set or map has duplicate entries.',
  'api.version': 'The apiVersion is not rolegate.io/v1alpha1.',
  'schema.kind': 'The kind is not a rolegate kind.',
  'metadata.name': 'metadata.name is not a DNS-1123 subdomain.',
  'metadata.namespace': 'metadata.namespace is not a DNS-1123 label.',
  'metadata.namespace-ignored': 'A cluster-scoped object names a namespace, which is ignored.',
  'metadata.labels': 'A label key or value is not valid in Kubernetes.',
  'metadata.annotation': 'A rolegate annotation has a value rolegate does not understand.',
  ...Object.fromEntries(CEL_RULES.map((r) => [r.id, `CRD rule: ${r.message}.`])),
  'semantic.emulator-loopback':
    'Emulator credentials are accepted only with a loopback graphBaseUrl.',
  'semantic.mfa-ignored': 'An mfa setting has no effect with the rest of the spec.',
  'semantic.insecure-tls': 'TLS verification is turned off.',
  'semantic.ignored-field': 'A field is ignored with the other settings of the object.',
};

// ---------------------------------------------------------------------------------------------------------
// Schema compilation

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * ObjectMeta is not in the CRD (Kubernetes validates it natively, and CRDs leave it as a bare `type: object`),
 * so rolegate states the fields a manifest may carry here. Read-only fields from `kubectl get -o yaml` are
 * allowed so that a copied object still validates.
 */
const OBJECT_META_SCHEMA: Json = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: { type: 'string' },
    namespace: { type: 'string' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
    finalizers: { type: 'array', items: { type: 'string' } },
    generateName: { type: 'string' },
    uid: { type: 'string' },
    resourceVersion: { type: 'string' },
    generation: { type: 'integer' },
    creationTimestamp: { type: 'string', nullable: true },
    deletionTimestamp: { type: 'string', nullable: true },
    deletionGracePeriodSeconds: { type: 'integer' },
    ownerReferences: { type: 'array', items: { type: 'object' } },
    managedFields: { type: 'array', items: { type: 'object' } },
    selfLink: { type: 'string' },
  },
};

/**
 * Translates a structural CRD schema into what ajv should enforce: objects with `properties` are closed
 * (`additionalProperties: false`) unless they preserve unknown fields, because the API server prunes unknown
 * fields (or rejects them with fieldValidation=Strict) and a silently pruned typo such as `mfaRequred` would
 * leave the role without MFA. `metadata` gets the ObjectMeta schema above.
 */
function structural(node: unknown, top: boolean): unknown {
  if (Array.isArray(node)) return node.map((n) => structural(n, false));
  if (!isObject(node)) return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    // `properties` and `x-kubernetes-*` hold data, not schemas, only for their own keys: recurse per entry.
    if (k === 'properties' && isObject(v)) {
      out[k] = Object.fromEntries(
        Object.entries(v).map(([pk, pv]) => [
          pk,
          // status is rolegate's to write, never the author's: accept whatever a copied object carries.
          top && pk === 'metadata'
            ? OBJECT_META_SCHEMA
            : top && pk === 'status'
              ? {}
              : structural(pv, false),
        ]),
      );
    } else if (k === 'x-kubernetes-validations' || k === 'enum' || k === 'required') {
      out[k] = v;
    } else {
      out[k] = structural(v, false);
    }
  }
  // Kubernetes requires metadata (with a name) on every object; the CRD leaves that to the API server.
  if (top)
    out['required'] = [
      ...new Set([...((out['required'] as string[] | undefined) ?? []), 'metadata']),
    ];
  if (
    out['type'] === 'object' &&
    isObject(out['properties']) &&
    out['additionalProperties'] === undefined &&
    out['x-kubernetes-preserve-unknown-fields'] !== true
  ) {
    out['additionalProperties'] = false;
  }
  return out;
}

const celByMessage = new Map(CEL_RULES.map((r) => [r.message, r]));

interface CelSchemaEntry {
  rule: string;
  message: string;
}

/** The ajv keyword that runs the TypeScript counterpart of each CEL rule where the CRD attaches it. */
const celKeyword: SchemaValidateFunction = (schema: CelSchemaEntry[], data: unknown) => {
  if (!isObject(data)) return true;
  const errors: Partial<ErrorObject>[] = [];
  for (const entry of schema) {
    const impl = celByMessage.get(entry.message);
    // A rule without a counterpart is caught by the unit test that compares crds/ with CEL_RULES.
    if (impl && !impl.check(data)) {
      errors.push({
        keyword: 'x-kubernetes-validations',
        message: entry.message,
        params: { rule: impl.id, explain: impl.explain ? impl.explain(data) : undefined },
      });
    }
  }
  celKeyword.errors = errors;
  return errors.length === 0;
};

/** `x-kubernetes-list-type: set|map` uniqueness, which ajv does not know. */
const listTypeKeyword: SchemaValidateFunction = (
  listKind: string,
  data: unknown,
  parentSchema?: Json,
) => {
  if (!Array.isArray(data) || (listKind !== 'set' && listKind !== 'map')) return true;
  const keys = listKind === 'map' ? (parentSchema?.['x-kubernetes-list-map-keys'] as string[]) : [];
  const seen = new Map<string, number>();
  const errors: Partial<ErrorObject>[] = [];
  data.forEach((item, i) => {
    const id =
      listKind === 'set'
        ? JSON.stringify(item)
        : JSON.stringify(keys.map((k) => (isObject(item) ? item[k] : undefined)));
    const first = seen.get(id);
    if (first === undefined) seen.set(id, i);
    else {
      errors.push({
        keyword: 'x-kubernetes-list-type',
        message: `entry ${i} duplicates entry ${first}${listKind === 'map' ? ` (same ${keys.join(', ')})` : ''}`,
        params: { index: i, first },
      });
    }
  });
  listTypeKeyword.errors = errors;
  return errors.length === 0;
};

/** The JSON Schemas ajv enforces (the CRD schemas made structural), for the tests and the generator. */
export function enforcedSchemas(): Record<Kind, Json> {
  return {
    PrivilegedRole: structural(privilegedRoleSchema, true) as Json,
    IdentityProvider: structural(identityProviderSchema, true) as Json,
  };
}

/** The ajv options the validators are compiled with. */
const AJV_OPTIONS = {
  // strict: an unknown keyword or format in crds/ must fail loudly here, not pass silently.
  // strictTypes off: the CRD dialect leaves `type` implicit in places ajv would complain about.
  // verbose: errors carry the failing schema and data, used to say what is expected and what was found.
  allErrors: true,
  strict: true,
  strictTypes: false,
  verbose: true,
} as const;

/**
 * An ajv instance with rolegate's keywords, for the generator of generated-validators.ts and for the tests.
 * `validateSchema` checks the schemas against the JSON Schema meta-schema (only the tests do: the schemas come
 * from crds/ and do not change at run time); `source` keeps the generated code, for standalone code. Loads
 * ajv on first use: validateObject does not need it.
 */
export async function createAjv(
  opts: { validateSchema?: boolean; source?: boolean } = {},
): Promise<Ajv> {
  const [{ Ajv: AjvClass }, formatsModule] = await Promise.all([
    import('ajv'),
    import('ajv-formats'),
  ]);
  const ajv = new AjvClass({
    ...AJV_OPTIONS,
    validateSchema: opts.validateSchema ?? false,
    ...(opts.source === true ? { code: { source: true } } : {}),
  });
  // ajv-formats is CommonJS; under NodeNext its default import is the module object.
  const formats = formatsModule.default as unknown as FormatsPlugin | { default: FormatsPlugin };
  const addFormats: FormatsPlugin = typeof formats === 'function' ? formats : formats.default;
  addFormats(ajv, ['date-time', 'int32', 'int64']);
  ajv.addVocabulary([
    'x-kubernetes-list-map-keys',
    'x-kubernetes-map-type',
    'x-kubernetes-int-or-string',
    'x-kubernetes-embedded-resource',
    'x-kubernetes-preserve-unknown-fields',
  ]);
  ajv.addKeyword({
    keyword: 'x-kubernetes-validations',
    type: 'object',
    schemaType: 'array',
    errors: true,
    validate: celKeyword,
  });
  ajv.addKeyword({
    keyword: 'x-kubernetes-list-type',
    type: 'array',
    schemaType: 'string',
    errors: true,
    validate: listTypeKeyword,
  });
  return ajv;
}

/** A compiled validator, as ajv's standalone code defines it: true when valid, else `errors` says why. */
export type CompiledValidator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

// ajv's runtime helper for minLength/maxLength (length in code points). CommonJS: under Node its default
// import is the module object, under the test runner's interop the function itself.
type Ucs2length = (s: string) => number;
const ucs2lengthImport = ucs2lengthModule as unknown as Ucs2length | { default: Ucs2length };
const ucs2length: Ucs2length =
  typeof ucs2lengthImport === 'function' ? ucs2lengthImport : ucs2lengthImport.default;

/**
 * The functions the generated validators call: rolegate's two keywords, and ajv's runtime helper. Passed to
 * createValidators rather than imported by the generated module, which then imports nothing.
 */
export const VALIDATOR_RUNTIME = { celKeyword, listTypeKeyword, ucs2length } as const;

/** What createValidators (the generated module) is given. */
export type ValidatorRuntime = typeof VALIDATOR_RUNTIME;

/**
 * The text of generated-validators.ts before formatting: ajv's standalone code for both enforced schemas,
 * wrapped in `createValidators(runtime)`. Used by scripts/generate-validators.mjs and by the test that checks
 * the file is up to date.
 */
export async function validatorsModuleSource(): Promise<string> {
  const ajv = await createAjv({ source: true });
  const [{ _, Name }, standaloneModule] = await Promise.all([
    import('ajv'),
    import('ajv/dist/standalone/index.js'),
  ]);
  // Standalone code refers to each function it calls through the code registered for it. ajv registers
  // `validate` keywords without code (they cannot be written out), so each runtime function is registered
  // first, under the same reference, as a property of createValidators' parameter; ajv then reuses that name.
  for (const [name, fn] of Object.entries(VALIDATOR_RUNTIME)) {
    ajv.scope.value(name === 'ucs2length' ? 'func' : 'keyword', {
      ref: fn,
      code: _`runtime.${new Name(name)}`,
    });
  }
  const schemas = enforcedSchemas();
  for (const kind of KINDS) ajv.addSchema(schemas[kind], kind);
  type Standalone = (a: Ajv, refs: Record<string, string>) => string;
  const mod = standaloneModule as unknown as { default: Standalone | { default: Standalone } };
  const standaloneCode: Standalone =
    typeof mod.default === 'function' ? mod.default : mod.default.default;
  const code = standaloneCode(ajv, Object.fromEntries(KINDS.map((k) => [k, k])));
  const body = code.replace(/^"use strict";/, '');
  if (/\brequire\(/.test(body)) {
    // A helper ajv would load at run time (a new format or keyword in crds/): register it above.
    throw new Error(`the standalone code needs a module: ${/require\([^)]*\)/.exec(body)?.[0]}`);
  }
  return `// Generated by scripts/generate-validators.mjs from the CRD schemas as validate.ts enforces them: ajv's
// standalone code, the code ajv would otherwise compile at every start. Do not edit; run \`npm run generate\`.
/* eslint-disable */
// @ts-nocheck
import type { CompiledValidator, ValidatorRuntime } from '../validate.js';

/** The validators of ${KINDS.join(' and ')}. */
export function createValidators(
  runtime: ValidatorRuntime,
): Record<${KINDS.map((k) => `'${k}'`).join(' | ')}, CompiledValidator> {
  const exports = {};
  // ajv calls keyword functions with its instance as \`this\`; rolegate's keywords do not use it.
  const self = undefined;
  ${body}
  return exports;
}
`;
}

let compiled: Record<Kind, CompiledValidator> | undefined;

/** Both validators, created on first use. */
function validators(): Record<Kind, CompiledValidator> {
  compiled ??= createValidators(VALIDATOR_RUNTIME);
  return compiled;
}

/** Every CEL rule in the CRD schemas, with the pointer of the schema node it is attached to (for tests). */
export function celRulesInSchemas(): {
  kind: Kind;
  schemaPath: string;
  rule: string;
  message: string;
}[] {
  const out: { kind: Kind; schemaPath: string; rule: string; message: string }[] = [];
  const walk = (kind: Kind, node: unknown, path: string): void => {
    if (Array.isArray(node)) node.forEach((n, i) => walk(kind, n, `${path}/${i}`));
    if (!isObject(node)) return;
    for (const [k, v] of Object.entries(node)) {
      if (k === 'x-kubernetes-validations' && Array.isArray(v)) {
        for (const e of v as CelSchemaEntry[])
          out.push({ kind, schemaPath: path, rule: e.rule, message: e.message });
      } else walk(kind, v, `${path}/${k}`);
    }
  };
  walk('PrivilegedRole', privilegedRoleSchema, '');
  walk('IdentityProvider', identityProviderSchema, '');
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Pointers, paths and wording

/** Escapes one RFC 6901 reference token. */
export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Splits an RFC 6901 pointer into its unescaped tokens. */
export function splitPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Joins tokens into an RFC 6901 pointer. */
export function joinPointer(tokens: readonly (string | number)[]): string {
  return tokens.map((t) => `/${escapePointerToken(String(t))}`).join('');
}

/**
 * A pointer as the dotted path users know from kubectl (`spec.role.id`, `status.conditions[0].type`,
 * `metadata.annotations["rolegate.io/paused"]`).
 */
export function fieldPath(pointer: string): string {
  const tokens = splitPointer(pointer);
  if (tokens.length === 0) return '(the object)';
  let out = '';
  for (const t of tokens) {
    if (/^\d+$/.test(t)) out += `[${t}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(t)) out += out === '' ? t : `.${t}`;
    else out += `[${JSON.stringify(t)}]`;
  }
  return out;
}

/** Describes a value for "got …" in messages. */
function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (isObject(v)) return 'a mapping';
  if (typeof v === 'string')
    return `the string ${JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v)}`;
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'boolean') return `the boolean ${v}`;
  return typeof v;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  boolean: 'a boolean (true or false)',
  integer: 'an integer',
  number: 'a number',
  object: 'a mapping',
  array: 'a list',
};

/** Human hints for the patterns of crds/, keyed by the pattern text. */
const PATTERN_HINTS: Record<string, string> = {
  '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$':
    'a GUID such as 62e90394-69f5-4237-9190-012177145e10',
  '^/': 'a scope starting with "/", such as / or /subscriptions/<id>',
  '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$': 'a duration such as 5m or 1h30m',
  '^https?://': 'an http:// or https:// URL',
  '^https://': 'an https:// URL',
  '^c([1-9]|[1-9][0-9])$': 'an authentication context id c1 to c99',
};

/** Levenshtein distance, for "did you mean". Small inputs only. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The closest candidate when it is close enough to be a typo. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d =
      c.toLowerCase() === word.toLowerCase() ? 0 : distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** Turns one ajv error into a problem. */
function fromAjv(e: ErrorObject): ValidationProblem {
  const at = e.instancePath;
  const p = e.params as Record<string, unknown>;
  const parent = isObject(e.parentSchema) ? e.parentSchema : {};
  switch (e.keyword) {
    case 'required': {
      const name = String(p['missingProperty']);
      const pointer = `${at}/${escapePointerToken(name)}`;
      const sub = isObject(parent['properties']) ? parent['properties'][name] : undefined;
      const type =
        isObject(sub) && typeof sub['type'] === 'string' ? TYPE_WORDS[sub['type']] : undefined;
      return {
        pointer,
        rule: 'schema.required',
        severity: 'error',
        message: `${fieldPath(pointer)} is required${type ? `: ${type}` : ''}`,
      };
    }
    case 'additionalProperties': {
      const name = String(p['additionalProperty']);
      const pointer = `${at}/${escapePointerToken(name)}`;
      const known = isObject(parent['properties']) ? Object.keys(parent['properties']) : [];
      const hint = didYouMean(name, known);
      return {
        pointer,
        rule: 'schema.additionalProperties',
        severity: 'error',
        message:
          `${fieldPath(pointer)} is not a field of ${at === '' ? 'the object' : fieldPath(at)}` +
          (hint ? `; did you mean ${hint}?` : '') +
          (known.length ? ` (known fields: ${known.join(', ')})` : '') +
          '; the API server would drop or reject it',
      };
    }
    case 'type': {
      const want = String(p['type']);
      const words = want
        .split(',')
        .map((t) => TYPE_WORDS[t] ?? t)
        .join(' or ');
      let extra = '';
      if (want === 'boolean' && (e.data === 'true' || e.data === 'false'))
        extra = '; remove the quotes';
      return {
        pointer: at,
        rule: 'schema.type',
        severity: 'error',
        message: `${fieldPath(at)} must be ${words}, got ${describe(e.data)}${extra}`,
      };
    }
    case 'enum': {
      const allowed = (p['allowedValues'] as unknown[]).map(String);
      const hint = typeof e.data === 'string' ? didYouMean(e.data, allowed) : undefined;
      return {
        pointer: at,
        rule: 'schema.enum',
        severity: 'error',
        message: `${fieldPath(at)} must be one of ${allowed.join(', ')}, got ${describe(e.data)}${hint ? `; did you mean ${hint}?` : ''}`,
      };
    }
    case 'pattern': {
      const pattern = String(p['pattern']);
      const hint = PATTERN_HINTS[pattern];
      return {
        pointer: at,
        rule: 'schema.pattern',
        severity: 'error',
        message: `${fieldPath(at)} must be ${hint ?? `a string matching ${pattern}`}, got ${describe(e.data)}${hint ? ` (pattern ${pattern})` : ''}`,
      };
    }
    case 'minLength':
    case 'maxLength': {
      const limit = Number(p['limit']);
      const msg =
        e.keyword === 'minLength'
          ? limit === 1
            ? 'must not be empty'
            : `must be at least ${limit} characters long`
          : `must be at most ${limit} characters long (it has ${typeof e.data === 'string' ? e.data.length : '?'})`;
      return {
        pointer: at,
        rule: `schema.${e.keyword}`,
        severity: 'error',
        message: `${fieldPath(at)} ${msg}`,
      };
    }
    case 'format':
      return {
        pointer: at,
        rule: 'schema.format',
        severity: 'error',
        message: `${fieldPath(at)} must be ${p['format'] === 'date-time' ? 'an RFC 3339 date-time such as 2026-01-31T12:00:00Z' : `in format ${String(p['format'])}`}, got ${describe(e.data)}`,
      };
    case 'minimum':
      return {
        pointer: at,
        rule: 'schema.minimum',
        severity: 'error',
        message: `${fieldPath(at)} must be at least ${String(p['limit'])}, got ${describe(e.data)}`,
      };
    case 'x-kubernetes-validations': {
      const impl = celByMessage.get(e.message ?? '');
      const explain = typeof p['explain'] === 'string' ? ` (${p['explain']})` : '';
      return {
        pointer: at,
        rule: String(p['rule']),
        severity: 'error',
        message: `${impl ? impl.describe(fieldPath(at)) : `${fieldPath(at)}: ${e.message ?? 'CRD validation rule failed'}`}${explain}`,
      };
    }
    case 'x-kubernetes-list-type':
      return {
        pointer: at,
        rule: 'schema.list-type',
        severity: 'error',
        message: `${fieldPath(at)}: ${e.message ?? 'duplicate entries'}`,
      };
    default:
      return {
        pointer: at,
        rule: `schema.${e.keyword}`,
        severity: 'error',
        message: `${fieldPath(at)} ${e.message ?? 'is invalid'}`,
      };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Envelope, metadata and semantic checks

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkMetadata(kind: Kind | undefined, meta: unknown, out: ValidationProblem[]): void {
  if (!isObject(meta)) return; // missing or mistyped metadata is a schema problem
  const name = meta['name'];
  if (typeof name === 'string') {
    if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
      out.push({
        pointer: '/metadata/name',
        rule: 'metadata.name',
        severity: 'error',
        message: `metadata.name must be a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters), got ${describe(name)}`,
      });
    }
  }
  const ns = meta['namespace'];
  if (typeof ns === 'string') {
    if (kind === 'IdentityProvider') {
      out.push({
        pointer: '/metadata/namespace',
        rule: 'metadata.namespace-ignored',
        severity: 'warning',
        message: `metadata.namespace is ignored: IdentityProvider is cluster-scoped; remove it`,
      });
    } else if (ns.length > 63 || !DNS1123_LABEL.test(ns)) {
      out.push({
        pointer: '/metadata/namespace',
        rule: 'metadata.namespace',
        severity: 'error',
        message: `metadata.namespace must be a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters), got ${describe(ns)}`,
      });
    }
  }
  const labels = meta['labels'];
  if (isObject(labels)) {
    for (const [k, v] of Object.entries(labels)) {
      // Only for a problem: most labels are valid, and this runs for every label of every manifest.
      const pointer = (): string => `/metadata/labels/${escapePointerToken(k)}`;
      const slash = k.lastIndexOf('/');
      const prefix = slash < 0 ? undefined : k.slice(0, slash);
      const local = slash < 0 ? k : k.slice(slash + 1);
      const keyOk =
        local.length <= 63 &&
        LABEL_NAME.test(local) &&
        (prefix === undefined || (prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix)));
      if (!keyOk) {
        out.push({
          pointer: pointer(),
          rule: 'metadata.labels',
          severity: 'error',
          message: `label key ${JSON.stringify(k)} is not valid: an optional DNS subdomain prefix and "/", then at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
        });
      }
      if (typeof v === 'string' && (v.length > 63 || !LABEL_VALUE.test(v))) {
        out.push({
          pointer: pointer(),
          rule: 'metadata.labels',
          severity: 'error',
          message: `${fieldPath(pointer())} must be a label value (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit), got ${describe(v)}`,
        });
      }
    }
  }
  const annotations = meta['annotations'];
  if (isObject(annotations)) {
    const paused = annotations[PAUSED_ANNOTATION];
    if (typeof paused === 'string' && paused !== 'true' && paused !== 'false') {
      out.push({
        pointer: `/metadata/annotations/${escapePointerToken(PAUSED_ANNOTATION)}`,
        rule: 'metadata.annotation',
        severity: 'warning',
        message: `${fieldPath(`/metadata/annotations/${escapePointerToken(PAUSED_ANNOTATION)}`)} must be "true" or "false"; only "true" pauses, got ${describe(paused)}`,
      });
    }
    const interval = annotations[RECONCILE_INTERVAL_ANNOTATION];
    if (typeof interval === 'string' && parseDuration(interval) === undefined) {
      const pointer = `/metadata/annotations/${escapePointerToken(RECONCILE_INTERVAL_ANNOTATION)}`;
      out.push({
        pointer,
        rule: 'metadata.annotation',
        severity: 'error',
        message: `${fieldPath(pointer)} must be a duration such as 10m or 1h30m, got ${describe(interval)}`,
      });
    }
  }
}

const LOOPBACK_HOSTS = /^(localhost|.+\.localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

function checkRoleSemantics(spec: Json, out: ValidationProblem[]): void {
  const mfa = spec['mfa'];
  if (spec['mfaRequired'] === false && isObject(mfa)) {
    out.push({
      pointer: '/spec/mfa',
      rule: 'semantic.mfa-ignored',
      severity: 'warning',
      message:
        'spec.mfa is ignored because spec.mfaRequired is false; remove spec.mfa or set mfaRequired: true',
    });
  }
  if (
    isObject(mfa) &&
    mfa['authenticationContextId'] !== undefined &&
    mfa['mechanism'] !== 'AuthenticationContext'
  ) {
    out.push({
      pointer: '/spec/mfa/authenticationContextId',
      rule: 'semantic.mfa-ignored',
      severity: 'warning',
      message: `spec.mfa.authenticationContextId is ignored unless spec.mfa.mechanism is AuthenticationContext (it is ${describe(mfa['mechanism'])})`,
    });
  }
}

function checkProviderSemantics(spec: Json, out: ValidationProblem[]): void {
  const entra = spec['entra'];
  if (isObject(entra) && isObject(entra['credentials'])) {
    const creds = entra['credentials'];
    if (creds['type'] === 'Emulator') {
      const url = entra['graphBaseUrl'];
      let host: string | undefined;
      try {
        host = typeof url === 'string' ? new URL(url).hostname : undefined;
      } catch {
        host = undefined; // a malformed URL is a pattern problem already
      }
      if (host === undefined || !LOOPBACK_HOSTS.test(host)) {
        out.push({
          pointer:
            typeof url === 'string' ? '/spec/entra/graphBaseUrl' : '/spec/entra/credentials/type',
          rule: 'semantic.emulator-loopback',
          severity: 'error',
          message:
            typeof url === 'string'
              ? `spec.entra.graphBaseUrl must be a loopback URL (localhost, 127.0.0.1 or [::1]) with credentials type Emulator, got ${describe(url)}`
              : 'spec.entra.credentials.type Emulator needs spec.entra.graphBaseUrl set to a loopback URL such as http://127.0.0.1:8943',
        });
      }
    }
    if (creds['clientSecretRef'] !== undefined && creds['type'] !== 'ClientSecret') {
      out.push({
        pointer: '/spec/entra/credentials/clientSecretRef',
        rule: 'semantic.ignored-field',
        severity: 'warning',
        message: `spec.entra.credentials.clientSecretRef is ignored with credentials type ${String(creds['type'])}; it is used only with type ClientSecret`,
      });
    }
  }
  const keycloak = spec['keycloak'];
  if (
    isObject(keycloak) &&
    isObject(keycloak['tls']) &&
    keycloak['tls']['insecureSkipVerify'] === true
  ) {
    out.push({
      pointer: '/spec/keycloak/tls/insecureSkipVerify',
      rule: 'semantic.insecure-tls',
      severity: 'warning',
      message:
        'spec.keycloak.tls.insecureSkipVerify turns off certificate verification; use it for tests only (prefer tls.caFile)',
    });
  }
}

const TOP_LEVEL_FIELDS = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status', 'items']);

/**
 * Puts a message into the house style: capitalised, no trailing period. A message that opens with a field
 * path gets "Field " in front instead, because capitalising `spec.role.id` would name a field that does not
 * exist.
 */
export function sentence(message: string): string {
  const m = message.replace(/\.+$/, '');
  const first = /^[^\s:;,]+/.exec(m)?.[0] ?? '';
  if (!/^[a-z]/.test(first)) return m;
  if (TOP_LEVEL_FIELDS.has(first.split(/[.[]/)[0] ?? '')) return `Field ${m}`;
  return first.charAt(0).toUpperCase() + m.slice(1);
}

/** True for a kind this validator knows. */
export function isKind(v: unknown): v is Kind {
  return v === 'PrivilegedRole' || v === 'IdentityProvider';
}

/**
 * Validates one object (a parsed manifest or an object from the API server). Returns every problem, errors
 * and warnings, in a stable order; an empty list means valid. Never throws.
 */
export function validateObject(obj: unknown): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  if (!isObject(obj)) {
    return [
      {
        pointer: '',
        rule: 'schema.type',
        severity: 'error',
        message: `A manifest must be a mapping with apiVersion, kind, metadata and spec, got ${describe(obj)}`,
      },
    ];
  }
  const apiVersion = obj['apiVersion'];
  if (apiVersion === undefined) {
    out.push({
      pointer: '/apiVersion',
      rule: 'schema.required',
      severity: 'error',
      message: `apiVersion is required: ${API_VERSION}`,
    });
  } else if (apiVersion !== API_VERSION) {
    const ours = typeof apiVersion === 'string' && apiVersion.startsWith(`${GROUP}/`);
    out.push({
      pointer: '/apiVersion',
      rule: 'api.version',
      severity: 'error',
      message: ours
        ? `apiVersion must be ${API_VERSION}: ${apiVersion} is not served by this rolegate`
        : `apiVersion must be ${API_VERSION}, got ${describe(apiVersion)}`,
    });
  }
  const kindValue = obj['kind'];
  const kind = isKind(kindValue) ? kindValue : undefined;
  if (kindValue === undefined) {
    out.push({
      pointer: '/kind',
      rule: 'schema.required',
      severity: 'error',
      message: `kind is required: ${KINDS.join(' or ')}`,
    });
  } else if (!kind) {
    const hint = typeof kindValue === 'string' ? didYouMean(kindValue, KINDS) : undefined;
    out.push({
      pointer: '/kind',
      rule: 'schema.kind',
      severity: 'error',
      message: `kind must be ${KINDS.join(' or ')}, got ${describe(kindValue)}${hint ? `; did you mean ${hint}?` : ''}`,
    });
  }
  if (kind) {
    const validate = validators()[kind];
    if (!validate(obj)) {
      for (const e of validate.errors ?? []) {
        // The CRD's own apiVersion/kind are plain strings; the envelope checks above say more.
        if (e.instancePath === '/apiVersion' || e.instancePath === '/kind') continue;
        out.push(fromAjv(e));
      }
    }
  } else if (obj['metadata'] === undefined) {
    out.push({
      pointer: '/metadata',
      rule: 'schema.required',
      severity: 'error',
      message: 'metadata is required: a mapping with at least a name',
    });
  }
  checkMetadata(kind, obj['metadata'], out);
  const spec = obj['spec'];
  if (isObject(spec)) {
    if (kind === 'PrivilegedRole') checkRoleSemantics(spec, out);
    if (kind === 'IdentityProvider') checkProviderSemantics(spec, out);
  }
  for (const p of out) p.message = sentence(p.message);
  return out;
}
