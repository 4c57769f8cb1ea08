// Pure. The one decision function: desired spec + observation + options -> drift, actions and conditions.
// The CLI (plan/apply) and the controller both call it, so what `rolegate plan` prints is what the
// controller does.
import type { EffectiveSpec } from '../api/v1alpha1/types.js';
import {
  assessMfa,
  authenticationContext,
  mfaSwitch,
  type LiveRole,
  type MfaAssessment,
  type RoleLookup,
} from '../api/observation.js';
import {
  ConditionType,
  markNotReady,
  markReady,
  markReconciling,
  markStalled,
  markUnknown,
  Reason,
  type ConditionSpec,
} from '../api/conditions.js';
import type { RoleCoverage } from '../api/coverage.js';
import type { Action } from './action.js';
import { assessCoverage } from './coverage/assess-coverage.js';
import { describeDrift, diffRole, type FieldDiff } from './diff.js';
import { holdersCondition } from './holders-condition.js';

/** Controller-wide options that change what plan() may do. */
export interface PlanOptions {
  /** Whether rolegate may remove MFA (`--allow-weakening`). Off by default. */
  allowWeakening: boolean;
}

/** Why the provider cannot be used now; `stalled` when retrying will not help until something changes. */
export interface ProviderProblem {
  reason: ConditionSpec['reason'];
  message: string;
  stalled: boolean;
}

/** Everything plan() needs for one PrivilegedRole. */
export interface PlanInput {
  /** The spec with defaults, or undefined when the object is too broken to read. */
  spec: EffectiveSpec | undefined;
  /** Validation problems with the object; any problem means observe-only. */
  problems: readonly string[];
  /** Whether the rolegate.io/paused annotation is set. */
  paused: boolean;
  /** The role as found in the provider snapshot; undefined when the provider could not be read. */
  lookup: RoleLookup | undefined;
  /** The key of an older object that claims the same role, if any. */
  conflictWinner?: string | undefined;
  /** Why the provider cannot be used (missing IdentityProvider, provider errors), if so. */
  providerProblem?: ProviderProblem | undefined;
  /** When the role was last observed (the previous status), so that MFAEnforced can say so while it is not. */
  lastObservedAt?: string | undefined;
  options: PlanOptions;
}

/** What plan() decided. */
export type Outcome =
  | 'InSync'
  | 'Correct' // drift that actions will fix
  | 'Drifted' // drift left as is (Audit)
  | 'Refused' // drift rolegate will not fix (weakening)
  | 'Blocked' // cannot reconcile (invalid, not found, conflict, provider problem)
  | 'Paused';

/** The result of plan(): drift, the actions to take, and the conditions to report if none are taken. */
export interface Plan {
  outcome: Outcome;
  drift: FieldDiff[];
  actions: Action[];
  conditions: ConditionSpec[];
  /** The observed role, if it was found. */
  live?: LiveRole;
  mfa?: MfaAssessment;
  /** The verdict on each holder, when the provider reported holders. */
  coverage?: RoleCoverage;
  /** One deterministic line for logs and tables. */
  summary: string;
}

/** Why the role has no observation in this reconcile, and when it was last observed, if ever. */
export interface NotObserved {
  /** The Ready reason that kept it from being observed now, if one did. */
  reason?: ConditionSpec['reason'] | undefined;
  /** When the role was last observed (status.atProvider.observedAt), if it was. */
  lastObservedAt?: string | undefined;
}

/**
 * The MFAEnforced condition: the alert PIM calls "Roles don't require multi-factor authentication for activation".
 * Without an observation it is Unknown, never a stale True, and says whether the role was observed before.
 */
export function mfaCondition(
  live: LiveRole | undefined,
  mfa: MfaAssessment | undefined,
  notObserved: NotObserved = {},
): ConditionSpec {
  if (!live || !mfa) {
    const why = notObserved.reason ? ` (${notObserved.reason})` : '';
    return {
      type: ConditionType.MFAEnforced,
      status: 'Unknown',
      reason: Reason.Unknown,
      message: notObserved.lastObservedAt
        ? `The role is not observed now${why}; it was last observed at ${notObserved.lastObservedAt}`
        : `The role has not been observed${why}`,
    };
  }
  const warn = mfa.warnings.length > 0 ? `; warning: ${mfa.warnings.join('; ')}` : '';
  if (mfa.required) {
    const how =
      mfa.mechanism === 'AuthenticationContext'
        ? `authentication context ${authenticationContext(live)?.claimValue ?? ''}`
        : 'multi-factor authentication';
    return {
      type: ConditionType.MFAEnforced,
      status: 'True',
      reason: Reason.MFARequired,
      message: `Activation of ${live.roleDisplayName} requires ${how}${warn}`,
    };
  }
  return {
    type: ConditionType.MFAEnforced,
    status: 'False',
    reason: Reason.MFANotRequired,
    message: `Activation of ${live.roleDisplayName} does not require multi-factor authentication${warn}`,
  };
}

