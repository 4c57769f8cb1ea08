// The evidence `rolegate report` writes for an audit (SOC 2, ISO 27001 reviews of privileged access): which
// tenant, when, each role's MFA on activation and its holders' coverage by path, every account not behind MFA,
// and the drift rolegate corrected recently. One document, rendered as JSON or as a self-contained HTML page, so
// both say the same.
import { assessMfa, type LiveRole, type MfaMechanism } from '../api/observation.js';
import type { IdentityProvider } from '../api/v1alpha1/types.js';
import type { AccountRow, Accounts, RoleHolders } from './accounts.js';

/** One role in the report. */
export interface ReportRole extends RoleHolders {
  /** Whether activating (Keycloak: signing in with) the role requires MFA. */
  mfaOnActivation: boolean;
  mechanism: MfaMechanism;
  /** PIM's MFA on active assignment (Enablement_Admin_Assignment), where the provider has the rule. */
  mfaOnActiveAssignment?: boolean;
}

/** One object's drift: corrected (with when and how often) or still open. */
export interface DriftEntry {
  /** The PrivilegedRole, `namespace/name`. */
  object: string;
  role: string;
  /** Corrections written and verified since the object was first reconciled (0 for live drift). */
  corrections: number;
  lastCorrectedTime?: string;
  lastDetectedTime?: string;
  /** The fields that differ now (live drift, or drift left open: Audit, refused weakening). */
  fields: { path: string; desired?: string; live?: string }[];
}

/** Where the drift history comes from. */
export type DriftSource = 'statusFile' | 'kubernetes' | 'livePlan';

/** The drift section of the report. */
export interface DriftHistory {
  source: DriftSource;
  /** The status file, the API server, or the manifests the live plan was made from. */
  from: string;
  /** The start of the window of corrections shown (RFC 3339); absent for a live plan. */
  since?: string;
  /** For people: what the section shows and what it cannot show. */
  note: string;
  entries: DriftEntry[];
}

/** The report, and the documented shape of `-o json` (version 1; fields are only ever added). */
export interface CoverageReport {
  version: 1;
  kind: 'RolegateCoverageReport';
  generatedAt: string;
  generator: string;
  provider: {
    name: string;
    kind: string;
    /** The tenant id (Entra), or the Keycloak URL and realm. */
    tenant: string;
    /** When the provider's state was read. */
    observedAt: string;
  };
  summary: {
    roles: number;
    declaredRoles: number;
    rolesWithoutMfaOnActivation: number;
    /** Roles whose holders were read; the holder counts cover these only. */
    rolesWithHoldersRead: number;
    holdings: number;
    covered: number;
    conditional: number;
    uncovered: number;
  };
  roles: ReportRole[];
  /** Every holding not Covered (no cap, unlike status). */
  notCovered: AccountRow[];
  /** Roles whose holders were not read: nothing is claimed about their accounts. */
  holdersNotRead: string[];
  drift: DriftHistory;
}

/** The kind of an IdentityProvider (the provider key its spec sets) and the tenant it names. */
export function tenantOf(idp: IdentityProvider): { kind: string; tenant: string } {
  const spec = idp.spec as unknown as Record<string, unknown>;
  if (idp.spec.entra) return { kind: 'entra', tenant: idp.spec.entra.tenantId };
  if (idp.spec.keycloak)
    return {
      kind: 'keycloak',
      tenant: `${idp.spec.keycloak.url} realm ${idp.spec.keycloak.realm}`,
    };
  const kind = Object.keys(spec).find((k) => k !== 'resyncInterval') ?? 'unknown';
  return { kind, tenant: '' };
}

/** Builds the report. `generatedAt` is passed in so that the builder stays pure. */
export function coverageReport(input: {
  idp: IdentityProvider;
  observedAt: string;
  generatedAt: string;
  generator: string;
  roles: readonly LiveRole[];
  accounts: Accounts;
  drift: DriftHistory;
}): CoverageReport {
  const live = new Map(input.roles.map((r) => [`${r.roleId}@${r.scope}`, r]));
  const roles: ReportRole[] = input.accounts.roles.map((h) => {
    const r = live.get(`${h.roleId}@${h.scope ?? '/'}`);
    const mfa = r ? assessMfa(r) : { required: false, mechanism: 'None' as const };
    return {
      ...h,
      mfaOnActivation: mfa.required,
      mechanism: mfa.mechanism,
      ...(r?.assignmentMfa !== undefined ? { mfaOnActiveAssignment: r.assignmentMfa } : {}),
    };
  });
  const observed = roles.filter((r) => r.observed);
  const sum = (f: (r: ReportRole) => number): number => observed.reduce((n, r) => n + f(r), 0);
  return {
    version: 1,
    kind: 'RolegateCoverageReport',
    generatedAt: input.generatedAt,
    generator: input.generator,
    provider: {
      name: input.idp.metadata.name,
      ...tenantOf(input.idp),
      observedAt: input.observedAt,
    },
    summary: {
      roles: roles.length,
      declaredRoles: roles.filter((r) => r.declared.length > 0).length,
      rolesWithoutMfaOnActivation: roles.filter((r) => !r.mfaOnActivation).length,
      rolesWithHoldersRead: observed.length,
      holdings: sum((r) => r.total),
      covered: sum((r) => r.covered),
      conditional: sum((r) => r.conditional),
      uncovered: sum((r) => r.uncovered),
    },
    roles,
    notCovered: input.accounts.accounts,
    holdersNotRead: input.accounts.notObserved,
    drift: input.drift,
  };
}
