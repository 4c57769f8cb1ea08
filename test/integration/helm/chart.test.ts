// The Helm chart against the real kube-apiserver of the integration run: lint, render and apply with a
// server-side dry run (the API server's own validation and PodSecurity admission), the values schema, a real
// `helm install`, and what the installed ServiceAccount may and may not do, asked of the API server's RBAC
// authorizer with `kubectl auth can-i --as`. The API server runs no controllers: no Pods are ever created, so
// nothing here waits for a rollout.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { kubeEnv } from '../../harness/kube-client.js';

const chart = 'helm/rolegate';
// The leader-election Lease: the one name config/rbac/role.yaml grants get/update on.
const leaseName = (
  parse(readFileSync('config/rbac/role.yaml', 'utf8')) as {
    rules: { resources: string[]; resourceNames?: string[] }[];
  }
).rules.find((r) => r.resources.includes('leases') && r.resourceNames)!.resourceNames![0]!;
const fullValues = 'test/fixtures/helm/full-values.yaml';
const kube = kubeEnv(); // throws (never skips) when the kube component was not started

const KUBECTL = kube.KUBECTL;
const HELM = kube.HELM;
// helm keeps its config, cache and data out of the user's home.
const helmHome = mkdtempSync(join(tmpdir(), 'rolegate-helm-'));
const childEnv = {
  ...process.env,
  KUBECONFIG: kube.KUBECONFIG,
  HELM_CONFIG_HOME: join(helmHome, 'config'),
  HELM_CACHE_HOME: join(helmHome, 'cache'),
  HELM_DATA_HOME: join(helmHome, 'data'),
};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], input?: string): Run {
  const r = spawnSync(cmd, args, { env: childEnv, encoding: 'utf8', input, timeout: 60_000 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a command that must succeed; its output otherwise is the failure message. */
function ok(cmd: string, args: string[], input?: string): string {
  const r = run(cmd, args, input);
  const name = cmd === HELM ? 'helm' : cmd === KUBECTL ? 'kubectl' : cmd;
  expect(r.code, `${name} ${args.join(' ')} exited ${r.code}\n${r.stderr}${r.stdout}`).toBe(0);
  return r.stdout;
}

const kubectl = (...args: string[]): string => ok(KUBECTL, args);
const helm = (...args: string[]): string => ok(HELM, args);
const suffix = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;

/** A namespace of this test file, labelled to enforce (and warn about) the restricted Pod Security Standard. */
function namespace(prefix: string): string {
  const ns = `${prefix}-${suffix}`;
  kubectl('create', 'namespace', ns);
  kubectl(
    'label',
    'namespace',
    ns,
    'pod-security.kubernetes.io/enforce=restricted',
    'pod-security.kubernetes.io/warn=restricted',
    'pod-security.kubernetes.io/audit=restricted',
  );
  return ns;
}

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [k: string]: unknown;
}

function objects(yamlText: string): K8sObject[] {
  return parseAllDocuments(yamlText)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

/** kubectl apply --dry-run=server: the API server validates (schema, defaults, admission) without storing. */
function applyDryRun(ns: string, manifests: string): Run {
  const r = run(KUBECTL, ['apply', '--dry-run=server', '-n', ns, '-f', '-'], manifests);
  expect(r.code, `kubectl apply --dry-run=server failed:\n${r.stderr}${r.stdout}`).toBe(0);
  return r;
}

// monitoring.coreos.com is not part of Kubernetes. Schemaless stand-ins for Prometheus Operator's CRDs make the
// API server accept ServiceMonitors and PrometheusRules, so the rendered objects are at least known to their group
// and kind.
const standIn = (kind: string, plural: string): string => `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${plural}.monitoring.coreos.com
spec:
  group: monitoring.coreos.com
  scope: Namespaced
  names: { kind: ${kind}, listKind: ${kind}List, plural: ${plural}, singular: ${kind.toLowerCase()} }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true }
`;
const standIns = ['servicemonitors', 'prometheusrules'].map((p) => `${p}.monitoring.coreos.com`);

beforeAll(() => {
  ok(
    KUBECTL,
    ['apply', '-f', '-'],
    [
      standIn('ServiceMonitor', 'servicemonitors'),
      standIn('PrometheusRule', 'prometheusrules'),
    ].join('---\n'),
  );
  kubectl(
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    ...standIns.map((n) => `crd/${n}`),
  );
});

afterAll(() => {
  run(KUBECTL, ['delete', 'crd', ...standIns, '--wait=false', '--ignore-not-found']);
});

describe('helm lint', () => {
  it.each([
    { name: 'default values', args: [] as string[] },
    { name: 'the full values file', args: ['-f', fullValues] },
  ])('passes --strict with $name', ({ args }) => {
    const out = helm('lint', '--strict', chart, ...args);
    expect(out).toContain('0 chart(s) failed');
  });
});

describe("the chart's CRDs", () => {
  it('are accepted by the API server as the chart renders them (structural schemas)', () => {
    // A server-side dry-run apply of the rendered CRD templates: the API server validates them as it does on
    // `helm install` and `helm upgrade`, which create and update them.
    const crds = objects(helm('template', 'rolegate', chart)).filter(
      (o) => o.kind === 'CustomResourceDefinition',
    );
    expect(crds.map((c) => c.metadata.name).sort()).toEqual([
      'identityproviders.rolegate.io',
      'privilegedroles.rolegate.io',
    ]);
    const r = run(
      KUBECTL,
      ['apply', '--server-side', '--force-conflicts', '--dry-run=server', '-f', '-'],
      crds.map((c) => JSON.stringify(c)).join('\n'),
    );
    expect(r.code, `the API server rejects the chart's CRDs:\n${r.stderr}`).toBe(0);
  });

  it.each([
    {
      reason: 'installed and kept on uninstall by default',
      args: [] as string[],
      count: 2,
      keep: true,
    },
    {
      reason: 'left out with crds.install=false',
      args: ['--set', 'crds.install=false'],
      count: 0,
      keep: false,
    },
    {
      reason: 'deleted with the release when crds.keep=false',
      args: ['--set', 'crds.keep=false'],
      count: 2,
      keep: false,
    },
  ])('are $reason', ({ args, count, keep }) => {
    const crds = objects(helm('template', 'rolegate', chart, ...args)).filter(
      (o) => o.kind === 'CustomResourceDefinition',
    );
    expect(crds).toHaveLength(count);
    for (const c of crds) {
      expect(c.metadata.annotations?.['helm.sh/resource-policy']).toBe(keep ? 'keep' : undefined);
      expect(c.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('Helm');
    }
  });
});

describe('helm template | kubectl apply --dry-run=server', () => {
  it.each([
    { name: 'default values', prefix: 'tpl-default', args: [] as string[] },
    { name: 'the full values file', prefix: 'tpl-full', args: ['-f', fullValues] },
  ])('the API server accepts every object rendered with $name', ({ prefix, args }) => {
    const ns = namespace(prefix);
    const rendered = helm('template', 'rolegate', chart, '--namespace', ns, ...args);
    const kinds = objects(rendered).map((o) => o.kind);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'Deployment',
        'ServiceAccount',
        'ClusterRole',
        'ClusterRoleBinding',
        'Role',
        'RoleBinding',
        'Service',
        'PodDisruptionBudget',
      ]),
    );
    const r = applyDryRun(ns, rendered);
    // The namespace warns about anything that would break the restricted Pod Security Standard.
    expect(r.stderr).not.toMatch(/warning/i);
    expect(r.stdout.trim().split('\n')).toHaveLength(kinds.length);
  });

  it('renders the optional ServiceMonitor, PrometheusRule and NetworkPolicy only when enabled', () => {
    const kindsOf = (args: string[]): string[] =>
      objects(helm('template', 'rolegate', chart, ...args)).map((o) => o.kind);
    for (const kind of ['ServiceMonitor', 'PrometheusRule', 'NetworkPolicy'])
      expect(kindsOf([])).not.toContain(kind);
    expect(kindsOf(['-f', fullValues])).toEqual(
      expect.arrayContaining(['ServiceMonitor', 'PrometheusRule', 'NetworkPolicy']),
    );
  });

  it("puts config/prometheus/rules.yaml's groups in the PrometheusRule as written, then the additional ones", () => {
    const rule = objects(helm('template', 'rolegate', chart, '-f', fullValues)).find(
      (o) => o.kind === 'PrometheusRule',
    ) as unknown as {
      spec: {
        groups: {
          name: string;
          rules: { alert: string; annotations?: Record<string, string> }[];
        }[];
      };
    };
    const source = parse(readFileSync('config/prometheus/rules.yaml', 'utf8')) as {
      groups: unknown[];
    };
    expect(rule.spec.groups.slice(0, source.groups.length)).toEqual(source.groups);
    expect(rule.spec.groups.at(-1)!.name).toBe('rolegate-local');
    // Prometheus's own template expressions reach it untouched by Helm.
    const noMfa = rule.spec.groups[0]!.rules.find((r) => r.alert === 'RolegateRolesWithoutMfa');
    expect(noMfa?.annotations?.summary).toContain('{{ $labels.provider }}');
  });

  it.each([
    {
      reason: 'two replicas: minAvailable 1, so a drain never takes both',
      args: [] as string[],
      want: { minAvailable: 1 },
    },
    {
      reason: 'one replica: none, since minAvailable 1 over one pod would block every node drain',
      args: ['--set', 'replicaCount=1'],
      want: undefined,
    },
    {
      reason: 'one replica with maxUnavailable: the budget, and it lets a drain through',
      args: ['--set', 'replicaCount=1', '--set', 'podDisruptionBudget.maxUnavailable=1'],
      want: { maxUnavailable: 1 },
    },
    {
      reason: 'maxUnavailable as a percentage replaces minAvailable',
      args: ['--set-string', 'podDisruptionBudget.maxUnavailable=50%'],
      want: { maxUnavailable: '50%' },
    },
    {
      reason: 'disabled: none',
      args: ['--set', 'podDisruptionBudget.enabled=false'],
      want: undefined,
    },
  ])('renders the PodDisruptionBudget: $reason', ({ args, want }) => {
    const pdb = objects(helm('template', 'rolegate', chart, ...args)).find(
      (o) => o.kind === 'PodDisruptionBudget',
    ) as unknown as { spec: Record<string, unknown> } | undefined;
    if (want === undefined) expect(pdb).toBeUndefined();
    else {
      const { selector, ...rest } = pdb!.spec;
      expect(selector).toBeDefined();
      expect(rest).toEqual(want);
    }
  });

  it.each([
    {
      reason:
        'the default: nodes then zones, softly, each selecting this release pods of one ReplicaSet',
      args: [] as string[],
      want: [
        {
          topologyKey: 'kubernetes.io/hostname',
          whenUnsatisfiable: 'ScheduleAnyway',
          chartSelector: true,
        },
        {
          topologyKey: 'topology.kubernetes.io/zone',
          whenUnsatisfiable: 'ScheduleAnyway',
          chartSelector: true,
        },
      ],
    },
    {
      reason: 'a constraint with its own labelSelector is kept as written',
      args: ['-f', fullValues],
      want: [
        {
          topologyKey: 'topology.kubernetes.io/zone',
          whenUnsatisfiable: 'DoNotSchedule',
          chartSelector: true,
        },
        {
          topologyKey: 'kubernetes.io/hostname',
          whenUnsatisfiable: 'ScheduleAnyway',
          chartSelector: false,
        },
      ],
    },
    { reason: 'an empty list: none', args: ['--set', 'topologySpreadConstraints=null'], want: [] },
  ])('renders topologySpreadConstraints: $reason', ({ args, want }) => {
    const d = objects(helm('template', 'rolegate', chart, ...args)).find(
      (o) => o.kind === 'Deployment',
    ) as unknown as DeploymentShape;
    const got = (d.spec.template.spec.topologySpreadConstraints ?? []) as {
      topologyKey: string;
      whenUnsatisfiable: string;
      labelSelector: { matchLabels: Record<string, string> };
      matchLabelKeys?: string[];
    }[];
    expect(
      got.map((c) => ({
        topologyKey: c.topologyKey,
        whenUnsatisfiable: c.whenUnsatisfiable,
        chartSelector:
          c.labelSelector.matchLabels['app.kubernetes.io/name'] !== undefined &&
          c.matchLabelKeys?.[0] === 'pod-template-hash',
      })),
    ).toEqual(want);
  });

  it('refuses the former topologySpread key with the way to migrate', () => {
    const r = run(HELM, ['template', 'rolegate', chart, '--set', 'topologySpread.enabled=true']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('topologySpread was replaced by topologySpreadConstraints');
  });

  it('passes the leader-election timings as flags the controller accepts', () => {
    const d = objects(
      helm(
        'template',
        'rolegate',
        chart,
        '--set',
        'controller.leaderElection.leaseDuration=30s',
        '--set',
        'controller.leaderElection.renewDeadline=20s',
        '--set',
        'controller.leaderElection.retryPeriod=4s',
      ),
    ).find((o) => o.kind === 'Deployment') as unknown as DeploymentShape;
    const args = d.spec.template.spec.containers[0]!.args;
    expect(args).toEqual(
      expect.arrayContaining([
        '--leader-elect-lease-duration=30s',
        '--leader-elect-renew-deadline=20s',
        '--leader-elect-retry-period=4s',
      ]),
    );
    // Every flag the chart passes is one `rolegate run` knows (the built CLI's own help).
    const help = ok(process.execPath, ['dist/cli/main.js', 'run', '--help']);
    for (const a of args.filter((x) => x.startsWith('--')))
      expect(help, `rolegate run --help has no ${a.split('=')[0]}`).toContain(a.split('=')[0]);
  });

  it('puts commonLabels on every object, templates extraObjects and mounts extraVolumes', () => {
    const ns = 'rolegate-system';
    const all = objects(helm('template', 'rel', chart, '--namespace', ns, '-f', fullValues));
    // Every object the chart makes; an extraObject has the labels its author gives it (keycloak-ca has none).
    for (const o of all.filter((x) => x.metadata.name !== 'keycloak-ca'))
      expect(o.metadata.labels?.['example.test/cost-center'], `${o.kind} ${o.metadata.name}`).toBe(
        'security',
      );
    const ca = all.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'keycloak-ca') as
      (K8sObject & { data: Record<string, string> }) | undefined;
    expect(ca?.metadata.namespace).toBe(ns);
    expect(ca?.data['ca.crt']).toBe('# the private CA of rel');
    expect(all.find((o) => o.metadata.name === 'rolegate-full-extra')?.kind).toBe('ConfigMap');
    const pod = (all.find((o) => o.kind === 'Deployment') as unknown as DeploymentShape).spec
      .template.spec as unknown as {
      volumes: { name: string }[];
      containers: { volumeMounts: { name: string; mountPath: string }[] }[];
    };
    expect(pod.volumes.map((v) => v.name)).toEqual(['tmp', 'keycloak-ca']);
    expect(pod.containers[0]!.volumeMounts).toContainEqual(
      expect.objectContaining({ name: 'keycloak-ca', mountPath: '/etc/rolegate/keycloak-ca' }),
    );
  });

  it('names a locally built image by default, never a registry image', () => {
    const d = objects(helm('template', 'rolegate', chart)).find(
      (o) => o.kind === 'Deployment',
    ) as unknown as DeploymentShape;
    const appVersion = (
      parse(readFileSync(`${chart}/Chart.yaml`, 'utf8')) as { appVersion: string }
    ).appVersion;
    expect(d.spec.template.spec.containers[0]!.image).toBe(`localhost/rolegate:${appVersion}`);
  });

  it.each([
    { reason: 'view on by default, edit off', args: [] as string[], want: ['view'] },
    {
      reason: 'both when asked',
      args: ['--set', 'rbac.aggregateTo.edit=true'],
      want: ['view', 'edit'],
    },
    { reason: 'none', args: ['--set', 'rbac.aggregateTo.view=false'], want: [] },
  ])('renders aggregated ClusterRoles for people: $reason', ({ args, want }) => {
    const roles = objects(helm('template', 'rolegate', chart, ...args)).filter(
      (o) =>
        o.kind === 'ClusterRole' &&
        Object.keys(o.metadata.labels ?? {}).some((l) =>
          l.startsWith('rbac.authorization.k8s.io/aggregate-to-'),
        ),
    );
    expect(
      roles.map((r) =>
        r.metadata.labels?.['rbac.authorization.k8s.io/aggregate-to-edit'] ? 'edit' : 'view',
      ),
    ).toEqual(want);
  });

  it('passes --allow-weakening only when controller.allowWeakening is true', () => {
    const args = (extra: string[]): string[] => {
      const d = objects(helm('template', 'rolegate', chart, ...extra)).find(
        (o) => o.kind === 'Deployment',
      );
      return (d as unknown as DeploymentShape).spec.template.spec.containers[0]!.args;
    };
    expect(args([])).not.toContain('--allow-weakening');
    expect(args(['--set', 'controller.allowWeakening=false'])).not.toContain('--allow-weakening');
    expect(args(['--set', 'controller.allowWeakening=true'])).toContain('--allow-weakening');
  });

  // The heap limits follow the container's memory limit: V8 would otherwise size its heap from the node's memory.
  it.each([
    {
      reason:
        'the defaults: half of the 256Mi limit, a 2 MiB semi-space (as the benchmarks run it)',
      extra: [],
      want: '--max-old-space-size=128 --max-semi-space-size=2',
    },
    {
      reason: 'a larger limit in Gi raises the old generation with it',
      extra: ['--set', 'resources.limits.memory=1Gi'],
      want: '--max-old-space-size=512 --max-semi-space-size=2',
    },
    {
      reason:
        'decimal units and a fractional quantity are understood (300M = 286.1 MiB, 60% → 171)',
      extra: [
        '--set',
        'resources.limits.memory=300M',
        '--set',
        'controller.nodeHeap.limitPercent=60',
      ],
      want: '--max-old-space-size=171 --max-semi-space-size=2',
    },
    {
      reason: 'an explicit maxOldSpaceSize wins over the percentage',
      extra: ['--set', 'controller.nodeHeap.maxOldSpaceSize=200'],
      want: '--max-old-space-size=200 --max-semi-space-size=2',
    },
    {
      reason: "no memory limit: no old-space cap (V8's default), still the small young generation",
      extra: ['--set', 'resources.limits=null'],
      want: '--max-semi-space-size=2',
    },
    {
      reason: "maxSemiSpaceSize 0 keeps V8's default young generation",
      extra: ['--set', 'controller.nodeHeap.maxSemiSpaceSize=0'],
      want: '--max-old-space-size=128',
    },
    {
      reason:
        'a NODE_OPTIONS in extraEnv replaces the chart’s flags entirely (one NODE_OPTIONS, the user’s)',
      extra: ['-f', fullValues],
      want: '--max-old-space-size=256',
    },
  ])('sets NODE_OPTIONS from the memory limit: $reason', ({ extra, want }) => {
    const d = objects(helm('template', 'rolegate', chart, ...extra)).find(
      (o) => o.kind === 'Deployment',
    ) as unknown as DeploymentShape;
    const env = d.spec.template.spec.containers[0]!.env as { name: string; value?: string }[];
    expect(env.filter((e) => e.name === 'NODE_OPTIONS')).toEqual([
      { name: 'NODE_OPTIONS', value: want },
    ]);
  });

  it('refuses a memory limit it cannot size the heap from, naming the value', () => {
    // 500m (milli-bytes) passes the quantity schema but means nothing for memory
    const r = run(HELM, ['template', 'rolegate', chart, '--set', 'resources.limits.memory=500m']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('resources.limits.memory "500m"');
  });
});

describe('values.schema.json', () => {
  it.each([
    {
      name: 'a string replicaCount',
      args: ['--set-string', 'replicaCount=two'],
      message: "at '/replicaCount': got string, want integer",
    },
    {
      name: 'an unknown top-level key',
      args: ['--set', 'replicas=2'],
      message: "additional properties 'replicas' not allowed",
    },
    {
      name: 'an unknown nested key',
      args: ['--set', 'controller.allowWeaken=true'],
      message: "at '/controller': additional properties 'allowWeaken' not allowed",
    },
    {
      name: 'a string allowWeakening',
      args: ['--set-string', 'controller.allowWeakening=yes'],
      message: "at '/controller/allowWeakening': got string, want boolean",
    },
    {
      name: 'an unknown log level',
      args: ['--set', 'controller.logLevel=verbose'],
      message:
        "at '/controller/logLevel': value must be one of 'trace', 'debug', 'info', 'warn', 'error'",
    },
    {
      name: 'workload identity without a client ID',
      args: ['--set', 'azure.workloadIdentity.enabled=true'],
      message: "at '/azure/workloadIdentity/clientId'",
    },
    {
      name: 'an image pull policy in lower case',
      args: ['--set', 'image.pullPolicy=always'],
      message: "at '/image/pullPolicy': value must be one of 'Always', 'IfNotPresent', 'Never'",
    },
  ])('rejects $name with a clear message', ({ args, message }) => {
    for (const cmd of [
      ['template', 'rolegate', chart],
      ['install', 'rolegate-bad', chart, '--dry-run=client'],
    ]) {
      const r = run(HELM, [...cmd, ...args]);
      expect(r.code, r.stdout).not.toBe(0);
      expect(r.stderr).toContain("values don't meet the specifications of the schema(s)");
      expect(r.stderr).toContain(message);
    }
  });
});

interface DeploymentShape {
  spec: {
    replicas: number;
    strategy: { type: string; rollingUpdate: { maxUnavailable: unknown; maxSurge: unknown } };
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        serviceAccountName: string;
        securityContext: Record<string, unknown>;
        topologySpreadConstraints?: { topologyKey: string }[];
        containers: {
          args: string[];
          image: string;
          securityContext: Record<string, unknown>;
          env: { name: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
          livenessProbe: { httpGet: { path: string } };
          readinessProbe: { httpGet: { path: string } };
          resources: { requests?: object; limits?: object };
        }[];
      };
    };
  };
}

const shardsValues = 'test/fixtures/helm/shards-values.yaml';
const shardNames = ['gold', 'silver', 'rest'];

describe('shards', () => {
  interface Selecting {
    metadata: { name: string };
    spec: { selector: { matchLabels?: Record<string, string> } | Record<string, string> };
  }
  const render = (...args: string[]): K8sObject[] =>
    objects(helm('template', 'rel', chart, '--namespace', 'rolegate-system', ...args));

  it('renders one controller, as before, without shards', () => {
    const all = render();
    const deployments = all.filter((o) => o.kind === 'Deployment');
    expect(deployments.map((d) => d.metadata.name)).toEqual(['rel-rolegate']);
    const args = (deployments[0] as unknown as DeploymentShape).spec.template.spec.containers[0]!
      .args;
    expect(args).toContain('--leader-election-id=rolegate-controller');
    expect(args.some((a) => a.startsWith('--watch-label-selector'))).toBe(false);
    expect(deployments[0]!.metadata.labels?.['rolegate.io/shard']).toBeUndefined();
  });

  it('renders a Deployment, a budget and a Lease grant per shard, each selecting its own pods', () => {
    const all = render('-f', shardsValues);
    const deployments = all.filter((o) => o.kind === 'Deployment') as unknown as (Selecting &
      DeploymentShape)[];
    expect(deployments.map((d) => d.metadata.name)).toEqual(
      shardNames.map((n) => `rel-rolegate-${n}`),
    );
    const want = [
      { selector: 'rolegate.io/shard=gold', replicas: 2 },
      { selector: 'rolegate.io/shard in (silver, bronze)', replicas: 3 },
      { selector: '!rolegate.io/shard', replicas: 1 },
    ];
    deployments.forEach((d, i) => {
      const name = shardNames[i]!;
      const args = d.spec.template.spec.containers[0]!.args;
      expect(d.spec.replicas).toBe(want[i]!.replicas);
      expect(args).toEqual(
        expect.arrayContaining([
          '--leader-elect',
          '--leader-election-id=rolegate-controller',
          `--shard-name=${name}`,
          `--watch-label-selector=${want[i]!.selector}`,
        ]),
      );
      // a Deployment selects only its shard's pods, and its pods carry the shard label
      expect(d.spec.selector).toMatchObject({ matchLabels: { 'rolegate.io/shard': name } });
      expect(d.spec.template.metadata.labels['rolegate.io/shard']).toBe(name);
    });
    // a budget for each shard with more than one replica
    expect(all.filter((o) => o.kind === 'PodDisruptionBudget').map((o) => o.metadata.name)).toEqual(
      ['rel-rolegate-gold', 'rel-rolegate-silver'],
    );
    // the metrics Service scrapes every shard's pods (their series carry a shard label)
    const service = all.find((o) => o.kind === 'Service') as unknown as Selecting;
    expect(service.spec.selector).not.toHaveProperty('rolegate.io/shard');
    // the Role grants each shard's Lease by name
    const role = all.find((o) => o.kind === 'Role') as unknown as {
      rules: { resources: string[]; resourceNames?: string[]; verbs: string[] }[];
    };
    const leases = role.rules
      .filter((r) => r.resources.includes('leases') && r.verbs.includes('update'))
      .flatMap((r) => r.resourceNames ?? []);
    expect(leases).toEqual(expect.arrayContaining(shardNames.map((n) => `${leaseName}-${n}`)));
    // every flag is one `rolegate run` knows
    const help = ok(process.execPath, ['dist/cli/main.js', 'run', '--help']);
    for (const a of deployments.flatMap((d) => d.spec.template.spec.containers[0]!.args))
      if (a.startsWith('--')) expect(help).toContain(a.split('=')[0]);
  });

  it("makes RolegateNoLeader see a shard none of whose replicas is scraped: absent() of each shard's Lease", () => {
    const groupsOf = (...args: string[]) =>
      (
        render('--set', 'metrics.prometheusRule.enabled=true', ...args).find(
          (o) => o.kind === 'PrometheusRule',
        ) as unknown as { spec: { groups: { rules: { alert?: string; expr: string }[] }[] } }
      ).spec.groups;
    const noLeader = (groups: ReturnType<typeof groupsOf>) =>
      groups.flatMap((g) => g.rules).find((r) => r.alert === 'RolegateNoLeader')!;
    const plain = groupsOf();
    const sharded = groupsOf('-f', shardsValues);
    // the rule as written, then one absent() per shard, in the order of `shards`
    expect(noLeader(sharded).expr).toBe(
      noLeader(plain).expr.trimEnd() +
        shardNames
          .map((n) => `\n  or absent(leader_election_master_status{name="${leaseName}-${n}"})`)
          .join('') +
        '\n',
    );
    // every other rule is as written
    const others = (groups: ReturnType<typeof groupsOf>) =>
      groups.flatMap((g) => g.rules).filter((r) => r.alert !== 'RolegateNoLeader');
    expect(others(sharded)).toEqual(others(plain));
  });

  it('is accepted by the API server, and lints', () => {
    expect(helm('lint', '--strict', chart, '-f', shardsValues)).toContain('0 chart(s) failed');
    const ns = namespace('tpl-shards');
    const rendered = helm('template', 'rolegate', chart, '--namespace', ns, '-f', shardsValues);
    const r = applyDryRun(ns, rendered);
    expect(r.stderr).not.toMatch(/warning/i);
  });

  it.each([
    {
      reason: 'a name given twice (it names a Deployment and a Lease)',
      args: ['--set-json', 'shards=[{"name":"a","selector":"x=1"},{"name":"a","selector":"x=2"}]'],
      message: 'the name "a" is given twice',
    },
    {
      reason: 'a name that cannot suffix a Lease',
      args: ['--set-json', 'shards=[{"name":"Gold","selector":"x=1"}]'],
      message: "'/shards/0/name'",
    },
    {
      reason:
        'two shards with the same selector, spaces and == aside (both would write every provider it selects)',
      args: [
        '--set-json',
        'shards=[{"name":"a","selector":"x = 1"},{"name":"b","selector":"y=2"},{"name":"c","selector":"x==1"}]',
      ],
      message: 'shards: "a" and "c" have the same selector "x==1"',
    },
    {
      reason: 'a shard without a selector',
      args: ['--set-json', 'shards=[{"name":"a"}]'],
      message: 'selector',
    },
    {
      reason: 'two replicas of a shard without leader election',
      args: [
        '--set',
        'replicaCount=1',
        '--set',
        'controller.leaderElection.enabled=false',
        '--set-json',
        'shards=[{"name":"a","selector":"x=1","replicas":2}]',
      ],
      message: 'shard "a" has more than one replica',
    },
  ])('refuses $reason', ({ args, message }) => {
    const r = run(HELM, ['template', 'rolegate', chart, ...args]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(message);
  });
});

describe('helm install with shards', () => {
  let ns = '';
  const release = `shards-${suffix}`;
  let installOutput = '';

  beforeAll(() => {
    ns = namespace('install-shards');
    // the CRDs belong to the test API server (and the other release); this release leaves them alone
    installOutput = helm(
      'install',
      release,
      chart,
      '--namespace',
      ns,
      '-f',
      shardsValues,
      '--set',
      'crds.install=false',
    );
  });

  afterAll(() => {
    if (ns) run(HELM, ['uninstall', release, '--namespace', ns]);
  });

  it("lets the ServiceAccount get and update each shard's Lease, and no other", () => {
    const canI = (verb: string, lease: string): string =>
      run(KUBECTL, [
        'auth',
        'can-i',
        verb,
        `leases.coordination.k8s.io/${lease}`,
        '-n',
        ns,
        `--as=system:serviceaccount:${ns}:${release}-rolegate`,
      ]).stdout.trim();
    for (const n of shardNames)
      for (const verb of ['get', 'update']) expect(canI(verb, `${leaseName}-${n}`)).toBe('yes');
    expect(canI('update', `${leaseName}-other`)).toBe('no');
  });

  it('prints a rollout command per shard', () => {
    for (const n of shardNames)
      expect(installOutput).toContain(`rollout status deployment/${release}-rolegate-${n}`);
  });
});

describe('helm install', () => {
  let ns = '';
  let other = '';
  const release = `rolegate-${suffix}`;
  const sa = 'rolegate-controller'; // serviceAccount.name in the full values file
  const fullname = 'rolegate-full'; // fullnameOverride in the full values file
  let installOutput = '';

  beforeAll(() => {
    ns = namespace('install');
    other = namespace('other');
    // The test API server got its CRDs from crds/, not from Helm: hand them to the release the way the chart's
    // README says to when upgrading from CRDs that Helm did not create.
    for (const crd of ['privilegedroles.rolegate.io', 'identityproviders.rolegate.io']) {
      kubectl('label', 'crd', crd, 'app.kubernetes.io/managed-by=Helm', '--overwrite');
      kubectl(
        'annotate',
        'crd',
        crd,
        `meta.helm.sh/release-name=${release}`,
        `meta.helm.sh/release-namespace=${ns}`,
        '--overwrite',
      );
    }
    // No --wait: the API server runs no controllers, so the Deployment never becomes available.
    installOutput = helm('install', release, chart, '--namespace', ns, '-f', fullValues);
  });

  afterAll(() => {
    // Namespaces never finish deleting without a controller manager; the release's cluster-scoped objects go.
    if (ns) run(HELM, ['uninstall', release, '--namespace', ns]);
  });

  it('grants what the view ClusterRole says to whoever is bound to it', () => {
    // Aggregation into the built-in view role is done by kube-controller-manager, which this API server does not
    // run: the rules are checked by binding the ClusterRole directly, the label by the template test above.
    const user = `viewer-${suffix}`;
    kubectl(
      'create',
      'rolebinding',
      user,
      '-n',
      other,
      `--clusterrole=${fullname}-view`,
      `--user=${user}`,
    );
    kubectl(
      'create',
      'rolebinding',
      `${user}-edit`,
      '-n',
      other,
      `--clusterrole=${fullname}-edit`,
      `--user=${user}-editor`,
    );
    const can = (who: string, verb: string): string =>
      run(KUBECTL, [
        'auth',
        'can-i',
        verb,
        'privilegedroles.rolegate.io',
        '-n',
        other,
        `--as=${who}`,
      ]).stdout.trim();
    expect(can(user, 'list')).toBe('yes');
    expect(can(user, 'create')).toBe('no');
    expect(can(`${user}-editor`, 'create')).toBe('yes');
    expect(can(`${user}-editor`, 'delete')).toBe('yes');
  });

  const get = <T>(...args: string[]): T => JSON.parse(kubectl('get', '-o', 'json', ...args)) as T;

  it('prints NOTES that say what happens to the CRDs', () => {
    expect(installOutput).toContain(
      'CRDs: installed and upgraded with this release, and kept on `helm uninstall`',
    );
  });

  it('is deployed', () => {
    const status = JSON.parse(helm('status', release, '--namespace', ns, '-o', 'json')) as {
      info: { status: string };
    };
    expect(status.info.status).toBe('deployed');
  });

  it('runs the controller with leader election and never --allow-weakening', () => {
    const d = get<DeploymentShape>('deployment', fullname, '-n', ns);
    const c = d.spec.template.spec.containers[0]!;
    expect(d.spec.replicas).toBe(3);
    expect(c.args.slice(0, 2)).toEqual(['run', '--kubernetes']);
    expect(c.args).toContain('--leader-elect');
    // The Lease is the one name config/rbac/role.yaml grants get/update on.
    expect(c.args).toContain(`--leader-election-id=${leaseName}`);
    expect(c.args).toContain('--http-addr=:8080');
    expect(c.args).not.toContain('--allow-weakening');
    expect(c.env).toContainEqual({
      name: 'POD_NAMESPACE',
      valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } },
    });
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
    expect(c.resources.requests).toBeDefined();
    expect(c.resources.limits).toBeDefined();
    expect(d.spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' },
    });
    expect(d.spec.template.spec.serviceAccountName).toBe(sa);
    expect(d.spec.template.metadata.labels['azure.workload.identity/use']).toBe('true');
  });

  it('runs it under the restricted Pod Security Standard', () => {
    const d = get<DeploymentShape>('deployment', fullname, '-n', ns);
    const pod = d.spec.template.spec;
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.containers[0]!.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    // The namespace enforces "restricted": the API server's PodSecurity admission judges the pod template.
    const podManifest = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'pss-probe', namespace: ns, labels: d.spec.template.metadata.labels },
      spec: pod,
    });
    const r = run(KUBECTL, ['create', '--dry-run=server', '-f', '-'], podManifest);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/warning/i);
  });

  it('annotates the ServiceAccount from values', () => {
    const s = get<K8sObject>('serviceaccount', sa, '-n', ns);
    expect(s.metadata.annotations).toMatchObject({
      'example.test/owner': 'platform-team',
      'azure.workload.identity/client-id': '00000000-0000-0000-0000-00000000c11e',
      'azure.workload.identity/tenant-id': '00000000-0000-0000-0000-0000000071e7',
    });
    expect(s.metadata.labels).toMatchObject({ 'example.test/tier': 'security' });
  });

  it('creates the metrics Service, PodDisruptionBudget, ServiceMonitor and NetworkPolicy', () => {
    const svc = get<{ spec: { ports: { name: string; port: number; targetPort: string }[] } }>(
      'service',
      `${fullname}-metrics`,
      '-n',
      ns,
    );
    expect(svc.spec.ports).toEqual([
      expect.objectContaining({ name: 'metrics', port: 9090, targetPort: 'metrics' }),
    ]);
    const pdb = get<{ spec: { minAvailable?: number; maxUnavailable?: number } }>(
      'poddisruptionbudget',
      fullname,
      '-n',
      ns,
    );
    expect(pdb.spec).toMatchObject({ maxUnavailable: 1 });
    expect(pdb.spec.minAvailable).toBeUndefined();
    get('servicemonitor.monitoring.coreos.com', fullname, '-n', ns);
    get('prometheusrule.monitoring.coreos.com', fullname, '-n', ns);
    get('networkpolicy', fullname, '-n', ns);
  });

  it("installs the chart's CRDs, identical to crds/, owned by the release and kept on uninstall", () => {
    for (const file of readdirSync('crds').filter((n) => n.endsWith('.yaml'))) {
      const want = parse(readFileSync(join('crds', file), 'utf8')) as {
        metadata: { name: string };
        spec: Record<string, unknown>;
      };
      const crd = get<K8sObject & { spec: Record<string, unknown> }>('crd', want.metadata.name);
      expect(crd.metadata.annotations).toMatchObject({
        'meta.helm.sh/release-name': release,
        'helm.sh/resource-policy': 'keep',
      });
      const live = crd.spec;
      // The API server adds one default to a CRD's spec; everything else must be exactly the file.
      if (!('conversion' in want.spec)) {
        expect(live.conversion).toEqual({ strategy: 'None' });
        delete live.conversion;
      }
      expect(live, `the installed ${want.metadata.name} differs from crds/${file}`).toEqual(
        want.spec,
      );
    }
  });

  describe('the ServiceAccount (kubectl auth can-i --as)', () => {
    const canI = (verb: string, resource: string, ...args: string[]): boolean => {
      const r = run(KUBECTL, [
        'auth',
        'can-i',
        verb,
        resource,
        `--as=system:serviceaccount:${ns}:${sa}`,
        ...args,
      ]);
      if (r.code !== 0 && r.code !== 1)
        throw new Error(`kubectl auth can-i exited ${r.code}: ${r.stderr}`);
      expect(r.stdout.trim(), r.stderr).toBe(r.code === 0 ? 'yes' : 'no');
      return r.code === 0;
    };

    it.each([
      { verb: 'list', resource: 'privilegedroles.rolegate.io', where: '--all-namespaces' },
      { verb: 'watch', resource: 'privilegedroles.rolegate.io', where: '--all-namespaces' },
      { verb: 'get', resource: 'privilegedroles.rolegate.io', where: '-n=OTHER' },
      {
        verb: 'patch',
        resource: 'privilegedroles.rolegate.io',
        where: '--subresource=status -n=OTHER',
      },
      { verb: 'list', resource: 'identityproviders.rolegate.io', where: '' },
      { verb: 'watch', resource: 'identityproviders.rolegate.io', where: '' },
      { verb: 'create', resource: 'events.events.k8s.io', where: '-n=OTHER' },
      { verb: 'create', resource: 'leases.coordination.k8s.io', where: '-n=OWN' },
      // a shard reads the other shards' Leases (their selectors) to find overlapping selectors
      { verb: 'list', resource: 'leases.coordination.k8s.io', where: '-n=OWN' },
      { verb: 'get', resource: 'leases.coordination.k8s.io/LEASE', where: '-n=OWN' },
      { verb: 'update', resource: 'leases.coordination.k8s.io/LEASE', where: '-n=OWN' },
      { verb: 'get', resource: 'secrets', where: '-n=OWN' },
      // for its finalizer; the spec guard below refuses spec changes
      { verb: 'patch', resource: 'privilegedroles.rolegate.io', where: '-n=OTHER' },
    ])('may $verb $resource $where', ({ verb, resource, where }) => {
      expect(canI(verb, resource.replace('LEASE', leaseName), ...place(where))).toBe(true);
    });

    it.each([
      { verb: 'delete', resource: 'privilegedroles.rolegate.io', where: '-n=OTHER' },
      { verb: 'update', resource: 'privilegedroles.rolegate.io', where: '-n=OTHER' },
      { verb: 'create', resource: 'privilegedroles.rolegate.io', where: '-n=OTHER' },
      { verb: 'delete', resource: 'identityproviders.rolegate.io', where: '' },
      { verb: 'update', resource: 'identityproviders.rolegate.io', where: '' },
      { verb: 'get', resource: 'secrets', where: '-n=OTHER' },
      { verb: 'list', resource: 'secrets', where: '--all-namespaces' },
      { verb: 'list', resource: 'pods', where: '--all-namespaces' },
      { verb: 'list', resource: 'pods', where: '-n=OWN' },
      { verb: 'update', resource: 'leases.coordination.k8s.io/LEASE', where: '-n=OTHER' },
      { verb: 'update', resource: 'leases.coordination.k8s.io/another-lease', where: '-n=OWN' },
      { verb: 'list', resource: 'leases.coordination.k8s.io', where: '-n=OTHER' },
      { verb: 'list', resource: 'secrets', where: '-n=OWN' },
      { verb: 'watch', resource: 'secrets', where: '-n=OWN' },
      { verb: 'create', resource: 'clusterrolebindings.rbac.authorization.k8s.io', where: '' },
      { verb: 'escalate', resource: 'clusterroles.rbac.authorization.k8s.io', where: '' },
      { verb: 'impersonate', resource: 'serviceaccounts', where: '-n=OWN' },
    ])('may not $verb $resource $where', ({ verb, resource, where }) => {
      expect(canI(verb, resource.replace('LEASE', leaseName), ...place(where))).toBe(false);
    });

    it('may patch its finalizer onto a PrivilegedRole but not change its spec (the spec guard)', async () => {
      const name = 'guarded';
      ok(
        KUBECTL,
        ['apply', '-n', other, '-f', '-'],
        JSON.stringify({
          apiVersion: 'rolegate.io/v1alpha1',
          kind: 'PrivilegedRole',
          metadata: { name },
          spec: {
            providerRef: { name: 'p' },
            role: { displayName: 'Global Administrator' },
            mfaRequired: true,
          },
        }),
      );
      const as = `--as=system:serviceaccount:${ns}:${sa}`;
      const patch = (body: object) =>
        run(KUBECTL, [
          'patch',
          'privilegedroles.rolegate.io',
          name,
          '-n',
          other,
          as,
          '--type=merge',
          '-p',
          JSON.stringify(body),
        ]);
      const finalizer = patch({ metadata: { finalizers: ['rolegate.io/reset-to-default'] } });
      expect(finalizer.code, finalizer.stderr).toBe(0);
      // the API server loads admission policies asynchronously
      const deadline = Date.now() + 20_000;
      let refused = patch({ spec: { mfaRequired: false } });
      while (refused.code === 0 && Date.now() < deadline) {
        patch({ spec: { mfaRequired: true } });
        await new Promise((r) => setTimeout(r, 250));
        refused = patch({ spec: { mfaRequired: false } });
      }
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain(
        'the rolegate controller never changes the spec of a PrivilegedRole',
      );
      expect(
        get<{ spec: { mfaRequired: boolean } }>('privilegedrole', name, '-n', other).spec
          .mfaRequired,
      ).toBe(true);
      patch({ metadata: { finalizers: [] } });
    });

    /** Flags of a row: -n=OWN is the release namespace, -n=OTHER another one. */
    function place(where: string): string[] {
      return where
        .split(' ')
        .filter(Boolean)
        .map((a) => a.replace('=OWN', `=${ns}`).replace('=OTHER', `=${other}`));
    }
  });

  it('leaves the CRDs, and so every PrivilegedRole, on helm uninstall', () => {
    helm('uninstall', release, '--namespace', ns);
    for (const crd of ['privilegedroles.rolegate.io', 'identityproviders.rolegate.io'])
      expect(get<K8sObject>('crd', crd).metadata.name).toBe(crd);
    expect(get<K8sObject>('privilegedrole', 'guarded', '-n', other).metadata.name).toBe('guarded');
    expect(run(KUBECTL, ['get', 'deployment', fullname, '-n', ns]).code).not.toBe(0);
  });
});
