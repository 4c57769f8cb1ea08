// `rolegate alerts`: the provider's own view of roles whose activation does not require MFA (Entra PIM's
// "Roles don't require multi-factor authentication for activation"), declared in manifests or not.
import { Command, Option } from 'commander';
import { rolesWithoutMfa } from '../reconcile/alerts.js';
import { ProviderError, type ProviderAlert } from '../providers/types.js';
import {
  withProvider,
  withProviderOptions,
  type ProviderCommandOptions,
} from './provider-command.js';
import { renderTable } from './table.js';

/** One row of the alerts report. */
export interface AlertRow extends ProviderAlert {
  declared: string[];
  source: 'provider' | 'snapshot';
}

/** The `alerts` command. */
export function alertsCommand(): Command {
  return withProviderOptions(new Command('alerts'))
    .description('List roles whose activation does not require MFA, as the provider reports them')
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['text', 'json'])
        .default('text'),
    )
    .addHelpText(
      'after',
      `\nExamples:\n  rolegate alerts examples/quickstart --emulator\n  rolegate alerts idp/ --provider contoso -o json`,
    )
    .action(async (paths: string[], o: ProviderCommandOptions & { output: string }) => {
      await withProvider(paths, o, async (idp, session, roles) => {
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
              `warning: ${idp.metadata.name}'s own alerts could not be read (${err.message}); listing roles without MFA from the snapshot instead\n`,
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
        if (o.output === 'json') {
          process.stdout.write(
            JSON.stringify(
              { provider: idp.metadata.name, rolesWithoutMfa: rows.length, alerts: rows },
              null,
              2,
            ) + '\n',
          );
        } else {
          process.stdout.write(
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
                  `\n${rows.length} role(s) of ${idp.metadata.name} do not require MFA on activation.\n`,
          );
        }
      });
    });
}
