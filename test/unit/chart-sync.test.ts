// The chart's copies of the CRDs and the RBAC rules are derived files: byte-identical to their one source
// (crds/, config/rbac/), written by scripts/sync-chart.mjs and never edited by hand. The chart's appVersion is
// package.json's version.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const fix = 'run `node scripts/sync-chart.mjs` (npm run sync-chart)';
const yamlIn = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((n) => n.endsWith('.yaml'))
        .sort()
    : [];

describe.each([
  { source: 'crds', copy: 'helm/rolegate/crds' },
  { source: 'config/rbac', copy: 'helm/rolegate/files' },
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

describe('helm/rolegate/Chart.yaml', () => {
  it("has package.json's version as appVersion", () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    const chart = parse(readFileSync('helm/rolegate/Chart.yaml', 'utf8')) as { appVersion: string };
    expect(chart.appVersion, fix).toBe(pkg.version);
  });

  it('reads its RBAC rules only from synced files', () => {
    // Every .Files.Get "files/..." in a template names a copy of a config/rbac/ manifest. (The chart renders its own
    // ValidatingAdmissionPolicyBinding, with its release's names, so spec-guard-binding.yaml is not read.)
    const templates = readdirSync('helm/rolegate/templates')
      .map((n) => readFileSync(join('helm/rolegate/templates', n), 'utf8'))
      .join('\n');
    const referenced = [
      ...new Set([...templates.matchAll(/"files\/([^"]+)"/g)].map((m) => m[1])),
    ].sort();
    expect(referenced).toEqual(['clusterrole.yaml', 'role.yaml', 'spec-guard-policy.yaml']);
    for (const name of referenced)
      expect(yamlIn('config/rbac'), `config/rbac/${name}`).toContain(name);
  });
});
