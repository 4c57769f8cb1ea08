// `rolegate alerts -o sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers. Each finding sits on
// the manifest that declares the role (the PrivilegedRole), or, for a role nobody declared, on the
// IdentityProvider's manifest: the file a reviewer would change. A stable fingerprint per role and account keeps
// a finding one alert across runs.
// https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
import type { CoverageGap } from '../api/coverage.js';
import { accountLabel, type AlertsReport } from './alerts-report.js';
import { sarifLog, sarifTool, uriOf } from './report/sarif.js';

/** A place in a manifest: `file:line:col` as the directory source records it. */
export interface ManifestPlace {
  file: string;
  line: number;
  col: number;
}

/** Parses `file:line:col` (the file may itself hold colons). */
export function parsePlace(where: string | undefined): ManifestPlace | undefined {
  const m = where === undefined ? null : /^(.*):(\d+):(\d+)$/.exec(where);
  return m ? { file: m[1]!, line: Number(m[2]), col: Number(m[3]) } : undefined;
}

/** The rule of a role without MFA on activation. */
export const ROLE_RULE = 'RoleActivationWithoutMfa';

const RULES: Readonly<Record<string, string>> = {
  [ROLE_RULE]: 'Activating the role does not require multi-factor authentication.',
  ActivationWithoutMfa:
    'An eligible holder activates the role without being asked for a second factor.',
  StandingAccessWithoutMfa:
    'A standing (active) holder uses the role and no enabled Conditional Access policy requiring MFA includes them.',
  ExcludedByConditionalAccess:
    'The Conditional Access policy that would require MFA of the holder excludes them.',
  GroupOwnerWithoutMfa:
    'The holder owns a group that holds the role, can make themselves a member, and no policy requires MFA of them.',
  GroupActivationWithoutMfa:
    'The holder gets the role through a group whose PIM activation does not require MFA, and no policy covers them.',
  SignInWithoutMfa: "The provider's sign-in step for the role does not ask for a second factor.",
  DirectGrant:
    'Tokens carrying the role can be obtained without the browser flow and its second factor.',
  ConditionalCoverage:
    'Only Conditional Access policies with conditions rolegate cannot judge require MFA of the holder.',
} satisfies Record<CoverageGap | typeof ROLE_RULE, string>;

type Level = 'error' | 'warning';

/**
 * Builds the SARIF log of an alerts report. `place` gives the manifest a finding belongs to, from the
 * PrivilegedRoles that declare the role (empty for an undeclared role).
 */
export function toAlertsSarif(
  r: AlertsReport,
  place: (declared: string[]) => ManifestPlace | undefined,
  opts: { toolVersion?: string } = {},
): unknown {
  const results: {
    ruleId: string;
    level: Level;
    message: string;
    declared: string[];
    fingerprint: string;
    properties: Record<string, unknown>;
  }[] = [];
  for (const a of r.alerts)
    results.push({
      ruleId: ROLE_RULE,
      level: 'warning',
      message: `Role ${a.roleDisplayName} (${a.roleId}) of ${r.provider} does not require MFA on activation.`,
      declared: a.declared,
      fingerprint: `${r.provider}/${a.roleId}`,
      properties: { roleId: a.roleId, declared: a.declared },
    });
  for (const a of r.accounts) {
    const ruleId =
      a.gap ?? (a.verdict === 'Conditional' ? 'ConditionalCoverage' : 'StandingAccessWithoutMfa');
    results.push({
      ruleId,
      level: a.verdict === 'Conditional' ? 'warning' : 'error',
      message: `${accountLabel(a)} holds ${a.roleDisplayName} of ${r.provider} (${a.path}${a.via ? ` through ${a.via}` : ''}) without MFA: ${a.why}`,
      declared: a.declared,
      fingerprint: `${r.provider}/${a.roleId}/${a.principal.id}/${a.path}/${a.via ?? ''}`,
      properties: {
        roleId: a.roleId,
        principalId: a.principal.id,
        principal: accountLabel(a),
        path: a.path,
        verdict: a.verdict,
        declared: a.declared,
      },
    });
  }
  const { tool, index } = sarifTool(
    results.map((x) => ({ rule: x.ruleId, level: x.level })),
    (id) => RULES[id] ?? id,
    opts.toolVersion,
  );
  return sarifLog(
    tool,
    results.map((x) => {
      const p = place(x.declared);
      return {
        ruleId: x.ruleId,
        ruleIndex: index.get(x.ruleId) ?? 0,
        level: x.level,
        message: { text: x.message },
        locations: p
          ? [
              {
                physicalLocation: {
                  artifactLocation: { uri: uriOf(p.file), uriBaseId: '%SRCROOT%' },
                  region: { startLine: p.line, startColumn: p.col },
                },
              },
            ]
          : [],
        partialFingerprints: { 'rolegateFinding/v1': x.fingerprint },
        properties: x.properties,
      };
    }),
  );
}

/** Renders the SARIF log as JSON. */
export function renderAlertsSarif(
  r: AlertsReport,
  place: (declared: string[]) => ManifestPlace | undefined,
  opts: { toolVersion?: string } = {},
): string {
  return `${JSON.stringify(toAlertsSarif(r, place, opts), null, 2)}\n`;
}
