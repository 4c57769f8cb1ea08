// Pure. The vocabulary of validation: the kinds rolegate validates and the problems it reports.

/** How bad a problem is: errors make an object invalid, warnings do not (unless a CI run is strict). */
export type Severity = 'error' | 'warning';

/** One problem of one object. */
export interface ValidationProblem {
  /** RFC 6901 pointer into the object, such as `/spec/role/id`; `''` is the whole object. */
  pointer: string;
  /** A stable rule id, such as `schema.required` or `cel.role-exactly-one`; safe to match on in scripts. */
  rule: string;
  severity: Severity;
  /** Names the field (as a dotted path) and says what is expected. */
  message: string;
}

/** The kinds this validator knows. */
export const KINDS = ['PrivilegedRole', 'IdentityProvider'] as const;
/** A kind this validator knows. */
export type Kind = (typeof KINDS)[number];

/** True for a kind this validator knows. */
export function isKind(v: unknown): v is Kind {
  return v === 'PrivilegedRole' || v === 'IdentityProvider';
}

/** A JSON object. */
export type Json = Record<string, unknown>;

/** Whether a value is a JSON object (not null, not a list). */
export const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
