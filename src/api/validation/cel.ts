// Pure. The CRD's CEL rules (x-kubernetes-validations) re-expressed in TypeScript, and the two ajv keywords the
// validators run them and Kubernetes' list types with.
import type { ErrorObject, SchemaValidateFunction } from 'ajv';
import { identityProviderSchema, privilegedRoleSchema } from '../v1alpha1/generated.js';
import { isObject, type Json, type Kind } from './problem.js';
import { MIN_INTERVAL, MIN_INTERVAL_MS, parseDuration } from '../duration.js';

/** The rule id of "exactly one provider is set" in an IdentityProvider's spec. */
export const PROVIDER_CHOICE_RULE = 'cel.provider-exactly-one';

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

/** "Exactly one of id or displayName" of a reference (spec.role, spec.group). */
function idOrDisplayName(field: string): CelRule {
  return {
    id: `cel.${field}-exactly-one`,
    message: `exactly one of ${field}.id or ${field}.displayName must be set`,
    cel: 'has(self.id) != has(self.displayName)',
    check: (self) => has(self, 'id') !== has(self, 'displayName'),
    explain: (self) => (has(self, 'id') ? 'both are set; keep one' : 'neither is set'),
    describe: (at) => `Exactly one of ${at}.id or ${at}.displayName must be set`,
  };
}

/** The CEL rules of crds/, in TypeScript. */
export const CEL_RULES: readonly CelRule[] = [
  idOrDisplayName('role'),
  {
    id: 'cel.role-or-group',
    message: 'exactly one of role or group must be set',
    cel: 'has(self.role) != has(self.group)',
    check: (self) => has(self, 'role') !== has(self, 'group'),
    explain: (self) => (has(self, 'role') ? 'both are set; keep one' : 'neither is set'),
    describe: (at) => `Exactly one of ${at}.role or ${at}.group must be set`,
  },
  {
    id: 'cel.group-scope',
    message: 'scope does not apply to group',
    cel: '!has(self.group) || !has(self.scope)',
    check: (self) => !has(self, 'group') || !has(self, 'scope'),
    describe: (at) =>
      `Field ${at}.scope does not apply to ${at}.group: a PIM for Groups policy belongs to the group; remove scope`,
  },
  idOrDisplayName('group'),
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
    id: PROVIDER_CHOICE_RULE,
    message: 'exactly one of entra or keycloak must be set',
    cel: '(has(self.entra) ? 1 : 0) + (has(self.keycloak) ? 1 : 0) == 1',
    // The registry of providers knows every provider, including any crds/ does not list yet: validateObject
    // checks the choice against it (checkProviderChoice), so that there is one check, not two that could differ.
    check: () => true,
    describe: (at) => `Exactly one provider must be set in ${at}`,
  },
  {
    id: 'cel.resync-minimum',
    message: `resyncInterval must be at least ${MIN_INTERVAL}`,
    cel: `!has(self.resyncInterval) || duration(self.resyncInterval) >= duration('${MIN_INTERVAL}')`,
    // a value that is not a duration at all is the pattern's to report
    check: (self) =>
      (parseDuration(String(self['resyncInterval'] ?? '1h')) ?? Infinity) >= MIN_INTERVAL_MS,
    explain: (self) => `got ${String(self['resyncInterval'])}`,
    describe: (at) =>
      `Field ${at}.resyncInterval must be at least ${MIN_INTERVAL}: a shorter interval reads the provider in a tight loop`,
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

/** Finds the TypeScript counterpart of a CRD rule by its message. */
export const celByMessage = new Map(CEL_RULES.map((r) => [r.message, r]));

export interface CelSchemaEntry {
  rule: string;
  message: string;
}

/** The ajv keyword that runs the TypeScript counterpart of each CEL rule where the CRD attaches it. */
export const celKeyword: SchemaValidateFunction = (schema: CelSchemaEntry[], data: unknown) => {
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
export const listTypeKeyword: SchemaValidateFunction = (
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
