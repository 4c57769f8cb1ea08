// `rolegate apply`: one reconcile of every manifest, through the controller's own loop, then a summary.
import { Command } from 'commander';
import { parseDuration } from '../api/duration.js';
import { emulatorOption, oneShotRuntime } from './runtime.js';
import { planAll, renderPlanMarkdown, renderPlanText, type PlanReport } from './plan.js';
import { CORRECTED_EVENT } from '../controller/role-reconciler.js';
import { EXIT_CODES_HELP, EXIT_ERROR, EXIT_OK } from './exit-codes.js';
import { FILE_PATHS_HELP, manifestInputs } from './inputs.js';
import { withLogOptions, type LogFlags } from './log-options.js';
import { emit, outputFileOption, outputOption, toJson, toYaml } from './output.js';

/** The formats of `rolegate apply`. */
export const APPLY_FORMATS = ['text', 'json', 'yaml', 'markdown'] as const;

/** What apply did: the changes it made, the plan after them, and whether it finished before --timeout. */
export interface ApplyReport {
  changes: { object: string; change: string }[];
  /** Writes the provider refused or that did not show on read-back. */
  failures: { object: string; reason: string; error: string }[];
  after: PlanReport;
  finished: boolean;
}

/** Renders an apply report in one of APPLY_FORMATS. */
export async function renderApply(r: ApplyReport, format: string): Promise<string> {
  if (format === 'json') return toJson(r);
  if (format === 'yaml') return toYaml(r);
  const markdown = format === 'markdown';
  const title = markdown ? '### rolegate apply\n\n' : '';
  const item = (sign: string, object: string, text: string): string =>
    markdown ? `- \`${object}\`: ${text}` : `  ${sign} ${object}: ${text}`;
  const applied = r.changes.length
    ? `Applied ${r.changes.length} change(s):\n${r.changes.map((c) => item('+', c.object, c.change)).join('\n')}\n\n`
    : r.failures.length
      ? ''
      : 'No changes were needed.\n\n';
  const failed = r.failures.length
    ? `Failed ${r.failures.length} change(s):\n${r.failures.map((f) => item('!', f.object, f.error)).join('\n')}\n\n`
    : '';
  const changes = title + applied + failed;
  const unfinished = r.finished
    ? ''
    : 'Gave up waiting for retries (--timeout); some roles may not be reconciled.\n';
  return changes + (markdown ? renderPlanMarkdown(r.after) : renderPlanText(r.after)) + unfinished;
}

/** The `apply` command. */
export function applyCommand(): Command {
  return withLogOptions(
    new Command('apply')
      .description(
        'Reconcile PrivilegedRole manifests once: enable MFA where it is required, then verify and summarise',
      )
      .argument('<paths...>', FILE_PATHS_HELP)
      .addOption(outputOption(APPLY_FORMATS, 'text'))
      .addOption(outputFileOption('the text summary'))
      .addOption(emulatorOption())
      .option(
        '--allow-weakening',
        'allow removing MFA where a manifest says mfaRequired: false',
        false,
      )
      .option('--workers <n>', 'concurrent reconciles (writes made together are batched)', '50')
      .option('--timeout <duration>', 'give up waiting for retries after this long', '2m'),
    'info',
    'stderr',
  )
    .addHelpText(
      'after',
      `
${EXIT_CODES_HELP.apply}

Examples:
  rolegate apply examples/quickstart --emulator
  rolegate apply manifests/ -o json --output-file apply.json`,
    )
    .action(
      async (
        args: string[],
        o: LogFlags & {
          output: string;
          outputFile?: string;
          emulator: boolean;
          allowWeakening: boolean;
          workers: string;
          timeout: string;
        },
      ) => {
        const timeoutMs = parseDuration(o.timeout);
        if (timeoutMs === undefined)
          throw new Error(`--timeout ${o.timeout} is not a duration such as 2m`);
        const rt = await oneShotRuntime(
          await manifestInputs(args),
          { ...o, workers: Number(o.workers) },
          'info',
        );
        try {
          await rt.controller.start();
          const finished = await rt.controller.idle(timeoutMs);
          const changes = rt.events.recorded.filter((e) => e.reason === CORRECTED_EVENT);
          // A write the provider refused (403, a bad request) or did not show on read-back is a failed apply,
          // whatever a fresh plan says afterwards.
          const failures = rt.events.recorded.filter(
            (e) => e.reason === 'ProviderError' || e.reason === 'WriteNotVerified',
          );
          const report: ApplyReport = {
            changes: changes.map((c) => ({ object: c.key, change: c.note })),
            failures: failures.map((f) => ({ object: f.key, reason: f.reason, error: f.note })),
            after: await planAll(rt),
            finished,
          };
          await emit(
            await renderApply(report, o.output),
            o.outputFile,
            await renderApply(report, 'text'),
          );
          process.exitCode =
            !finished || failures.length > 0 || report.after.summary.blocked > 0
              ? EXIT_ERROR
              : EXIT_OK;
        } finally {
          await rt.close();
        }
      },
    );
}