/** Decides drift, actions and conditions for one PrivilegedRole. */
export function plan(input: PlanInput): Plan {
  const live = input.lookup?.kind === 'Found' ? input.lookup.role : undefined;
  const mfa = live ? assessMfa(live) : undefined;
  const coverage = live ? assessCoverage(live) : undefined;
  const holders = holdersCondition(live, coverage);
  // The two alert conditions: PIM's activation alert, and whether every holder's use is behind MFA.
  const alerts = (reason?: ConditionSpec['reason']): ConditionSpec[] => [
    mfaCondition(live, mfa, { reason, lastObservedAt: input.lastObservedAt }),
    holders,
  ];
  const base = {
    drift: [] as FieldDiff[],
    actions: [] as Action[],
    ...(live ? { live } : {}),
    ...(mfa ? { mfa } : {}),
    ...(coverage ? { coverage } : {}),
  };
  const blocked = (reason: ConditionSpec['reason'], message: string, isStalled = true): Plan => ({
    ...base,
    outcome: 'Blocked',
    // Not stalled means rolegate keeps retrying, which kstatus calls Reconciling.
    conditions: [
      ...(isStalled ? markStalled(reason, message) : markReconciling(reason, message)),
      ...alerts(reason),
    ],
    summary: message,
  });

  if (input.problems.length > 0 || !input.spec) {
    const msg = `Invalid spec, observing only: ${input.problems.join('; ') || 'the object cannot be read'}`;
    return blocked(Reason.InvalidSpec, msg);
  }
  const spec = input.spec;
  if (input.paused) {
    const msg = 'Reconciliation is paused by the rolegate.io/paused annotation';
    return {
      ...base,
      outcome: 'Paused',
      conditions: [...markUnknown(Reason.Paused, msg), ...alerts(Reason.Paused)],
      summary: msg,
    };
  }
  if (input.providerProblem) {
    const p = input.providerProblem;
    return blocked(p.reason, p.message, p.stalled);
  }
  const lookup = input.lookup;
  if (!lookup)
    return blocked(Reason.ProviderError, 'The identity provider has not been observed', false);
  if (lookup.kind === 'NotFound') return blocked(Reason.RoleNotFound, lookup.message);
  if (lookup.kind === 'Ambiguous') {
    const msg = `Role display name ${spec.role.displayName ?? ''} matches ${lookup.candidates.length} roles (${lookup.candidates.join(', ')}); set role.id instead`;
    return blocked(Reason.AmbiguousRole, msg);
  }
  const role = lookup.role;
  const assessment = assessMfa(role);
  if (input.conflictWinner !== undefined) {
    const msg = `Role ${role.roleDisplayName} at scope ${role.scope} is also claimed by the older PrivilegedRole ${input.conflictWinner}; this object only observes`;
    return blocked(Reason.Conflict, msg);
  }
  if (role.coverage?.ambiguity !== undefined) {
    const msg = `Role ${role.roleDisplayName} cannot be resolved unambiguously (${role.coverage.ambiguity}); rolegate cannot prove which role its setting would protect, so it writes nothing and claims no coverage`;
    return blocked(Reason.AmbiguousRoleName, msg);
  }
  if (spec.mfaOnActiveAssignment !== undefined && role.assignmentMfa === undefined) {
    const msg = `mfaOnActiveAssignment is set, but the provider has no MFA-on-active-assignment rule for ${role.roleDisplayName} (it is PIM's Enablement_Admin_Assignment, Entra and Azure RBAC only); remove the field`;
    return blocked(Reason.InvalidSpec, msg);
  }

  const drift = diffRole(spec, role, assessment);
  const withDrift = { ...base, drift };
  if (drift.length === 0) {
    const assignment =
      spec.mfaOnActiveAssignment === undefined
        ? ''
        : `, and active assignment ${spec.mfaOnActiveAssignment ? 'requires' : 'does not require'} it`;
    const msg = `Activation of ${role.roleDisplayName} ${spec.mfaRequired ? 'requires' : 'does not require'} MFA${assignment}, as declared`;
    const notCovered = spec.holderCoverage === 'Require' ? holdersNotReady(holders) : undefined;
    return {
      ...withDrift,
      outcome: 'InSync',
      conditions: [
        ...(notCovered
          ? markNotReady(notCovered.reason, `${msg}; but ${notCovered.message}`)
          : markReady(Reason.InSync, msg)),
        ...alerts(),
      ],
      summary: notCovered ? `${msg}; but ${notCovered.message}` : msg,
    };
  }

  const what = describeDrift(drift);
  const weakening = !spec.mfaRequired && assessment.required;
  const assignmentWeakening = spec.mfaOnActiveAssignment === false && role.assignmentMfa === true;
  const refused = (reason: ConditionSpec['reason'], msg: string): Plan => ({
    ...withDrift,
    outcome: 'Refused',
    conditions: [...markStalled(reason, msg), ...alerts()],
    summary: msg,
  });
  if (weakening && assessment.mechanism === 'AuthenticationContext') {
    return refused(
      Reason.AuthenticationContextInUse,
      `Drift (${what}) not corrected: rolegate never removes an authentication context`,
    );
  }
  if (spec.enforcement === 'Audit') {
    const msg = `Audit: drift detected (${what}); nothing is written in Audit mode`;
    return {
      ...withDrift,
      outcome: 'Drifted',
      conditions: [...markNotReady(Reason.DriftDetected, msg), ...alerts()],
      summary: msg,
    };
  }
  if ((weakening || assignmentWeakening) && !input.options.allowWeakening) {
    return refused(
      Reason.WeakeningRefused,
      `Drift (${what}) not corrected: removing MFA requires the controller flag --allow-weakening`,
    );
  }

  const actions = actionsFor(spec, role, assessment);
  const msg = `Correcting drift: ${what}`;
  return {
    ...withDrift,
    actions,
    outcome: 'Correct',
    conditions: [...markReconciling(Reason.DriftDetected, msg, Reason.DriftDetected), ...alerts()],
    summary: msg,
  };
}

