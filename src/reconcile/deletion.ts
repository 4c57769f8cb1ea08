// Pure. What deleting a PrivilegedRole does at the provider. `deletionPolicy: Orphan` leaves the role as it is;
// `ResetToDefault` asks plan() what it would do if the object had declared the provider's default, so the same
// never-weaken guard applies: without --allow-weakening a reset never removes MFA, and rolegate never removes an
// authentication context. The default covers the activation rule and, when the object declared
// `mfaOnActiveAssignment` (so it managed that rule), PIM's MFA-on-active-assignment rule too; a reset that would
// remove MFA from the assignment rule only is not allowed to hold back the activation part: the assignment rule
// is then kept as it is and the rest reset. Deletion is never blocked for ever: only a provider that may answer later (throttled,
// unavailable, not yet observed) keeps the finalizer; every other case lets the object go and says why.
import type { Action } from './action.js';
import { plan, type PlanInput } from './plan.js';

/** What to do about a PrivilegedRole that is being deleted. */
export type DeletionDecision =
  /**
   * Write `actions`, verify, then let the object go. `kept` says what the never-weaken guard kept from the reset
   * (the MFA-on-active-assignment rule without --allow-weakening).
   */
  | { kind: 'Reset'; actions: Action[]; message: string; kept?: string }
  /** Nothing to write; let the object go. `refused` marks a reset the guard did not allow. */
  | { kind: 'Release'; message: string; refused: boolean }
  /** The provider may answer later: keep the finalizer and try again. */
  | { kind: 'Retry'; message: string };

/**
 * Decides the reset of a deleted PrivilegedRole.
 * @param input what plan() would get for the object (its last spec and the current observation)
 * @param providerDefault the MFA requirement on activation the provider gives a role nobody configured, if the
 *   provider has one
 * @param assignmentDefault the provider's default of the MFA-on-active-assignment rule, if it has that rule
 */
export function planDeletion(
  input: PlanInput,
  providerDefault: boolean | undefined,
  assignmentDefault?: boolean,
): DeletionDecision {
  const spec = input.spec;
  const release = (message: string, refused = false): DeletionDecision => ({
    kind: 'Release',
    message,
    refused,
  });
  if (!spec || input.problems.length > 0)
    return release('Not reset: the spec is invalid, so rolegate does not act on it');
  if (spec.deletionPolicy !== 'ResetToDefault')
    return release('deletionPolicy Orphan: the role is left as it is');
  if (input.paused)
    return release('Not reset: reconciliation is paused by the rolegate.io/paused annotation');
  if (spec.enforcement === 'Audit') return release('Not reset: Audit mode never writes');
  const problem = input.providerProblem;
  if (problem) {
    // A stalled provider (missing, no permission, no credentials) will not recover on its own: holding the
    // object would only make its deletion hang.
    return problem.stalled
      ? release(`Not reset: ${problem.message}`)
      : { kind: 'Retry', message: `Reset waits for the provider: ${problem.message}` };
  }
  if (!input.lookup)
    return { kind: 'Retry', message: 'Reset waits for the identity provider to be observed' };
  if (input.lookup.kind !== 'Found')
    return release(
      `Not reset: ${input.lookup.kind === 'NotFound' ? input.lookup.message : 'the role name is ambiguous'}`,
    );
  if (input.conflictWinner !== undefined)
    return release(
      `Not reset: the role is also claimed by the older PrivilegedRole ${input.conflictWinner}`,
    );
  if (providerDefault === undefined)
    return release('Not reset: the provider has no default to return to');

  // The provider's default, stated as a spec: any mechanism, enforced, nothing else asked for. The assignment
  // rule is reset only where this object managed it and the role has it.
  const role = input.lookup.role;
  const { authenticationContextId: _ignored, mfaOnActiveAssignment, ...rest } = spec;
  const resetsAssignment =
    mfaOnActiveAssignment !== undefined &&
    assignmentDefault !== undefined &&
    role.assignmentMfa !== undefined;
  const base = { ...rest, mfaRequired: providerDefault, mechanism: 'Any' as const };
  const target = {
    ...base,
    enforcement: 'Enforce' as const,
    ...(resetsAssignment ? { mfaOnActiveAssignment: assignmentDefault } : {}),
  };
  let p = plan({ ...input, spec: target });
  // Removing MFA from the assignment rule alone must not keep the activation rule from its reset: without
  // --allow-weakening the assignment rule is left as it is.
  let kept = false;
  if (
    p.outcome === 'Refused' &&
    resetsAssignment &&
    assignmentDefault === false &&
    role.assignmentMfa === true &&
    !input.options.allowWeakening
  ) {
    const without = plan({ ...input, spec: { ...base, enforcement: 'Enforce' } });
    if (without.outcome !== 'Refused') {
      p = without;
      kept = true;
    }
  }
  const name = role.roleDisplayName;
  const words = (v: boolean): string => (v ? 'requires MFA' : 'does not require MFA');
  const assignment =
    resetsAssignment && !kept ? `, active assignment ${words(assignmentDefault)}` : '';
  const keptWhat = `MFA on active assignment kept: removing it requires the controller flag --allow-weakening`;
  const keptNote = kept ? `; ${keptWhat}` : '';
  switch (p.outcome) {
    case 'InSync':
      return release(
        `Nothing to reset: activation of ${name} already ${words(providerDefault)}${assignment}, the provider's default${keptNote}`,
        kept,
      );
    case 'Correct':
      return {
        kind: 'Reset',
        actions: p.actions,
        message: `Resetting ${name} to the provider's default (activation ${words(providerDefault)}${assignment})${keptNote}`,
        ...(kept ? { kept: `${keptWhat} (${name})` } : {}),
      };
    case 'Refused':
      return release(`Reset to the provider's default refused: ${p.summary}`, true);
    default:
      return release(`Not reset: ${p.summary}`);
  }
}
