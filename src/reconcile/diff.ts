// Pure. Field-level drift between a desired spec and a live role, canonicalised so that representation
// differences (case, ordering) never show up as drift.
import { compareText } from '../api/compare-text.js';
import type { EffectiveSpec } from '../api/v1alpha1/types.js';
import {
  authenticationContext,
  switchEnabled,
  type LiveRole,
  type MfaAssessment,
} from '../api/observation.js';

/** One field whose live value differs from the desired value. Values are rendered as strings. */
export interface FieldDiff {
  path: string;
  desired: string;
  live: string;
}

/** Compares the desired spec with the live role and its MFA assessment. The result is sorted by path. */
export function diffRole(spec: EffectiveSpec, live: LiveRole, mfa: MfaAssessment): FieldDiff[] {
  const out: FieldDiff[] = [];
  if (spec.mfaRequired !== mfa.required) {
    out.push({
      path: 'mfaRequired',
      desired: String(spec.mfaRequired),
      live: String(mfa.required),
    });
  }
  if (spec.mfaRequired && spec.mechanism === 'MultiFactorAuthentication' && !switchEnabled(live)) {
    out.push({ path: 'mfa.mechanism', desired: 'MultiFactorAuthentication', live: mfa.mechanism });
  }
  if (spec.mfaRequired && spec.mechanism === 'AuthenticationContext') {
    const want = spec.authenticationContextId ?? '';
    const ctx = authenticationContext(live);
    const have = ctx ? ctx.claimValue : 'none';
    if (have.toLowerCase() !== want.toLowerCase()) {
      out.push({ path: 'mfa.authenticationContextId', desired: want, live: have });
    } else if (ctx && ctx.policy !== 'RequiresMfa') {
      out.push({ path: 'mfa.mechanism', desired: 'AuthenticationContext', live: mfa.mechanism });
    }
  }
  if (
    spec.mfaOnActiveAssignment !== undefined &&
    live.assignmentMfa !== undefined &&
    spec.mfaOnActiveAssignment !== live.assignmentMfa
  ) {
    out.push({
      path: 'mfaOnActiveAssignment',
      desired: String(spec.mfaOnActiveAssignment),
      live: String(live.assignmentMfa),
    });
  }
  return out.sort((a, b) => compareText(a.path, b.path));
}

/** Renders drift as one deterministic phrase, such as "mfaRequired: want true, have false". */
export function describeDrift(drift: readonly FieldDiff[]): string {
  return drift.map((d) => `${d.path}: want ${d.desired}, have ${d.live}`).join('; ');
}
