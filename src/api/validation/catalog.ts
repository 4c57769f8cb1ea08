// Pure. The catalog of rule ids validateObject reports, with a one-line description each (SARIF rules, docs).
import { CEL_RULES } from './cel.js';
import type { ProviderSpecs } from './provider-spec.js';

/** The rules of the validator itself, whatever the providers. */
const CORE_RULES: Readonly<Record<string, string>> = {
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
  'semantic.mfa-ignored': 'An mfa setting has no effect with the rest of the spec.',
  'semantic.insecure-tls': 'TLS verification is turned off.',
  'semantic.ignored-field': 'A field is ignored with the other settings of the object.',
  'semantic.provider-field':
    'A PrivilegedRole sets a field the kind of its IdentityProvider does not support.',
};

/** Rule ids and one-line descriptions of every problem validateObject reports with these providers. */
export function validationRules(providers: ProviderSpecs): Readonly<Record<string, string>> {
  return Object.assign({}, CORE_RULES, ...providers.map((p) => p.rules ?? {})) as Record<
    string,
    string
  >;
}
