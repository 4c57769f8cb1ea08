// Pure. Validates one rolegate object the way the API server would, without a cluster: the openAPIV3Schema of
// crds/ (run by the validators generated from it), the CRD's CEL rules re-expressed in TypeScript, the ObjectMeta
// rules Kubernetes applies itself, and a few semantic checks the controller would otherwise only report at
// reconcile time, among them each provider's own (see validation/provider-spec.ts). Every problem names the field
// (an RFC 6901 pointer and a dotted path in the message) and says what is expected, so CI output can be acted on
// without reading the CRD. The parts live in validation/, one job each.
import type { ErrorObject } from 'ajv';
import { API_VERSION, GROUP } from './v1alpha1/types.js';
import { fromAjv } from './validation/ajv-problems.js';
import { PROVIDER_CHOICE_RULE } from './validation/cel.js';
import { checkMetadata } from './validation/metadata.js';
import { isKind, isObject, KINDS, type ValidationProblem } from './validation/problem.js';
import type { ProviderSpecs } from './validation/provider-spec.js';
import { validators } from './validation/runtime.js';
import { checkProviders, checkRoleSemantics } from './validation/semantics.js';
import { describe, didYouMean, sentence } from './validation/wording.js';

/**
 * Whether an ajv error of an IdentityProvider is one checkProviders reports instead: the choice of provider, and a
 * registered provider's settings that crds/ does not define (the provider checks those itself).
 */
function providerChecked(e: ErrorObject, providers: ProviderSpecs): boolean {
  if (e.keyword === 'x-kubernetes-validations')
    return (e.params as { rule?: unknown }).rule === PROVIDER_CHOICE_RULE;
  if (e.keyword !== 'additionalProperties' || e.instancePath !== '/spec') return false;
  const key = (e.params as { additionalProperty?: unknown }).additionalProperty;
  return providers.some((p) => p.specKey === key && !p.inCrd);
}

/**
 * Validates one object (a parsed manifest or an object from the API server). Returns every problem, errors
 * and warnings, in a stable order; an empty list means valid. Never throws. `providers` are the identity
 * providers an IdentityProvider may choose from (src/providers/registry.ts for rolegate's own).
 */
export function validateObject(obj: unknown, providers: ProviderSpecs): ValidationProblem[] {
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
        if (kind === 'IdentityProvider' && providerChecked(e, providers)) continue;
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
    if (kind === 'IdentityProvider') checkProviders(spec, providers, out);
  }
  for (const p of out) p.message = sentence(p.message);
  return out;
}
