// rolegate benchmarks (issue #7): prints tables and writes bench/results/<date>.json. Not part of `npm test`.
//
//   npm run build && node bench/run.mjs [--suite provider|coverage|controller|steady|drift|validate|shards|estate|fairness|kubeconform ...]
//                                       [--runs N] [--quick] [--sizes 1000,5000] [--tenants N] [--out FILE]
//
// Each figure is the median of --runs runs (default 3); each comparison (rolegate vs naive, controller vs the
// API-server floor, rolegate validate vs kubectl) is measured in the same run. The Kubernetes suites start a
// real etcd + kube-apiserver with scripts/envtest/envtest.sh (binaries from scripts/envtest/build.sh).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machine, progress } from './lib/common.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ALL = [
  'provider',
  'coverage',
  'controller',
  'steady',
  'drift',
  'validate',
  'shards',
  'estate',
  'fairness',
  'kubeconform',
];

const { values } = parseArgs({
  options: {
    suite: { type: 'string', multiple: true },
    runs: { type: 'string', default: '3' },
    quick: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    tenants: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(
    `usage: node bench/run.mjs [--suite ${ALL.join('|')}]... [--runs N] [--quick] [--sizes a,b] [--tenants N] [--out FILE]\n`,
  );
  process.exit(0);
}
if (!existsSync(join(HERE, '../dist/cli/main.js'))) {
  process.stderr.write('bench: dist/ is missing; run `npm run build` first\n');
  process.exit(2);
}
const suites = (values.suite ?? ALL).flatMap((s) => s.split(','));
for (const s of suites) {
  if (!ALL.includes(s)) {
    process.stderr.write(`bench: unknown suite ${s} (one of ${ALL.join(', ')})\n`);
    process.exit(2);
  }
}
const runs = Math.max(1, Number(values.runs));
const sizes = values.sizes ? values.sizes.split(',').map(Number) : undefined;
// The controller suite runs 5,000 roles once unless --runs is given explicitly (minutes per run).
const runsExplicit = process.argv.some((a) => a === '--runs' || a.startsWith('--runs='));
const tenants = values.tenants ? Number(values.tenants) : undefined;
const opts = {
  runs,
  runsExplicit,
  quick: values.quick,
  ...(sizes ? { sizes } : {}),
  ...(tenants ? { tenants } : {}),
};

/** The code measured: the commit, how many files differ from it, and when dist/ was last built. */
function code() {
  const git = (...a) => {
    try {
      return execFileSync('git', a, { cwd: join(HERE, '..'), encoding: 'utf8' }).trim();
    } catch {
      return undefined;
    }
  };
  return {
    commit: git('rev-parse', 'HEAD'),
    uncommittedFiles: git('status', '--porcelain')?.split('\n').filter(Boolean).length,
    distBuilt: statSync(join(HERE, '../dist/cli/main.js')).mtime.toISOString(),
  };
}

const started = new Date();
const result = {
  date: started.toISOString(),
  machine: machine(),
  code: code(),
  options: {
    suites,
    runs,
    quick: values.quick,
    ...(sizes ? { sizes } : {}),
    ...(tenants ? { tenants } : {}),
    ...(process.env.BENCH_CONTROLLER_NODE_OPTIONS
      ? { controllerNodeOptions: process.env.BENCH_CONTROLLER_NODE_OPTIONS }
      : {}),
  },
  suites: {},
};
progress(`machine: ${JSON.stringify(result.machine)}`);

const RUNNERS = {
  provider: async () => (await import('./suites/provider.mjs')).runProviderSuite(opts),
  coverage: async () => (await import('./suites/coverage.mjs')).runCoverageSuite(opts),
  controller: async () => (await import('./suites/controller.mjs')).runControllerSuite(opts),
  steady: async () => (await import('./suites/steady.mjs')).runSteadySuite(opts),
  drift: async () => (await import('./suites/drift.mjs')).runDriftSuite(opts),
  validate: async () => (await import('./suites/validate.mjs')).runValidateSuite(opts),
  shards: async () => (await import('./suites/shards.mjs')).runShardsSuite(opts),
  estate: async () => (await import('./suites/estate.mjs')).runEstateSuite(opts),
  fairness: async () => (await import('./suites/fairness.mjs')).runFairnessSuite(opts),
  kubeconform: async () => (await import('./suites/kubeconform.mjs')).runKubeconformSuite(opts),
};

let failed = false;
for (const s of suites) {
  const t0 = performance.now();
  try {
    const r = await RUNNERS[s]();
    result.suites[s] = {
      seconds: Math.round((performance.now() - t0) / 1000),
      ...r,
      text: undefined,
    };
    process.stdout.write(r.text + '\n');
    if (r.notes?.length) process.stdout.write(r.notes.map((n) => `note: ${n}`).join('\n') + '\n');
  } catch (err) {
    failed = true;
    result.suites[s] = { error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
    process.stderr.write(`bench: suite ${s} failed: ${err instanceof Error ? err.stack : err}\n`);
  }
}

const out =
  values.out ??
  join(HERE, 'results', `${started.toISOString().slice(0, 19).replace(/:/g, '-')}Z.json`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
progress(`results written to ${out}`);
// Exit even if a failed suite left a socket or timer behind.
process.exit(failed ? 1 : 0);
