// The report of `rolegate alerts`, and its text and Markdown renderings: the roles whose activation does not
// require MFA (PIM's role alert), and the accounts whose use of a privileged role is not behind a second factor
// (the list PIM's "administrators aren't using MFA" alert gives), declared in manifests or not.
import type { ProviderAlert } from '../providers/types.js';
import { holderName } from '../reconcile/coverage/holder-name.js';
import type { AccountRow, Accounts } from './accounts.js';
import { renderTable } from './table.js';
import { EXIT_CHANGES, EXIT_OK } from './exit-codes.js';

/** One role without MFA on activation. */
export interface AlertRow extends ProviderAlert {
  /** The PrivilegedRoles (`namespace/name`) that declare the role; empty when it is not declared. */
  declared: string[];
  /** Whether the provider's own alert said so, or rolegate read it from the snapshot. */
  source: 'provider' | 'snapshot';
}

/**
 * The `alerts` report, and the documented shape of `-o json|yaml` (fields are only ever added): the role alerts
 * of the first release (`provider`, `rolesWithoutMfa`, `alerts`), then the accounts.
 */
export interface AlertsReport {
  provider: string;
  rolesWithoutMfa: number;
  alerts: AlertRow[];
  /** How many holdings are not Covered (Uncovered or Conditional). */
  accountsNotCovered: number;
  accounts: AccountRow[];
  /** Roles whose holders the provider did not read: nothing is claimed about their accounts. */
  holdersNotRead: string[];
}

/** Builds the report from the role alerts and the accounts. */
export function alertsReport(
  provider: string,
  alerts: AlertRow[],
  accounts: Accounts,
): AlertsReport {
  return {
    provider,
    rolesWithoutMfa: alerts.length,
    alerts,
    accountsNotCovered: accounts.accounts.length,
    accounts: accounts.accounts,
    holdersNotRead: accounts.notObserved,
  };
}

/**
 * Exit code of alerts: with --detailed-exitcode, 2 when a role lacks MFA on activation or an account is not
 * covered (both are "something to review"), else 0. Errors never get here (they are 1).
 */
export function alertsExitCode(r: AlertsReport, detailed: boolean): number {
  return detailed && (r.rolesWithoutMfa > 0 || r.accountsNotCovered > 0) ? EXIT_CHANGES : EXIT_OK;
}

const declaredText = (d: string[]): string => d.join(', ') || '(not declared)';
const verdictText = (a: AccountRow): string =>
  a.verdict === 'Conditional' ? 'conditional' : 'not covered';

/** The account line of a person: `UPN (id)`. */
export function accountLabel(a: AccountRow): string {
  const name = holderName(a.principal);
  return name === a.principal.id ? name : `${name} (${a.principal.id})`;
}

/** Renders the report as terminal tables. */
export function renderAlertsText(r: AlertsReport): string {
  const parts: string[] = [];
  parts.push(
    r.alerts.length === 0
      ? `No role of ${r.provider} lacks MFA on activation.\n`
      : renderTable(
          ['ROLE', 'ROLE ID', 'SEVERITY', 'DECLARED BY'],
          r.alerts.map((a) => [a.roleDisplayName, a.roleId, a.severity, declaredText(a.declared)]),
        ) + `\n${r.alerts.length} role(s) of ${r.provider} do not require MFA on activation.\n`,
  );
  if (r.accounts.length > 0) {
    parts.push(
      renderTable(
        ['ACCOUNT', 'TYPE', 'ROLE', 'PATH', 'VIA', 'VERDICT', 'REASON', 'DECLARED BY', 'WHY'],
        r.accounts.map((a) => [
          accountLabel(a),
          a.principal.type,
          a.roleDisplayName,
          a.path,
          a.via ?? '',
          verdictText(a),
          a.gap ?? '',
          declaredText(a.declared),
          a.why,
        ]),
      ) +
        `\n${r.accounts.length} account holding(s) of ${r.provider} are not behind MFA (${r.accounts.filter((a) => a.verdict === 'Conditional').length} only conditionally).\n`,
    );
  } else if (r.holdersNotRead.length === 0) {
    parts.push(`Every account holding a role of ${r.provider} is behind MFA.\n`);
  }
  if (r.holdersNotRead.length > 0)
    parts.push(
      `Holders not read for ${r.holdersNotRead.length} role(s) of ${r.provider}: their accounts are not judged (${r.holdersNotRead.slice(0, 3).join(', ')}${r.holdersNotRead.length > 3 ? ', …' : ''}).\n`,
    );
  return parts.join('\n');
}

/** Escapes text for a Markdown table cell. */
export function markdownCell(t: string): string {
  return t.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Renders the report as Markdown (an issue or pull-request comment). */
export function renderAlertsMarkdown(r: AlertsReport): string {
  const c = markdownCell;
  const lines = [
    `### rolegate alerts: ${c(r.provider)}`,
    '',
    `**${r.rolesWithoutMfa} role(s) without MFA on activation**, **${r.accountsNotCovered} account holding(s) not behind MFA**.`,
  ];
  if (r.alerts.length > 0)
    lines.push(
      '',
      '| Role | Role id | Severity | Declared by |',
      '| --- | --- | --- | --- |',
      ...r.alerts.map(
        (a) =>
          `| ${c(a.roleDisplayName)} | \`${c(a.roleId)}\` | ${c(a.severity)} | ${c(declaredText(a.declared))} |`,
      ),
    );
  if (r.accounts.length > 0)
    lines.push(
      '',
      '| Account | Id | Role | Path | Via | Verdict | Why | Declared by |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      ...r.accounts.map(
        (a) =>
          `| ${c(holderName(a.principal))} | \`${c(a.principal.id)}\` | ${c(a.roleDisplayName)} | ${a.path} | ${c(a.via ?? '')} | ${verdictText(a)}${a.gap ? ` (${a.gap})` : ''} | ${c(a.why)} | ${c(declaredText(a.declared))} |`,
      ),
    );
  if (r.holdersNotRead.length > 0)
    lines.push(
      '',
      `Holders were not read for ${r.holdersNotRead.length} role(s); their accounts are not judged.`,
    );
  return lines.join('\n') + '\n';
}
