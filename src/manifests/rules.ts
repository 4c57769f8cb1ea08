// The catalog of every rule id a manifest problem can carry, with a one-line description (SARIF rules, docs).
import { validationRules } from '../api/validation/catalog.js';
import { PROVIDERS } from '../providers/registry.js';

/** Rule ids of problems found while reading files, beyond those of validateObject. */
export const FILE_RULES: Readonly<Record<string, string>> = {
  'yaml.syntax': 'The file is not valid YAML (or JSON); the broken document is skipped.',
  'yaml.syntax.duplicate-key':
    'A mapping has the same key twice; kubectl would silently keep one of them.',
  'yaml.warning': 'The YAML parser warns about a construct.',
  'yaml.bool-1.1':
    'An unquoted yes/no/on/off/y/n is a string for rolegate (YAML 1.2) but a boolean for kubectl (YAML 1.1).',
  'semantic.duplicate-object': 'Two manifests define the same object (kind, namespace and name).',
  'semantic.duplicate-claim':
    'Two PrivilegedRoles claim the same role (provider, role and scope); only the older one is enforced.',
  'semantic.provider-ref': 'spec.providerRef names no IdentityProvider in the given paths.',
  'encoding.utf16': 'The file is UTF-16, not UTF-8; it is not read.',
  'encoding.binary':
    'The file holds NUL bytes: it is binary, not YAML or JSON text; it is not read.',
  'encoding.invalid-utf8': 'The file is not valid UTF-8; the invalid bytes are read as U+FFFD.',
  'document.foreign':
    'Under --strict: a document that is not a rolegate.io object (another group, or not a mapping); it is not validated.',
  'io.not-found': 'A path given on the command line does not exist.',
  'io.read': 'A file could not be read.',
  'io.no-files': 'No manifest files (.yaml, .yml, .json) were found under a path.',
};

/** Every rule id with its description. */
export const MANIFEST_RULES: Readonly<Record<string, string>> = {
  ...validationRules(PROVIDERS.descriptors),
  ...FILE_RULES,
};

/** The description of a rule id, or a generic one for ids outside the catalog. */
export function ruleDescription(rule: string): string {
  return MANIFEST_RULES[rule] ?? `rolegate validation rule ${rule}.`;
}
