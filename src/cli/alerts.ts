// `rolegate alerts`: the provider's own view of roles whose activation does not require MFA (Entra PIM's
// "Roles don't require multi-factor authentication for activation"), declared in manifests or not.
import { Command } from 'commander';
import { rolesWithoutMfa } from '../reconcile/alerts.js';
import { ProviderError, type ProviderAlert } from '../providers/types.js';
import {
  withProvider,
  withProviderOptions,
  type ProviderCommandOptions,
} from './provider-command.js';
import { renderTable } from './table.js';
import { EXIT_CHANGES, EXIT_CODES_HELP, EXIT_OK } from './exit-codes.js';
import { emit, outputFileOption, outputOption, toJson, toYaml } from './output.js';

/** The formats of `rolegate alerts`. */
export const ALERTS_FORMATS = ['text', 'json', 'yaml'] as const;

/** One row of the alerts report. */
export interface AlertRow extends ProviderAlert {
  declared: string[];
  source: 'provider' | 'snapshot';
}

/** The `alerts` command. */
export function alertsCommand(): Command {
  return withProviderOptions(new Command('alerts'))
    .description('List roles whose activation does not require MFA, as the provider reports them')
    .addOption(outputOption(ALERTS_FORMATS, 'text'))
    .addOption(outputFileOption('the text table'))
    .option('--detailed-exitcode', 'exit 2 when a role does not require MFA, 0 when none', false)
    .addHelpText(
      'after',
      `\n${EXIT_CODES_HELP.alerts}\n\nExamples:\n  rolegate alerts examples/quickstart --emulator\n  rolegate alerts idp/ --provider contoso -o json\n  rolegate alerts idp/ --detailed-exitcode     # in a scheduled CI audit: 2 when a role lacks MFA`,
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
        await withProvider('alerts', paths, o, async (idp, session, roles) => {
          let alerts: ProviderAlert[] | undefined;
          let source: AlertRow['source'] = 'provider';
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
          if (alerts === undefined) {
            source = 'snapshot';
            alerts = rolesWithoutMfa((await session.snapshot()).roles());
          }
          const snap = await session.snapshot();
          const declaredBy = (roleId: string): string[] =>
            roles
              .filter((r) => r.spec?.providerRef?.name === idp.metadata.name)
              .filter((r) => {
                const l = snap.resolve(r.spec.role ?? {}, r.spec.scope ?? '/');
                return l.kind === 'Found' && l.role.roleId.toLowerCase() === roleId.toLowerCase();
              })
              .map((r) => `${r.metadata.namespace ?? 'default'}/${r.metadata.name}`);
          const rows: AlertRow[] = alerts
            .map((a) => ({ ...a, declared: declaredBy(a.roleId), source }))
            .sort((a, b) => a.roleDisplayName.localeCompare(b.roleDisplayName));
          const doc = { provider: idp.metadata.name, rolesWithoutMfa: rows.length, alerts: rows };
          const text =
            rows.length === 0
              ? `No role of ${idp.metadata.name} lacks MFA on activation.\n`
              : renderTable(
                  ['ROLE', 'ROLE ID', 'SEVERITY', 'DECLARED BY'],
                  rows.map((r) => [
                    r.roleDisplayName,
                    r.roleId,
                    r.severity,
                    r.declared.join(', ') || '(not declared)',
                  ]),
                ) +
                `\n${rows.length} role(s) of ${idp.metadata.name} do not require MFA on activation.\n`;
          await emit(
            o.output === 'json' ? toJson(doc) : o.output === 'yaml' ? await toYaml(doc) : text,
            o.outputFile,
            text,
          );
          process.exitCode = o.detailedExitcode && rows.length > 0 ? EXIT_CHANGES : EXIT_OK;
        });
      },
    );
}
