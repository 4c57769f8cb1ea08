// Pure. Checks beyond the schema that the controller would otherwise only report at reconcile time: settings
// that have no effect, and an IdentityProvider's choice of provider, checked against the providers registered.
import { PROVIDER_CHOICE_RULE } from './cel.js';
import { escapePointerToken } from './pointer.js';
import { isObject, type Json, type ValidationProblem } from './problem.js';
import type { ProviderSpecs } from './provider-spec.js';
import { describe } from './wording.js';

/** Settings of a PrivilegedRole that have no effect with the rest of its spec. */
export function checkRoleSemantics(spec: Json, out: ValidationProblem[]): void {
  const mfa = spec['mfa'];
  if (spec['mfaRequired'] === false && isObject(mfa)) {
    out.push({
      pointer: '/spec/mfa',
      rule: 'semantic.mfa-ignored',
      severity: 'warning',
      message:
        'spec.mfa is ignored because spec.mfaRequired is false; remove spec.mfa or set mfaRequired: true',
    });
  }
  if (
    isObject(mfa) &&
    mfa['authenticationContextId'] !== undefined &&
    mfa['mechanism'] !== 'AuthenticationContext'
  ) {
    out.push({
      pointer: '/spec/mfa/authenticationContextId',
      rule: 'semantic.mfa-ignored',
      severity: 'warning',
      message: `spec.mfa.authenticationContextId is ignored unless spec.mfa.mechanism is AuthenticationContext (it is ${describe(mfa['mechanism'])})`,
    });
  }
}

/** "a, b or c". */
function either(words: readonly string[]): string {
  return words.length <= 1
    ? (words[0] ?? '')
    : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]!}`;
}

/**
 * Checks that an IdentityProvider's spec sets exactly one registered provider, then that provider's settings
 * (see ProviderSpecRules.validateSpec). The CRD states the same choice in CEL for the providers it lists.
 */
export function checkProviders(
  spec: Json,
  providers: ProviderSpecs,
  out: ValidationProblem[],
): void {
  const set = providers.filter((p) => spec[p.specKey] !== undefined);
  if (set.length !== 1) {
    const keys = providers.map((p) => `spec.${p.specKey}`);
    out.push({
      pointer: '/spec',
      rule: PROVIDER_CHOICE_RULE,
      severity: 'error',
      message: `Exactly one of ${either(keys)} must be set (${set.length === 0 ? 'neither is set' : set.length === 2 ? 'both are set; keep one' : `${set.map((p) => p.specKey).join(', ')} are set; keep one`})`,
    });
  }
  for (const p of set) {
    const at = `/spec/${escapePointerToken(p.specKey)}`;
    const settings = spec[p.specKey];
    if (!p.inCrd && !isObject(settings)) {
      out.push({
        pointer: at,
        rule: 'schema.type',
        severity: 'error',
        message: `spec.${p.specKey} must be a mapping, got ${describe(settings)}`,
      });
      continue;
    }
    if (p.validateSpec) out.push(...p.validateSpec(settings, at));
  }
}
