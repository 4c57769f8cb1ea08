// Suite "kubeconform": `rolegate validate DIR -o json` against kubeconform on the same files, whole processes,
// in turn (rolegate, kubeconform, rolegate, ...; which goes first alternates) so that both see the same machine
// load: the same generated PrivilegedRoles, one per file, 10% invalid, at 1,000 / 10,000 / 50,000; kubeconform
// given rolegate's CRD schemas (converted as its openapi2jsonschema script does, bench/lib/kubeconform.mjs) and no
// other schema source. Wall time and peak RSS (/usr/bin/time -v) per run, the median of each, and the median of the
// per-pair ratios. Also start-up: `rolegate --version` against `node -e 0`. kubeconform is built from the Go module
// proxy (scripts/tools/kubeconform.sh) on first use; when that fails the suite says why and measures rolegate
// alone.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateManifests } from '../lib/manifests.mjs';
import {
  kubeconformArgs,
  kubeconformBinary,
  writeKubeconformSchemas,
} from '../lib/kubeconform.mjs';
import { measured, measuredSummary, median, progress, table } from '../lib/common.mjs';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '../../dist/cli/main.js');

/** Issue #19's targets: wall time at or below kubeconform's; peak memory within 2× of it at 10,000. */
const MEMORY_TARGET_AT = 10_000;
const MEMORY_FACTOR = 2;

/** Whole-process figures of a run, and the number of invalid objects its summary reports. */
async function run(cmd, args, invalidField) {
  const r = await measuredSummary(cmd, args);
  return { ms: r.ms, peakMB: r.peakMB, exit: r.code, invalid: r.summary?.[invalidField] };
}

const rolegate = (dir) => run(process.execPath, [CLI, 'validate', dir, '-o', 'json'], 'errors');
const kubeconform = (bin, schemas, dir) => run(bin, kubeconformArgs(schemas, dir), 'invalid');

/** Runs `a` and `b` in turn `runs` times after one warm-up each, alternating which goes first. */
async function paired(runs, a, b, label) {
  const as = [];
  const bs = [];
  await a();
  if (b) await b();
  for (let i = 0; i < runs; i++) {
    progress(`${label}, run ${i + 1} of ${runs}`);
    if (b && i % 2 === 1) {
      bs.push(await b());
      as.push(await a());
    } else {
      as.push(await a());
      if (b) bs.push(await b());
    }
  }
  return { as, bs };
}

const pairRatio = (as, bs, f) => median(as.map((x, i) => (bs[i] ? f(x) / f(bs[i]) : undefined)));

