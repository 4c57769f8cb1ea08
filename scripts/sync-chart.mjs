// Copies the chart's derived files from their one source: crds/*.yaml into helm/rolegate/crds/, the RBAC
// manifests config/rbac/*.yaml into helm/rolegate/files/ (the templates read their rules with .Files.Get and
// fromYaml), and package.json's version into Chart.yaml's appVersion. The copies are byte-identical and never
// edited by hand; test/unit/chart-sync.test.ts fails when they are stale.
// Usage: node scripts/sync-chart.mjs [--check]   (--check: change nothing, exit 1 listing stale files)
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const chart = join(root, 'helm/rolegate');
const check = process.argv.includes('--check');

/** Source directory → chart directory, *.yaml only. */
const mirrors = [
  { from: join(root, 'crds'), to: join(chart, 'crds') },
  { from: join(root, 'config/rbac'), to: join(chart, 'files') },
];

const yamlIn = (dir) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((n) => n.endsWith('.yaml'))
        .sort()
    : [];
const rel = (p) => relative(root, p);
const stale = [];
const missing = [];

for (const { from, to } of mirrors) {
  const sources = yamlIn(from);
  if (sources.length === 0) {
    missing.push(`${rel(from)} has no *.yaml files`);
    continue;
  }
  if (!check) mkdirSync(to, { recursive: true });
  for (const name of sources) {
    const want = readFileSync(join(from, name));
    const dest = join(to, name);
    if (existsSync(dest) && readFileSync(dest).equals(want)) continue;
    stale.push(`${rel(dest)} differs from ${rel(join(from, name))}`);
    if (!check) writeFileSync(dest, want);
  }
  for (const name of yamlIn(to)) {
    if (sources.includes(name)) continue;
    stale.push(`${rel(join(to, name))} has no source in ${rel(from)}`);
    if (!check) rmSync(join(to, name));
  }
}

const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const chartFile = join(chart, 'Chart.yaml');
const chartText = readFileSync(chartFile, 'utf8');
const appVersion = /^appVersion:\s*['"]?([^'"\s]*)['"]?\s*$/m.exec(chartText)?.[1];
if (appVersion !== version) {
  stale.push(`${rel(chartFile)} appVersion ${appVersion} is not package.json's version ${version}`);
  // Single quotes, as prettier writes YAML here.
  if (!check)
    writeFileSync(chartFile, chartText.replace(/^appVersion:.*$/m, `appVersion: '${version}'`));
}

if (check && stale.length > 0) {
  console.error(
    `sync-chart: the chart is stale; run \`node scripts/sync-chart.mjs\`:\n  ${stale.join('\n  ')}`,
  );
  process.exit(1);
}
for (const s of stale) console.log(`sync-chart: updated (${s})`);
if (missing.length > 0) {
  console.error(`sync-chart: ${missing.join('; ')}`);
  process.exit(1);
}
