// How PATCH changes a policy rule, per graph-pim.md §2: the derived `@odata.type` is required and must match
// the rule; only the fields present change; a partial `target` keeps caller and level; a body id must equal the
// path id; the result must be a valid policy (auth context on needs a claim value).
import type { PolicyRule, RuleTarget } from './catalog.js';

/** Why a rule PATCH was refused, mapped to a Graph error by the caller. */
export type RulePatchError =
  | { kind: 'WrongType'; message: string }
  | { kind: 'InvalidRuleId'; ruleId: string }
  | { kind: 'PolicyInvalid'; message: string }
  | { kind: 'BadRequest'; message: string };

/** Emulator switches for behaviour the docs leave open. */
export interface RuleOptions {
  /** Refuse MFA together with an authentication context (the API's behaviour is unverified). */
  strictMfaOrAuthContext: boolean;
}

const ENABLEMENT_VALUES = ['MultiFactorAuthentication', 'Justification', 'Ticketing'];
/**
 * The values an administrator-level enablement rule (Enablement_Admin_Eligibility, Enablement_Admin_Assignment)
 * takes: the portal offers only "Require Azure MFA on active assignment" and "Require justification on active
 * assignment" there, and Graph's unifiedRoleManagementPolicyEnablementRule page lists the three values without
 * saying which rule takes which. Refusing Ticketing on these rules is the emulator's reading, not documented
 * behaviour (see docs/emulator.md).
 */
const ADMIN_ENABLEMENT_VALUES = ['MultiFactorAuthentication', 'Justification'];

/** The enabledRules values a rule of this caller (`Admin` or `EndUser`) accepts; the same for Graph and ARM. */
export function enablementValues(caller: unknown): readonly string[] {
  return typeof caller === 'string' && caller.toLowerCase() === 'admin'
    ? ADMIN_ENABLEMENT_VALUES
    : ENABLEMENT_VALUES;
}

/** The fields each rule kind may PATCH, besides `@odata.type`, `id` and `target` (the same for ARM rules). */
export const UPDATABLE: Readonly<Record<string, readonly string[]>> = {
  Enablement: ['enabledRules'],
  AuthenticationContext: ['isEnabled', 'claimValue'],
  Expiration: ['isExpirationRequired', 'maximumDuration'],
  Approval: ['setting'],
  Notification: [
    'notificationType',
    'recipientType',
    'notificationLevel',
    'isDefaultRecipientsEnabled',
    'notificationRecipients',
  ],
};

/** The kind of a rule from its `@odata.type`, e.g. `Enablement`. */
export function ruleKind(odataType: string): string | undefined {
  return /^#?microsoft\.graph\.unifiedRoleManagementPolicy(\w+)Rule$/.exec(odataType)?.[1];
}

const TARGET_KEYS = new Set([
  '@odata.type',
  'caller',
  'operations',
  'level',
  'inheritableSettings',
  'enforcedSettings',
  'targetObjects',
]);

function mergeTarget(
  current: RuleTarget,
  sent: unknown,
): { target: RuleTarget } | { error: RulePatchError } {
  if (sent === undefined) return { target: current };
  if (typeof sent !== 'object' || sent === null || Array.isArray(sent)) {
    return { error: { kind: 'BadRequest', message: 'Invalid value for property target.' } };
  }
  const t = sent as Record<string, unknown>;
  for (const k of Object.keys(t)) {
    if (!TARGET_KEYS.has(k)) {
      return {
        error: {
          kind: 'BadRequest',
          message: `The property '${k}' does not exist on type 'microsoft.graph.unifiedRoleManagementPolicyRuleTarget'.`,
        },
      };
    }
  }
  // caller and level identify the rule; a body that names other values describes a different rule.
  for (const k of ['caller', 'level'] as const) {
    const v = t[k];
    if (
      v !== undefined &&
      (typeof v !== 'string' || v.toLowerCase() !== current[k].toLowerCase())
    ) {
      return { error: { kind: 'PolicyInvalid', message: `target.${k} does not match the rule` } };
    }
  }
  const out: RuleTarget = { ...current };
  if (t.operations !== undefined) {
    if (!Array.isArray(t.operations) || !t.operations.every((o) => typeof o === 'string')) {
      return { error: { kind: 'BadRequest', message: 'Invalid value for property operations.' } };
    }
    // Stored the way GET shows them: lower case.
    out.operations = (t.operations as string[]).map((o) => o.toLowerCase());
  }
  for (const k of ['inheritableSettings', 'enforcedSettings'] as const) {
    const v = t[k];
    if (v !== undefined) {
      if (!Array.isArray(v))
        return { error: { kind: 'BadRequest', message: `Invalid value for property ${k}.` } };
      out[k] = v as unknown[];
    }
  }
  return { target: out };
}

