// `rolegate plan`: the drift between manifests and the live provider, computed by the same observe + plan()
// as the controller, without writing anything.
import { Command } from 'commander';
import { plan, type Plan } from '../reconcile/plan.js';
import { describeAction } from '../reconcile/action.js';
import { effectiveSpec } from '../api/v1alpha1/types.js';
import { emulatorOption, loadSource, oneShotRuntime, type DirectoryRuntime } from './runtime.js';
import { renderTable } from './table.js';
import { EXIT_CHANGES, EXIT_CODES_HELP, EXIT_ERROR, EXIT_OK } from './exit-codes.js';
import { FILE_PATHS_HELP, manifestInputs } from './inputs.js';
import { withLogOptions, type LogFlags } from './log-options.js';
import { emit, outputFileOption, outputOption, toJson, toYaml } from './output.js';

/** One row of a plan report. */
export interface PlanRow {
  key: string;
  origin?: string;
  provider: string;
  role: string;
  want: boolean | null;
  have: boolean | null;
  mechanism: string;
  enforcement: string;
  deletionPolicy: string;
  outcome: Plan['outcome'];
  reason: string;
  drift: Plan['drift'];
  actions: string[];
  message: string;
}

/** A plan report. */
export interface PlanReport {
  rows: PlanRow[];
  summary: {
    roles: number;
    inSync: number;
    toChange: number;
    drifted: number;
    refused: number;
    blocked: number;
    paused: number;
  };
  requests: Record<string, { requests: number; reads: number; writes: number }>;
}

/** Computes the plan of every PrivilegedRole a runtime's source holds. The source must have synced. */
export async function planAll(rt: DirectoryRuntime): Promise<PlanReport> {
  const rows: PlanRow[] = [];
  const keys = rt.source.roles.keys().sort();
  const observed = await Promise.all(keys.map((k) => rt.reconciler.observer.observe(k)));
  for (const o of observed) {
    if (!o) continue;
    const p = plan(o.input);
    const spec = o.input.spec ?? (o.role.spec ? safeSpec(o.role.spec) : undefined);
    const key = `${o.role.metadata.namespace ?? ''}/${o.role.metadata.name}`;
    const origin = rt.source.origin('PrivilegedRole', key);
    rows.push({
      key,
      ...(origin ? { origin } : {}),
      provider: spec?.providerRef ?? '',
      role: p.live?.roleDisplayName ?? spec?.role.displayName ?? spec?.role.id ?? '',
      want: spec ? spec.mfaRequired : null,
      have: p.mfa ? p.mfa.required : null,
      mechanism: p.mfa?.mechanism ?? '',
      enforcement: spec?.enforcement ?? '',
      deletionPolicy: spec?.deletionPolicy ?? '',
      outcome: p.outcome,
      reason: p.conditions[0]?.reason ?? '',
      drift: p.drift,
      actions: p.actions.map(describeAction),
      message: p.summary,
    });
  }
  const count = (o: Plan['outcome']): number => rows.filter((r) => r.outcome === o).length;
  const requests: PlanReport['requests'] = {};
  for (const idp of rt.source.providers.list()) {
    const s = await rt.registry.peek(idp.metadata.name);
    const st = s?.client.stats?.();
    if (st)
      requests[idp.metadata.name] = { requests: st.requests, reads: st.reads, writes: st.writes };
  }
  return {
    rows,
    summary: {
      roles: rows.length,
      inSync: count('InSync'),
      toChange: count('Correct'),
      drifted: count('Drifted'),
      refused: count('Refused'),
      blocked: count('Blocked'),
      paused: count('Paused'),
    },
    requests,
  };
}

function safeSpec(
  s: Parameters<typeof effectiveSpec>[0],
): ReturnType<typeof effectiveSpec> | undefined {
  try {
    return effectiveSpec(s);
  } catch {
    return undefined;
  }
}

const yesNo = (v: boolean | null): string => (v === null ? '?' : v ? 'yes' : 'no');
const ACTION: Record<Plan['outcome'], string> = {
  InSync: 'no change',
  Correct: 'update',
  Drifted: 'drift (Audit, no write)',
  Refused: 'refused',
  Blocked: 'blocked',
  Paused: 'paused',
};

/**
 * Whether a row needs its reason and message: anything but a Ready role. An InSync role can still be not Ready
 * (holderCoverage: Require with holders not covered), and that must not read as a blank "no change".
 */
const detailShown = (x: PlanRow): boolean => x.outcome !== 'InSync' || x.reason !== 'InSync';

