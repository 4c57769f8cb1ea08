// `rolegate alerts`: the provider's own view of roles whose activation does not require MFA (Entra PIM's
// "Roles don't require multi-factor authentication for activation"), and the accounts whose use of a privileged
// role is not behind a second factor (standing holders no Conditional Access policy covers, excluded accounts,
// groups without activation MFA, direct grants), declared in manifests or not.
import { compareText } from '../api/compare-text.js';
import { Command } from 'commander';
import { rolesWithoutMfa } from '../reconcile/alerts.js';
import { groupOfScope } from '../api/role-target.js';
import { ProviderError, type ProviderAlert } from '../providers/types.js';
import {
  declarations,
  withProvider,
  withProviderOptions,
  type ProviderCommandOptions,
} from './provider-command.js';
import { EXIT_CODES_HELP } from './exit-codes.js';
import { emit, outputFileOption, outputOption, toJson, toYaml } from './output.js';
import { listAccounts } from './accounts.js';
import { assessCoverage } from '../reconcile/coverage/assess-coverage.js';
import {
  alertsExitCode,
  alertsReport,
  renderAlertsMarkdown,
  renderAlertsText,
  type AlertRow,
  type AlertsReport,
} from './alerts-report.js';
import { parsePlace, renderAlertsSarif } from './alerts-sarif.js';
import { packageVersion } from './version.js';

/** The formats of `rolegate alerts`. */
export const ALERTS_FORMATS = ['text', 'json', 'yaml', 'markdown', 'sarif'] as const;

/** The `alerts` command. */
export function alertsCommand(): Command {
  return withProviderOptions(new Command('alerts'))
    .description(
      'List roles whose activation does not require MFA and accounts whose use of a role is not behind MFA',
    )
    .addOption(outputOption(ALERTS_FORMATS, 'text'))
    .addOption(outputFileOption('the text tables'))
    .option(
      '--detailed-exitcode',
      'exit 2 when a role lacks MFA or an account is not covered, 0 when none, 1 on errors',
      false,
    )
    .addHelpText(
      'after',
      `
One row per account (user, group or application) holding a role through a path no second factor guards:
standing (active) assignments no enabled Conditional Access MFA policy includes, accounts a policy excludes,
eligible holders of roles or groups whose activation does not ask for MFA, Keycloak direct grants. Roles no
PrivilegedRole declares are listed too ("(not declared)"). Holders only conditionally covered (a policy with
locations, platforms or risk conditions) are listed as conditional.

${EXIT_CODES_HELP.alerts}

Examples:
  rolegate alerts examples/quickstart --emulator
  rolegate alerts idp/ --provider contoso -o json
  rolegate alerts idp/ --detailed-exitcode                  # scheduled CI audit: 2 when an account lacks MFA
  rolegate alerts idp/ -o sarif --output-file alerts.sarif  # code scanning, findings on the manifests`,
    )
    .action(
      async (
        paths: string[],
        o: ProviderCommandOptions & {
          output: string;
          outputFile?: string;
          detailedExitcode: boolean;
        },
      ) => {
        await withProvider('alerts', paths, o, async (idp, session, roles, { source }) => {
          let alerts: ProviderAlert[] | undefined;
          let from: AlertRow['source'] = 'provider';
          if (session.client.alerts) {
            try {
              alerts = await session.client.alerts();
            } catch (err) {
              // The provider's alerts are an extra (Entra: Graph beta, its own permission); without them the
              // snapshot still says which roles lack MFA.
              if (!(err instanceof ProviderError)) throw err;
              process.stderr.write(
                `Warning: ${idp.metadata.name}'s own alerts could not be read (${err.message}); listing roles without MFA from the snapshot instead\n`,
              );
            }
          }
          const snap = await session.snapshot();
          if (alerts === undefined) {
            from = 'snapshot';
            alerts = rolesWithoutMfa(snap.roles());
          }
          // PIM's alert covers directory roles only: the PIM for Groups accesses without MFA on activation come
          // from the snapshot, which holds them anyway.
          const groups =
            from === 'provider'
              ? rolesWithoutMfa(snap.roles().filter((r) => groupOfScope(r.scope) !== undefined))
              : [];
          const decl = declarations(idp, roles, snap, source);
          const rows: AlertRow[] = [
            ...alerts.map((a) => ({ ...a, declared: decl.ofId(a.roleId), source: from })),
            ...groups.map((a) => ({
              ...a,
              declared: decl.ofId(a.roleId),
              source: 'snapshot' as const,
            })),
          ].sort((a, b) => compareText(a.roleDisplayName, b.roleDisplayName));
          const report = alertsReport(
            idp.metadata.name,
            rows,
            listAccounts(snap.roles(), assessCoverage, (r) => decl.of(r)),
          );
          const text = renderAlertsText(report);
          await emit(
            await renderAlerts(report, o.output, (declared) => {
              const idpWhere = source.origin('IdentityProvider', idp.metadata.name);
              return (
                parsePlace(declared[0] !== undefined ? decl.where(declared[0]) : idpWhere) ??
                parsePlace(idpWhere)
              );
            }),
            o.outputFile,
            text,
          );
          process.exitCode = alertsExitCode(report, o.detailedExitcode);
        });
      },
    );
}

/** Renders an alerts report in one of ALERTS_FORMATS. */
export async function renderAlerts(
  r: AlertsReport,
  format: string,
  place: Parameters<typeof renderAlertsSarif>[1],
): Promise<string> {
  if (format === 'json') return toJson(r);
  if (format === 'yaml') return toYaml(r);
  if (format === 'markdown') return renderAlertsMarkdown(r);
  if (format === 'sarif') return renderAlertsSarif(r, place, { toolVersion: packageVersion() });
  return renderAlertsText(r);
}
