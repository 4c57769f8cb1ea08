// `rolegate apply`: one reconcile of every manifest, through the controller's own loop, then a summary.
import { Command, Option } from 'commander';
import { parseDuration } from '../api/duration.js';
import { oneShotRuntime } from './runtime.js';
import { planAll, renderPlanText } from './plan.js';
import { CORRECTED_EVENT } from '../controller/reconciler.js';

/** The `apply` command. */
export function applyCommand(): Command {
  return new Command('apply')
    .description(
      'Reconcile PrivilegedRole manifests once: enable MFA where it is required, then verify and summarise',
    )
    .argument('<paths...>', 'files or directories of manifests (searched recursively)')
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['text', 'json'])
        .default('text'),
    )
    .option(
      '--emulator',
      'use the in-process Graph emulator for IdentityProviders with Emulator credentials',
      false,
    )
    .option(
      '--allow-weakening',
      'allow removing MFA where a manifest says mfaRequired: false',
      false,
    )
    .option('--workers <n>', 'concurrent reconciles (writes made together are batched)', '50')
    .option('--timeout <duration>', 'give up waiting for retries after this long', '2m')
    .option('--log-level <level>', 'log level (logs go to stderr)', 'info')
    .addHelpText(
      'after',
      `
Examples:
  rolegate apply examples/quickstart --emulator
  rolegate apply manifests/ --output json`,
    )
    .action(
      async (
        paths: string[],
        o: {
          output: string;
          emulator: boolean;
          allowWeakening: boolean;
          workers: string;
          timeout: string;
          logLevel: string;
        },
      ) => {
        const rt = await oneShotRuntime(paths, { ...o, workers: Number(o.workers) });
        try {
          await rt.controller.start();
          const finished = await rt.controller.idle(parseDuration(o.timeout) ?? 120_000);
          const changes = rt.events.recorded.filter((e) => e.reason === CORRECTED_EVENT);
          // A write the provider refused (403, a bad request) or did not show on read-back is a failed apply,
          // whatever a fresh plan says afterwards.
          const failures = rt.events.recorded.filter(
            (e) => e.reason === 'ProviderError' || e.reason === 'WriteNotVerified',
          );
          const report = await planAll(rt);
          if (o.output === 'json') {
            process.stdout.write(
              JSON.stringify(
                {
                  changes: changes.map((c) => ({ object: c.key, change: c.note })),
                  failures: failures.map((f) => ({
                    object: f.key,
                    reason: f.reason,
                    error: f.note,
                  })),
                  after: report,
                  finished,
                },
                null,
                2,
              ) + '\n',
            );
          } else {
            process.stdout.write(
              changes.length
                ? `Applied ${changes.length} change(s):\n${changes.map((c) => `  + ${c.key}: ${c.note}`).join('\n')}\n\n`
                : failures.length
                  ? ''
                  : 'No changes were needed.\n\n',
            );
            if (failures.length)
              process.stdout.write(
                `Failed ${failures.length} change(s):\n${failures.map((f) => `  ! ${f.key}: ${f.note}`).join('\n')}\n\n`,
              );
            process.stdout.write(renderPlanText(report));
            if (!finished)
              process.stdout.write(
                'Gave up waiting for retries (--timeout); some roles may not be reconciled.\n',
              );
          }
          process.exitCode = !finished || failures.length > 0 || report.summary.blocked > 0 ? 1 : 0;
        } finally {
          await rt.close();
        }
      },
    );
}