/**
 * Under holderCoverage Require, why the object is not Ready: a holder not behind MFA, or holders not observed
 * (coverage that was not seen is not proven). Undefined when every holding is covered.
 */
function holdersNotReady(
  holders: ConditionSpec,
): { reason: ConditionSpec['reason']; message: string } | undefined {
  if (holders.status === 'True') return undefined;
  if (holders.status === 'Unknown') {
    return {
      reason: Reason.HoldersNotObserved,
      message: `holderCoverage is Require and holders were not observed: ${holders.message}`,
    };
  }
  return {
    reason: Reason.HoldersNotCovered,
    message: `holderCoverage is Require and ${lowerFirst(holders.message)} (${holders.reason})`,
  };
}

function lowerFirst(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s;
}

function targetOf(role: LiveRole) {
  return {
    roleId: role.roleId,
    roleDisplayName: role.roleDisplayName,
    handle: role.handle,
    scope: role.scope,
    ...(role.clientId ? { clientId: role.clientId } : {}),
  };
}

function actionsFor(spec: EffectiveSpec, role: LiveRole, mfa: MfaAssessment): Action[] {
  return [...activationActions(spec, role, mfa), ...assignmentActions(spec, role)];
}

/** PIM's MFA-on-active-assignment rule, when declared and observed to differ (the guard is plan()'s). */
function assignmentActions(spec: EffectiveSpec, role: LiveRole): Action[] {
  const want = spec.mfaOnActiveAssignment;
  const have = role.assignmentMfa;
  if (want === undefined || have === undefined || want === have) return [];
  return [
    {
      kind: 'SetMfa',
      ...targetOf(role),
      switchName: 'AssignmentRule',
      enabled: want,
      before: have ? 'on' : 'off',
      after: want ? 'on' : 'off',
    },
  ];
}

function activationActions(spec: EffectiveSpec, role: LiveRole, mfa: MfaAssessment): Action[] {
  const common = targetOf(role);
  const sw = mfaSwitch(role);
  const switchOn = sw?.enabled === true;
  // A provider without a switch on the declared path has nothing rolegate can turn: no SetMfa.
  const setMfa = (enabled: boolean): Action[] =>
    sw
      ? [
          {
            kind: 'SetMfa',
            ...common,
            switchName: sw.name,
            enabled,
            before: sw.enabled ? 'on' : 'off',
            after: enabled ? 'on' : 'off',
          },
        ]
      : [];
  if (!spec.mfaRequired) return switchOn ? setMfa(false) : [];
  const out: Action[] = [];
  if (spec.mechanism === 'AuthenticationContext' && spec.authenticationContextId !== undefined) {
    const before = authenticationContext(role)?.claimValue ?? 'none';
    if (before.toLowerCase() !== spec.authenticationContextId.toLowerCase()) {
      out.push({
        kind: 'SetAuthenticationContext',
        ...common,
        claimValue: spec.authenticationContextId,
        before,
        after: spec.authenticationContextId,
      });
    }
    // A context whose Conditional Access policy does not enforce MFA is fixed in Conditional Access, not here;
    // the switch is still turned on so that activation is not left without a second factor meanwhile.
    if (!mfa.required && !switchOn) out.push(...setMfa(true));
    return out;
  }
  if (!switchOn && (spec.mechanism === 'MultiFactorAuthentication' || !mfa.required))
    out.push(...setMfa(true));
  return out;
}