export async function runKubeconformSuite({ runs, quick, sizes }) {
  const list = sizes ?? (quick ? [1000] : [1000, 10_000, 50_000]);
  const notes = [];
  const kc = kubeconformBinary();
  if (kc.error) {
    notes.push(
      `kubeconform could not be built from the Go module proxy, so only rolegate was measured: ${kc.error}`,
    );
  }
  const work = await mkdtemp(join(tmpdir(), 'rolegate-bench-kubeconform-'));
  const rows = [];
  let startup;
  try {
    const schemas = join(work, 'schemas');
    await mkdir(schemas);
    const written = writeKubeconformSchemas(schemas);
    if (!kc.error)
      notes.push(`kubeconform ${kc.version} (${kc.path}), schemas: ${written.join(', ')}`);

    const v = await paired(
      runs,
      () => measured(process.execPath, [CLI, '--version'], { timeoutMs: 60_000 }),
      () => measured(process.execPath, ['-e', '0'], { timeoutMs: 60_000 }),
      'start-up: rolegate --version and node -e 0',
    );
    startup = {
      rolegateMs: median(v.as.map((x) => x.ms)),
      nodeMs: median(v.bs.map((x) => x.ms)),
      rolegatePeakMB: median(v.as.map((x) => x.peakMB)),
      nodePeakMB: median(v.bs.map((x) => x.peakMB)),
      ratio: pairRatio(v.as, v.bs, (x) => x.ms),
      runs: v.as.length,
    };

    for (const n of list) {
      const dir = join(work, `m${n}`);
      await mkdir(dir);
      progress(`kubeconform: generating ${n} manifests, one per file`);
      const gen = await generateManifests(dir, n, 0.1, { onePerFile: true });
      const { as, bs } = await paired(
        runs,
        () => rolegate(dir),
        kc.error ? undefined : () => kubeconform(kc.path, schemas, dir),
        `kubeconform: ${n} manifests, rolegate validate${kc.error ? '' : ' and kubeconform'}`,
      );
      const row = {
        manifests: n,
        files: gen.files,
        generatedInvalid: gen.invalid,
        runs: as.length,
        rolegateMs: median(as.map((x) => x.ms)),
        rolegatePeakMB: median(as.map((x) => x.peakMB)),
        rolegateInvalid: as[0]?.invalid,
        rolegateExit: as[0]?.exit,
      };
      if (bs.length) {
        Object.assign(row, {
          kubeconformMs: median(bs.map((x) => x.ms)),
          kubeconformPeakMB: median(bs.map((x) => x.peakMB)),
          kubeconformInvalid: bs[0]?.invalid,
          kubeconformExit: bs[0]?.exit,
          timeRatio: pairRatio(as, bs, (x) => x.ms),
          memoryRatio: pairRatio(as, bs, (x) => x.peakMB),
          rolegateMsAll: as.map((x) => Math.round(x.ms)),
          kubeconformMsAll: bs.map((x) => Math.round(x.ms)),
        });
        row.timeTarget =
          row.timeRatio <= 1 ? 'met' : `missed by ${((row.timeRatio - 1) * 100).toFixed(0)}%`;
        if (n === MEMORY_TARGET_AT) {
          row.memoryTarget =
            row.memoryRatio <= MEMORY_FACTOR
              ? 'met'
              : `missed: ${row.memoryRatio.toFixed(2)}× (target ${MEMORY_FACTOR}×)`;
        }
      }
      rows.push(row);
      await rm(dir, { recursive: true, force: true });
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const text = [
    table(
      `start-up: rolegate --version vs node -e 0, whole processes in turn, medians of ${startup.runs}`,
      ['command', 'wall s', 'peak MB'],
      [
        ['rolegate --version', startup.rolegateMs / 1000, Math.round(startup.rolegatePeakMB)],
        ['node -e 0', startup.nodeMs / 1000, Math.round(startup.nodePeakMB)],
        ['ratio (median of pairs)', `${startup.ratio.toFixed(2)}×`, '-'],
      ],
    ),
    table(
      'kubeconform: rolegate validate -o json vs kubeconform -output json, same files (one manifest per file, 10% invalid), in turn',
      [
        'manifests',
        'rolegate s',
        'kubeconform s',
        'time ratio',
        'rolegate MB',
        'kubeconform MB',
        'memory ratio',
        'invalid found (rolegate/kubeconform)',
        'time target',
        'memory target',
        'runs',
      ],
      rows.map((x) => [
        x.manifests,
        x.rolegateMs / 1000,
        x.kubeconformMs ? x.kubeconformMs / 1000 : 'not run',
        x.timeRatio ? `${x.timeRatio.toFixed(2)}×` : '-',
        Math.round(x.rolegatePeakMB),
        x.kubeconformPeakMB ? Math.round(x.kubeconformPeakMB) : '-',
        x.memoryRatio ? `${x.memoryRatio.toFixed(2)}×` : '-',
        `${x.rolegateInvalid ?? '?'}/${x.kubeconformInvalid ?? '-'}`,
        x.timeTarget ?? '-',
        x.memoryTarget ?? '-',
        x.runs,
      ]),
    ),
  ].join('\n');
  notes.push(
    'kubeconform does not evaluate the CRD rules written in CEL (x-kubernetes-validations) and reads YAML 1.1 (`mfaRequired: yes` is true to it), so it finds fewer of the generated errors than rolegate',
  );
  return { startup, rows, notes, text };
}