function checkFields(kind: string, rule: PolicyRule): RulePatchError | undefined {
  if (kind === 'Enablement') {
    const v = rule.enabledRules;
    const allowed = enablementValues(rule.target.caller);
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && allowed.includes(x))) {
      return {
        kind: 'PolicyInvalid',
        message: `enabledRules of ${rule.id} may only hold ${allowed.join(', ')}`,
      };
    }
  }
  if (kind === 'AuthenticationContext') {
    if (typeof rule.isEnabled !== 'boolean')
      return { kind: 'BadRequest', message: 'Invalid value for property isEnabled.' };
    if (rule.claimValue !== null && typeof rule.claimValue !== 'string')
      return { kind: 'BadRequest', message: 'Invalid value for property claimValue.' };
    if (rule.isEnabled && !rule.claimValue)
      return { kind: 'PolicyInvalid', message: 'claimValue is required when isEnabled is true' };
  }
  if (kind === 'Expiration') {
    if (typeof rule.isExpirationRequired !== 'boolean')
      return { kind: 'BadRequest', message: 'Invalid value for property isExpirationRequired.' };
    const d = rule.maximumDuration;
    if (d !== null && (typeof d !== 'string' || !/^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?)?$/.test(d)))
      return { kind: 'BadRequest', message: 'Invalid value for property maximumDuration.' };
    if (rule.isExpirationRequired && !d)
      return { kind: 'PolicyInvalid', message: 'maximumDuration is required with expiration' };
  }
  return undefined;
}

/**
 * Applies a PATCH body to a rule. Returns the new rule, or why the body is refused. The caller checks the
 * whole policy afterwards (see {@link checkPolicy}).
 */
export function patchRule(
  current: PolicyRule,
  pathRuleId: string,
  body: unknown,
): { rule: PolicyRule } | { error: RulePatchError } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { error: { kind: 'BadRequest', message: 'The request body must be a JSON object.' } };
  }
  const b = body as Record<string, unknown>;
  const kind = ruleKind(current['@odata.type']);
  const sentType = b['@odata.type'];
  // Graph needs the derived type to deserialize the body; without it (or with another kind) the service
  // fails deep inside and answers an opaque 500.
  if (typeof sentType !== 'string' || kind === undefined || ruleKind(sentType) !== kind) {
    return {
      error: {
        kind: 'WrongType',
        message: `expected @odata.type ${current['@odata.type']}, got ${String(sentType)}`,
      },
    };
  }
  if (
    b.id !== undefined &&
    (typeof b.id !== 'string' || b.id.toLowerCase() !== pathRuleId.toLowerCase())
  ) {
    return { error: { kind: 'InvalidRuleId', ruleId: String(b.id) } };
  }
  const allowed = new Set(['@odata.type', 'id', 'target', ...(UPDATABLE[kind] ?? [])]);
  for (const k of Object.keys(b)) {
    if (!allowed.has(k)) {
      return {
        error: {
          kind: 'BadRequest',
          message: `The property '${k}' does not exist on type '${sentType.replace(/^#/, '')}'. Make sure to only use property names that are defined by the type.`,
        },
      };
    }
  }
  const t = mergeTarget(current.target, b.target);
  if ('error' in t) return t;
  const next: PolicyRule = { ...current, target: t.target };
  for (const k of UPDATABLE[kind] ?? []) if (b[k] !== undefined) next[k] = structuredClone(b[k]);
  const err = checkFields(kind, next);
  return err ? { error: err } : { rule: next };
}

/** Checks rules that span several rules of one policy. */
export function checkPolicy(rules: PolicyRule[], opts: RuleOptions): RulePatchError | undefined {
  if (!opts.strictMfaOrAuthContext) return undefined;
  const enablement = rules.find((r) => r.id === 'Enablement_EndUser_Assignment');
  const ctx = rules.find((r) => r.id === 'AuthenticationContext_EndUser_Assignment');
  const mfa =
    Array.isArray(enablement?.enabledRules) &&
    (enablement.enabledRules as string[]).includes('MultiFactorAuthentication');
  if (mfa && ctx?.isEnabled === true) {
    return {
      kind: 'PolicyInvalid',
      message: 'MultiFactorAuthentication and an authentication context are mutually exclusive',
    };
  }
  return undefined;
}
