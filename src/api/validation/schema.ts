// Pure. The JSON Schemas ajv enforces: the CRD schemas of crds/ (through generated.ts, never a second copy) made
// structural the way the API server reads them, with ObjectMeta stated since CRDs leave it to Kubernetes.
import { identityProviderSchema, privilegedRoleSchema } from '../v1alpha1/generated.js';
import { isObject, type Json, type Kind } from './problem.js';

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

/** The JSON Schemas ajv enforces (the CRD schemas made structural), for the tests and the generator. */
export function enforcedSchemas(): Record<Kind, Json> {
  return {
    PrivilegedRole: structural(privilegedRoleSchema, true) as Json,
    IdentityProvider: structural(identityProviderSchema, true) as Json,
  };
}
