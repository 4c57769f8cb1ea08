// The chart's derived files come from their one source, written by scripts/sync-chart.mjs and never edited by
// hand: the RBAC rules and alerting rules are byte-identical copies (config/rbac/, config/prometheus/), the CRD
// templates carry crds/ unchanged apart from the chart's labels and keep annotation, the appVersion is
// package.json's version, and the README's Values table is generated from values.yaml.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
// @ts-expect-error -- a plain ESM script without type declarations
import { renderValuesTable } from '../../scripts/chart-values-doc.mjs';

const fix = 'run `node scripts/sync-chart.mjs` (npm run sync-chart)';
const yamlIn = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((n) => n.endsWith('.yaml'))
        .sort()
    : [];
const templates = 'helm/rolegate/templates';

describe.each([
  { source: 'config/rbac', copy: 'helm/rolegate/files' },
  { source: 'config/prometheus', copy: 'helm/rolegate/files/prometheus' },
])('$copy mirrors $source', ({ source, copy }) => {
  it('holds the same files', () => {
    expect(yamlIn(source).length, `${source}/ has no *.yaml`).toBeGreaterThan(0);
    expect(yamlIn(copy), `${copy}/ lists other files than ${source}/: ${fix}`).toEqual(
      yamlIn(source),
    );
  });

  it.each(yamlIn(source))('%s is byte-identical', (name) => {
    const same = readFileSync(join(copy, name)).equals(readFileSync(join(source, name)));
    expect(same, `${copy}/${name} differs from ${source}/${name}: ${fix}`).toBe(true);
  });
});

describe('the CRD templates', () => {
  it('are one per file in crds/, and the chart has no crds/ directory (Helm never upgrades it)', () => {
    expect(yamlIn(templates).filter((n) => n.startsWith('crd-'))).toEqual(
      yamlIn('crds').map((n) => `crd-${n}`),
    );
    expect(existsSync('helm/rolegate/crds'), fix).toBe(false);
  });

  it.each(yamlIn('crds'))('crd-%s holds crds/%s with only the chart metadata added', (name) => {
    const source = readFileSync(join('crds', name), 'utf8');
    const template = readFileSync(join(templates, `crd-${name}`), 'utf8');
    // Without the lines the generator adds, the template is the source, line for line.
    const added = [
      /^\{\{-/,
      /^ {2}labels:$/,
      /^ {4}\{\{- include "rolegate\.labels"/,
      /^ {2}\{\{-/,
      /^ {2}annotations:$/,
      /^ {4}# helm uninstall/,
      /^ {4}helm\.sh\/resource-policy: keep$/,
    ];
    const rest = template.split('\n').filter((l) => !added.some((re) => re.test(l)));
    expect(rest.join('\n').trim(), fix).toBe(source.trim());
  });
});

describe('helm/rolegate/README.md', () => {
  it('has the Values table generated from values.yaml and values.schema.json', () => {
    const table = renderValuesTable(
      readFileSync('helm/rolegate/values.yaml', 'utf8'),
      JSON.parse(readFileSync('helm/rolegate/values.schema.json', 'utf8')),
    ) as { text: string; errors: string[] };
    expect(table.errors).toEqual([]);
    expect(readFileSync('helm/rolegate/README.md', 'utf8'), fix).toContain(table.text);
  });

  it.each([
    {
      reason: 'a key without a "# --" comment is reported, not silently left out',
      values: 'a: 1\n',
      errors: ['a has no "# --" description', 'a is not in values.schema.json'],
      row: '| `a` |  | `1` |  |',
    },
    {
      reason: 'a comment continues on the following lines at the same indentation',
      values: 'x:\n  # -- first line\n  # second line\n  y: true\n',
      errors: [],
      row: '| `x.y` | boolean | `true` | first line second line |',
    },
    {
      reason: 'a plain comment (no "--") does not document the key under it',
      values: '# a section\nz: ""\n',
      errors: ['z has no "# --" description'],
      row: '| `z` | string | `""` |  |',
    },
    {
      reason: 'a documented map is one row; its keys are not listed',
      values: '# -- the map\nm:\n  k: v\n',
      errors: [],
      row: '| `m` | map of strings | `{"k":"v"}` | the map |',
    },
  ])('renders values: $reason', ({ values, errors, row }) => {
    const schema = {
      definitions: { stringMap: { type: 'object' } },
      properties: {
        x: { type: 'object', properties: { y: { type: 'boolean' } } },
        z: { type: 'string' },
        m: { $ref: '#/definitions/stringMap' },
      },
    };
    const table = renderValuesTable(values, schema) as { text: string; errors: string[] };
    expect(table.errors).toEqual(errors);
    expect(table.text.split('\n')).toContain(row);
  });
});

describe('scripts/sync-chart.mjs --check', () => {
  it('finds nothing stale', () => {
    const r = spawnSync(process.execPath, ['scripts/sync-chart.mjs', '--check'], {
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
  });
});

describe('helm/rolegate/Chart.yaml', () => {
  const chart = parse(readFileSync('helm/rolegate/Chart.yaml', 'utf8')) as {
    appVersion: string;
    kubeVersion?: string;
    maintainers?: { name: string }[];
    annotations?: Record<string, string>;
  };

  it("has package.json's version as appVersion", () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(chart.appVersion, fix).toBe(pkg.version);
  });

  it('names its kubeVersion, maintainers, licence and CRDs for chart indexes', () => {
    expect(chart.kubeVersion).toBeDefined();
    expect(chart.maintainers?.length).toBeGreaterThan(0);
    expect(chart.annotations?.['artifacthub.io/license']).toBe(
      (JSON.parse(readFileSync('package.json', 'utf8')) as { license: string }).license,
    );
    const crds = parse(chart.annotations?.['artifacthub.io/crds'] ?? '[]') as { name: string }[];
    expect(crds.map((c) => c.name).sort()).toEqual(
      yamlIn('crds')
        .map(
          (n) =>
            (parse(readFileSync(join('crds', n), 'utf8')) as { metadata: { name: string } })
              .metadata.name,
        )
        .sort(),
    );
  });

  it('reads its rules only from synced files', () => {
    // Every .Files.Get "files/..." in a template names a copy of a config/ manifest. (The chart renders its own
    // ValidatingAdmissionPolicyBinding, with its release's names, so spec-guard-binding.yaml is not read.)
    const text = readdirSync(templates)
      .map((n) => readFileSync(join(templates, n), 'utf8'))
      .join('\n');
    const referenced = [
      ...new Set([...text.matchAll(/"files\/([^"]+)"/g)].map((m) => m[1])),
    ].sort();
    expect(referenced).toEqual([
      'clusterrole.yaml',
      'prometheus/rules.yaml',
      'role.yaml',
      'spec-guard-policy.yaml',
    ]);
    for (const name of referenced) {
      const [dir, file] = name!.includes('/')
        ? ['config/prometheus', 'rules.yaml']
        : ['config/rbac', name!];
      expect(yamlIn(dir), `${dir}/${file}`).toContain(file);
    }
  });
});
