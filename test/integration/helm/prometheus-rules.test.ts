// The chart's alerting rules as Prometheus evaluates them: the rule groups of the rendered PrometheusRule, run by
// `promtool test rules` (Prometheus's own rule unit tests) against series made up for each case. promtool is built
// from the Go module proxy into the tool cache on first use (scripts/tools/promtool.sh), like the other tools.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { kubeEnv } from '../../harness/kube-client.js';

const chart = 'helm/rolegate';
const shardsValues = 'test/fixtures/helm/shards-values.yaml';
const HELM = kubeEnv().HELM; // throws (never skips) when the kube component was not started

let promtool = '';
const dir = mkdtempSync(join(tmpdir(), 'rolegate-promtool-'));

interface Rule {
  alert?: string;
  annotations?: Record<string, string>;
}

/** The rule groups of the PrometheusRule the chart renders with `args`, written as a rule file. */
function ruleFile(name: string, ...args: string[]): { path: string; rules: Rule[] } {
  const out = execFileSync(
    HELM,
    ['template', 'rel', chart, '--set', 'metrics.prometheusRule.enabled=true', ...args],
    { encoding: 'utf8' },
  );
  const rule = parseAllDocuments(out)
    .map((d) => d.toJS() as { kind?: string; spec?: { groups: { rules: Rule[] }[] } } | null)
    .find((o) => o?.kind === 'PrometheusRule');
  const groups = rule!.spec!.groups;
  const path = join(dir, `${name}.rules.yaml`);
  writeFileSync(path, stringify({ groups }));
  return { path, rules: groups.flatMap((g) => g.rules) };
}

/** Runs `promtool test rules` on one test case; its output is the failure message. */
function promtoolTest(name: string, rules: string, test: unknown): void {
  const path = join(dir, `${name}.test.yaml`);
  writeFileSync(path, stringify({ rule_files: [rules], evaluation_interval: '1m', tests: [test] }));
  const r = spawnSync(promtool, ['test', 'rules', path], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status, `promtool test rules ${name}:\n${r.stdout}${r.stderr}`).toBe(0);
}

/** The summary of RolegateNoLeader for a Lease name, from the rule's own template. */
const summaryFor = (rules: Rule[], name: string): string =>
  rules
    .find((r) => r.alert === 'RolegateNoLeader')!
    .annotations!.summary!.replace('{{ $labels.name }}', name);

const leader = (lease: string, shard: string, value: 0 | 1) => ({
  series: `leader_election_master_status{name="${lease}",shard="${shard}"}`,
  values: `${value}x10`,
});

beforeAll(() => {
  promtool = execFileSync('bash', ['scripts/tools/promtool.sh'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}, 1_200_000);

describe('RolegateNoLeader, as promtool evaluates it', () => {
  it.each([
    {
      reason: 'every shard leads: no alert',
      series: [
        leader('rolegate-controller-gold', 'gold', 1),
        leader('rolegate-controller-silver', 'silver', 1),
        leader('rolegate-controller-rest', 'rest', 1),
      ],
      firing: [] as string[],
    },
    {
      reason: 'a shard whose replicas run but none leads fires, for that shard',
      series: [
        leader('rolegate-controller-gold', 'gold', 1),
        leader('rolegate-controller-silver', 'silver', 0),
        leader('rolegate-controller-rest', 'rest', 1),
      ],
      firing: ['rolegate-controller-silver'],
    },
    {
      reason: 'a shard none of whose replicas is scraped (no series at all) fires, for that shard',
      series: [
        leader('rolegate-controller-gold', 'gold', 1),
        leader('rolegate-controller-silver', 'silver', 1),
      ],
      firing: ['rolegate-controller-rest'],
    },
    {
      reason: 'one shard without a leader and one gone: both fire',
      series: [
        leader('rolegate-controller-gold', 'gold', 0),
        leader('rolegate-controller-silver', 'silver', 1),
      ],
      firing: ['rolegate-controller-gold', 'rolegate-controller-rest'],
    },
  ])('with shards: $reason', ({ series, firing }) => {
    const { path, rules } = ruleFile('shards', '-f', shardsValues);
    promtoolTest('shards', path, {
      interval: '1m',
      input_series: series,
      alert_rule_test: [
        {
          eval_time: '6m',
          alertname: 'RolegateNoLeader',
          exp_alerts: firing.map((name) => ({
            exp_labels: { severity: 'critical', name },
            exp_annotations: { summary: summaryFor(rules, name) },
          })),
        },
      ],
    });
  });

  it('without shards, fires when the controller is not scraped at all, and not while it leads', () => {
    const { path, rules } = ruleFile('plain');
    promtoolTest('plain', path, {
      interval: '1m',
      input_series: [
        { series: 'leader_election_master_status{name="rolegate-controller"}', values: '1x3 _x10' },
      ],
      alert_rule_test: [
        { eval_time: '3m', alertname: 'RolegateNoLeader', exp_alerts: [] },
        {
          // the series ended at 3m (stale after 5m more), then the 5 minutes of `for`
          eval_time: '15m',
          alertname: 'RolegateNoLeader',
          exp_alerts: [
            {
              exp_labels: { severity: 'critical' },
              exp_annotations: { summary: summaryFor(rules, '') },
            },
          ],
        },
      ],
    });
  });
});
