// `rolegate report`: the evidence an auditor asks for (are administrator roles behind MFA?), as one
// self-contained HTML page or the same data as JSON: the tenant, the time, each role's coverage by path, every
// account not behind MFA, and the drift rolegate corrected recently.
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseDuration } from '../api/duration.js';
import { objectKey } from '../api/keys.js';
import {
  declarations,
  withProvider,
  withProviderOptions,
  type ProviderCommandOptions,
} from './provider-command.js';
import { EXIT_CODES_HELP } from './exit-codes.js';
import { emit, outputFileOption, outputOption, toJson } from './output.js';
import { listAccounts } from './accounts.js';
import { assessCoverage } from '../reconcile/coverage/assess-coverage.js';
import { coverageReport, type CoverageReport, type DriftHistory } from './coverage-report.js';
import { renderCoverageHtml } from './coverage-html.js';
import { driftFromKubernetes, driftFromPlan, driftFromStatusFile } from './drift-history.js';
import { planAll } from './plan.js';
import { packageVersion } from './version.js';

/** The formats of `rolegate report`. */
export const REPORT_FORMATS = ['html', 'json'] as const;

/** The default window of corrections shown: 30 days. */
const DEFAULT_SINCE = '720h';

function sinceOption(): Option {
  return new Option(
    '--since <duration>',
    'show drift corrected within this Go-style duration (such as 168h)',
  )
    .default(DEFAULT_SINCE)
    .argParser((v: string) => {
      if (parseDuration(v) === undefined)
        throw new InvalidArgumentError(`expected a duration such as 720h or 168h, not ${v}`);
      return v;
    });
}

/** The one line printed on stdout when the report goes to a file. */
export function reportSummaryLine(r: CoverageReport, file: string): string {
  const s = r.summary;
  return `Wrote the MFA coverage report of IdentityProvider ${r.provider.name} to ${file}: ${s.roles} roles (${s.rolesWithoutMfaOnActivation} without MFA on activation), ${s.holdings} holdings read, ${r.notCovered.length} not behind MFA; drift: ${r.drift.entries.length} ${r.drift.source === 'livePlan' ? 'found now' : 'corrected or open'}.\n`;
}

/** The `report` command. */
export function reportCommand(): Command {
  return withProviderOptions(new Command('report'))
    .description(
      'Write an MFA coverage report for auditors: one self-contained HTML page, or the same data as JSON',
    )
    .addOption(outputOption(REPORT_FORMATS, 'html'))
    .addOption(outputFileOption('one line saying what was written'))
    .option(
      '--status-file <file>',
      'read the drift corrected recently from the status file of `run --dir --status-file`',
    )
    .option(
      '--kubernetes',
      'read the drift corrected recently from the PrivilegedRoles in the cluster',
      false,
    )
    .option(
      '--kubeconfig <file>',
      'with --kubernetes: kubeconfig (default: KUBECONFIG, ~/.kube/config, or in-cluster)',
    )
    .addOption(sinceOption())
    .addHelpText(
      'after',
      `
The page needs nothing but a browser: no script, no external style, font or image. Without --status-file or
--kubernetes there is no history of corrections; the report then shows the drift a live plan finds now and says
so.

${EXIT_CODES_HELP.report}

Examples:
  rolegate report examples/quickstart --emulator --output-file coverage.html
  rolegate report idp/ manifests/ --provider contoso --status-file /var/run/rolegate/status.json --output-file coverage.html
  rolegate report idp/ manifests/ --kubernetes -o json --output-file coverage.json`,
    )
    .action(
      async (
        paths: string[],
        o: ProviderCommandOptions & {
          output: string;
          outputFile?: string;
          statusFile?: string;
          kubernetes: boolean;
          kubeconfig?: string;
          since: string;
        },
      ) => {
        if (o.statusFile !== undefined && o.kubernetes)
          throw new Error('--status-file and --kubernetes both name where status is; give one');
        if (o.kubeconfig !== undefined && !o.kubernetes)
          throw new Error('--kubeconfig is only read with --kubernetes');
        await withProvider('report', paths, o, async (idp, session, roles, rt) => {
          const snap = await session.snapshot();
          const decl = declarations(idp, roles, snap, rt.source);
          const now = new Date();
          const since = new Date(now.getTime() - parseDuration(o.since)!).toISOString();
          const mine = roles.filter((r) => r.spec?.providerRef?.name === idp.metadata.name);
          let drift: DriftHistory;
          if (o.statusFile !== undefined) {
            drift = await driftFromStatusFile(
              o.statusFile,
              new Set(mine.map((r) => objectKey(r.metadata))),
              since,
            );
          } else if (o.kubernetes) {
            const [{ KubeClient }, { kubeTarget }] = await Promise.all([
              import('../kube/client.js'),
              import('./run-kubernetes.js'),
            ]);
            const kube = new KubeClient(kubeTarget(o.kubeconfig));
            try {
              drift = await driftFromKubernetes(kube, idp.metadata.name, since);
            } finally {
              await kube.close();
            }
          } else {
            drift = driftFromPlan((await planAll(rt)).rows, idp.metadata.name, paths.join(' '));
          }
          const report = coverageReport({
            idp,
            observedAt: snap.observedAt,
            generatedAt: now.toISOString(),
            generator: `rolegate ${packageVersion()}`,
            roles: snap.roles(),
            accounts: listAccounts(snap.roles(), assessCoverage, (r) => decl.of(r)),
            drift,
          });
          await emit(
            o.output === 'json' ? toJson(report) : renderCoverageHtml(report),
            o.outputFile,
            reportSummaryLine(report, o.outputFile ?? ''),
          );
        });
      },
    );
}
