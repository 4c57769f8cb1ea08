// Pure. Condition types, reasons and the no-churn setter. Conditions follow kstatus: Ready is always present,
// Reconciling and Stalled are present only while True; MFAEnforced carries the PIM alert (activation), and
// HoldersCovered whether every holder's use of the role is behind MFA.
import type { Condition } from './v1alpha1/types.js';

/** The condition types rolegate writes. */
export const ConditionType = {
  Ready: 'Ready',
  Reconciling: 'Reconciling',
  Stalled: 'Stalled',
  MFAEnforced: 'MFAEnforced',
  HoldersCovered: 'HoldersCovered',
} as const;
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];

/** CamelCase reasons, for machines. */
export const Reason = {
  InSync: 'InSync',
  DriftDetected: 'DriftDetected',
  DriftCorrected: 'DriftCorrected',
  Progressing: 'Progressing',
  ProgressingWithRetry: 'ProgressingWithRetry',
  MFARequired: 'MFARequired',
  MFANotRequired: 'MFANotRequired',
  WeakeningRefused: 'WeakeningRefused',
  AuthenticationContextInUse: 'AuthenticationContextInUse',
  Conflict: 'Conflict',
  RoleNotFound: 'RoleNotFound',
  AmbiguousRole: 'AmbiguousRole',
  InvalidSpec: 'InvalidSpec',
  ProviderNotFound: 'ProviderNotFound',
  ProviderNotReady: 'ProviderNotReady',
  ProviderError: 'ProviderError',
  Throttled: 'Throttled',
  PermissionDenied: 'PermissionDenied',
  Paused: 'Paused',
  SourceUnreadable: 'SourceUnreadable',
  Unknown: 'Unknown',
  CredentialsReady: 'CredentialsReady',
  CredentialsMissing: 'CredentialsMissing',
  /** HoldersCovered True: every holding of the role is behind MFA (or nobody holds it). */
  AllHoldersCovered: 'AllHoldersCovered',
  /** HoldersCovered Unknown: the provider did not report who holds the role. */
  HoldersNotObserved: 'HoldersNotObserved',
  /** Ready False under holderCoverage Require: some holding is not (or only conditionally) behind MFA. */
  HoldersNotCovered: 'HoldersNotCovered',
  /** Stalled: the provider cannot resolve the role's name unambiguously, so coverage cannot be proven. */
  AmbiguousRoleName: 'AmbiguousRoleName',
  // HoldersCovered False: the most serious kind of gap (see reconcile/coverage/gap-order.ts).
  ExcludedByConditionalAccess: 'ExcludedByConditionalAccess',
  StandingAccessWithoutMfa: 'StandingAccessWithoutMfa',
  GroupOwnerWithoutMfa: 'GroupOwnerWithoutMfa',
  GroupActivationWithoutMfa: 'GroupActivationWithoutMfa',
  DirectGrant: 'DirectGrant',
  ActivationWithoutMfa: 'ActivationWithoutMfa',
  SignInWithoutMfa: 'SignInWithoutMfa',
  ConditionalCoverage: 'ConditionalCoverage',
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];

/** A condition without its transition time: what plan() decides. */
export interface ConditionSpec {
  type: ConditionType;
  status: 'True' | 'False' | 'Unknown';
  reason: Reason;
  message: string;
}

/**
 * The kstatus triple of an object that is Ready: Reconciling and Stalled are absent (kstatus reads an absent
 * condition as False), so no caller spells the triple by hand.
 */
export function markReady(reason: Reason, message: string): ConditionSpec[] {
  return [{ type: ConditionType.Ready, status: 'True', reason, message }];
}

/**
 * An object rolegate is still working on: Ready=False for `reason`, Reconciling=True for `progress` (by default
 * ProgressingWithRetry: it retries on its own).
 */
export function markReconciling(
  reason: Reason,
  message: string,
  progress: Reason = Reason.ProgressingWithRetry,
): ConditionSpec[] {
  return [
    { type: ConditionType.Ready, status: 'False', reason, message },
    { type: ConditionType.Reconciling, status: 'True', reason: progress, message },
  ];
}

/** An object rolegate cannot go on with until something changes: Ready=False and Stalled=True, same reason. */
export function markStalled(reason: Reason, message: string): ConditionSpec[] {
  return [
    { type: ConditionType.Ready, status: 'False', reason, message },
    { type: ConditionType.Stalled, status: 'True', reason, message },
  ];
}

/** An object whose readiness is not known (paused): Ready=Unknown, neither Reconciling nor Stalled. */
export function markUnknown(reason: Reason, message: string): ConditionSpec[] {
  return [{ type: ConditionType.Ready, status: 'Unknown', reason, message }];
}

/** An object that is not ready and that rolegate leaves as it is (Audit drift): Ready=False only. */
export function markNotReady(reason: Reason, message: string): ConditionSpec[] {
  return [{ type: ConditionType.Ready, status: 'False', reason, message }];
}

/**
 * Merges the desired conditions into the previous ones. A condition whose status did not change keeps its
 * lastTransitionTime, so a status that only re-states itself compares equal and costs no write.
 * Types absent from `desired` are dropped (Reconciling and Stalled disappear when no longer True).
 */
export function mergeConditions(
  previous: readonly Condition[] | undefined,
  desired: readonly ConditionSpec[],
  generation: number | undefined,
  now: string,
): Condition[] {
  const order: string[] = [
    ConditionType.Ready,
    ConditionType.Reconciling,
    ConditionType.Stalled,
    ConditionType.MFAEnforced,
    ConditionType.HoldersCovered,
  ];
  return [...desired]
    .sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type))
    .map((d) => {
      const prev = previous?.find((p) => p.type === d.type);
      const c: Condition = {
        type: d.type,
        status: d.status,
        reason: d.reason,
        message: d.message,
        lastTransitionTime: prev && prev.status === d.status ? prev.lastTransitionTime : now,
      };
      if (generation !== undefined) c.observedGeneration = generation;
      return c;
    });
}

/** Finds a condition by type. */
export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}