/** Renders a plan as a terminal table. */
export function renderPlanText(r: PlanReport): string {
  const table = renderTable(
    [
      'NAME',
      'ROLE',
      'PROVIDER',
      'MFA WANT',
      'MFA HAVE',
      'ENFORCEMENT',
      'ON DELETE',
      'ACTION',
      'DETAIL',
    ],
    r.rows.map((x) => [
      x.key,
      x.role,
      x.provider,
      yesNo(x.want),
      x.have === null ? '?' : `${yesNo(x.have)}${x.mechanism && x.have ? ` (${x.mechanism})` : ''}`,
      x.enforcement,
      x.deletionPolicy,
      ACTION[x.outcome],
      detailShown(x) ? `${x.reason}: ${x.message}` : '',
    ]),
  );
  const changes = r.rows.flatMap((x) => x.actions.map((a) => `  ~ ${x.key}: ${a}`));
  const s = r.summary;
  const req = Object.entries(r.requests).map(
    ([n, q]) =>
      `${n}: ${q.requests} HTTP requests carrying ${q.reads} reads and ${q.writes} writes`,
  );
  return (
    table +
    (changes.length ? `\nChanges:\n${changes.join('\n')}\n` : '') +
    `\nPlan: ${s.toChange} to change, ${s.inSync} in sync, ${s.drifted} drifted in Audit, ${s.refused} refused, ${s.blocked} blocked, ${s.paused} paused.\n` +
    (req.length ? `Provider requests: ${req.join('; ')}\n` : '')
  );
}

/** Renders a plan as a Markdown pull-request comment. */
export function renderPlanMarkdown(r: PlanReport): string {
  const s = r.summary;
  const esc = (t: string): string => t.replace(/\|/g, '\\|');
  const lines = [
    '### rolegate plan',
    '',
    `**${s.toChange} to change**, ${s.inSync} in sync, ${s.drifted} drifted in Audit, ${s.refused} refused, ${s.blocked} blocked, ${s.paused} paused.`,
    '',
    '| PrivilegedRole | Role | MFA want | MFA have | Enforcement | Action | Detail |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...r.rows.map(
      (x) =>
        `| \`${x.key}\` | ${esc(x.role)} | ${yesNo(x.want)} | ${yesNo(x.have)} | ${x.enforcement} | ${ACTION[x.outcome]} | ${detailShown(x) ? esc(`${x.reason}: ${x.message}`) : ''} |`,
    ),
  ];
  const changes = r.rows.flatMap((x) => x.actions.map((a) => `- \`${x.key}\`: ${esc(a)}`));
  if (changes.length)
    lines.push('', '<details><summary>Changes</summary>', '', ...changes, '', '</details>');
  return lines.join('\n') + '\n';
}

/** Exit code of plan: 1 on errors; with --detailed-exitcode 2 when anything would change or drifted. */
export function planExitCode(r: PlanReport, detailed: boolean): number {
  if (r.summary.blocked > 0) return EXIT_ERROR;
  if (detailed && (r.summary.toChange > 0 || r.summary.drifted > 0 || r.summary.refused > 0))
    return EXIT_CHANGES;
  return EXIT_OK;
}

/** The formats of `rolegate plan`. */
export const PLAN_FORMATS = ['text', 'json', 'yaml', 'markdown'] as const;

/** Renders a plan in one of PLAN_FORMATS. */
export async function renderPlan(r: PlanReport, format: string): Promise<string> {
  if (format === 'json') return toJson(r);
  if (format === 'yaml') return toYaml(r);
  if (format === 'markdown') return renderPlanMarkdown(r);
  return renderPlanText(r);
}

/** The `plan` command. */
export function planCommand(): Command {
  return withLogOptions(
    new Command('plan')
      .description(
        'Show the drift between PrivilegedRole manifests and the live identity provider, without writing',
      )
      .argument('<paths...>', FILE_PATHS_HELP)
      .addOption(outputOption(PLAN_FORMATS, 'text'))
      .addOption(outputFileOption('the text table'))
      .option(
        '--detailed-exitcode',
        'exit 2 when there is drift, 0 when everything is in sync, 1 on errors (as terraform plan)',
        false,
      )
      .addOption(emulatorOption())
      .option(
        '--allow-weakening',
        'plan as a controller started with --allow-weakening would',
        false,
      ),
    'warn',
    'stderr',
  )
    .addHelpText(
      'after',
      `
${EXIT_CODES_HELP.plan}

Examples:
  rolegate plan examples/quickstart --emulator
  rolegate plan manifests/ --detailed-exitcode                          # in CI: 0 in sync, 2 drift, 1 error
  rolegate plan manifests/ -o markdown --output-file plan.md            # a pull-request comment, table on stdout`,
    )
    .action(
      async (
        args: string[],
        o: LogFlags & {
          output: string;
          outputFile?: string;
          detailedExitcode: boolean;
          emulator: boolean;
          allowWeakening: boolean;
        },
      ) => {
        const rt = await oneShotRuntime(await manifestInputs(args), o, 'warn');
        try {
          await loadSource(rt);
          const report = await planAll(rt);
          await emit(await renderPlan(report, o.output), o.outputFile, renderPlanText(report));
          process.exitCode = planExitCode(report, o.detailedExitcode);
        } finally {
          await rt.registry.close();
          await rt.emulator?.close();
        }
      },
    );
}
