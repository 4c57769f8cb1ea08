// Pure. The rolegate.io/v1alpha1 objects as TypeScript types. The spec and status shapes are generated from
// crds/ (see generated.ts); this file only adds the Kubernetes envelope and the fixed names.
import type {
  IdentityProviderSpec,
  IdentityProviderStatus,
  PrivilegedRoleSpec,
  PrivilegedRoleStatus,
} from './generated.js';
import { roleTarget } from '../role-target.js';

export type {
  IdentityProviderSpec,
  IdentityProviderStatus,
  PrivilegedRoleSpec,
  PrivilegedRoleStatus,
} from './generated.js';

/** The API group of every rolegate kind. */
export const GROUP = 'rolegate.io';
/** The only served version. */
export const VERSION = 'v1alpha1';
/** `apiVersion` as it appears in manifests. */
export const API_VERSION = `${GROUP}/${VERSION}` as const;

/** The subset of Kubernetes ObjectMeta that rolegate reads. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
}

/** A PrivilegedRole declares whether activating one privileged role requires MFA. */
export interface PrivilegedRole {
  apiVersion: typeof API_VERSION;
  kind: 'PrivilegedRole';
  metadata: ObjectMeta;
  spec: PrivilegedRoleSpec;
  status?: PrivilegedRoleStatus;
}

/** An IdentityProvider says where an identity provider is and how to authenticate to it. */
export interface IdentityProvider {
  apiVersion: typeof API_VERSION;
  kind: 'IdentityProvider';
  metadata: ObjectMeta;
  spec: IdentityProviderSpec;
  status?: IdentityProviderStatus;
}

/** A status condition, in the shape of Kubernetes metav1.Condition. */
export type Condition = NonNullable<PrivilegedRoleStatus['conditions']>[number];

/** The annotation that stops reconciling one object while it is "true". */
export const PAUSED_ANNOTATION = 'rolegate.io/paused';
/** The annotation that overrides the resync interval for one object (a duration such as 10m). */
export const RECONCILE_INTERVAL_ANNOTATION = 'rolegate.io/reconcile-interval';
/**
 * The finalizer that holds a PrivilegedRole with `deletionPolicy: ResetToDefault` until rolegate has returned the
 * role to the provider's default (or decided it may not).
 */
export const RESET_FINALIZER = 'rolegate.io/reset-to-default';

/** The spec with every optional field that has a default filled in. Defaults live here, not in the CRD. */
export interface EffectiveSpec {
  providerRef: string;
  /** The role, or the group of a PIM for Groups access (spec.group), which is then resolved at its own scope. */
  role: { id?: string; displayName?: string; clientId?: string };
  /** spec.scope, or for spec.group the access's scope (`/groups/member`, `/groups/owner`: see role-target.ts). */
  scope: string;
  mfaRequired: boolean;
  mechanism: 'Any' | 'MultiFactorAuthentication' | 'AuthenticationContext';
  authenticationContextId?: string;
  enforcement: 'Enforce' | 'Audit';
  deletionPolicy: NonNullable<PrivilegedRoleSpec['deletionPolicy']>;
  /** PIM's MFA-on-active-assignment rule as declared; undefined leaves it unmanaged. */
  mfaOnActiveAssignment?: boolean;
  /** Whether holders whose use of the role is not behind MFA make the object not Ready. */
  holderCoverage: 'Report' | 'Require';
}

/** Fills in the defaults of a PrivilegedRole spec. */
export function effectiveSpec(spec: PrivilegedRoleSpec): EffectiveSpec {
  const target = roleTarget(spec);
  const role: EffectiveSpec['role'] = {};
  if (target.ref.id !== undefined) role.id = target.ref.id.toLowerCase();
  if (target.ref.displayName !== undefined) role.displayName = target.ref.displayName;
  if (target.ref.clientId !== undefined) role.clientId = target.ref.clientId;
  const out: EffectiveSpec = {
    providerRef: spec.providerRef.name,
    role,
    scope: target.scope,
    mfaRequired: spec.mfaRequired,
    mechanism: spec.mfa?.mechanism ?? 'Any',
    enforcement: spec.enforcement ?? 'Enforce',
    deletionPolicy: spec.deletionPolicy ?? 'Orphan',
    holderCoverage: spec.holderCoverage ?? 'Report',
  };
  if (spec.mfaOnActiveAssignment !== undefined) {
    out.mfaOnActiveAssignment = spec.mfaOnActiveAssignment;
  }
  if (spec.mfa?.authenticationContextId !== undefined) {
    out.authenticationContextId = spec.mfa.authenticationContextId;
  }
  return out;
}
