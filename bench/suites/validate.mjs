// Suite "validate": `rolegate validate DIR -o json` as a child process over 1,000 / 10,000 / 50,000
// generated manifests (~10% invalid), manifests/s and peak RSS; compared in the same run with
// `kubectl apply --dry-run=server -R -f DIR` against a real kube-apiserver where that is feasible.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateManifests, NAMESPACES } from '../lib/manifests.mjs';
import { CLI, startApiServer } from '../lib/k8s.mjs';
import { measured, measuredSummary, median, progress, table } from '../lib/common.mjs';

async function rolegate(dir) {
  const r = await measuredSummary(process.execPath, [CLI, 'validate', dir, '-o', 'json']);
  return { ms: r.ms, peakMB: r.peakMB, exit: r.code, summary: r.summary };
}

async function kubectl(k, dir, timeoutMs) {
  const r = await measured(
    k.env.KUBECTL,
    ['--kubeconfig', k.env.KUBECONFIG, 'apply', '--dry-run=server', '-R', '-f', dir],
    { timeoutMs, keep: 64 << 20 },
  );
  const accepted = (r.stdout.match(/\(server dry run\)/g) ?? []).length;
  const rejected = (
    r.stderr.match(/^(Error from server|error:|The \w+ "[^"]*" is invalid)/gm) ?? []
  ).length;
  return { ms: r.ms, peakMB: r.peakMB, exit: r.code, accepted, rejected };
}

export async function runValidateSuite({ runs, quick, sizes }) {
  const list = sizes ?? (quick ? [1000] : [1000, 10_000, 50_000]);
  const k = await startApiServer();
  const rows = [];
  const notes = [];
  try {
    for (const ns of NAMESPACES) await k.core.createNamespace({ body: { metadata: { name: ns } } });
    let kubectlPerObjMs;
    for (const n of list) {
      const dir = await mkdtemp(join(tmpdir(), 'rolegate-bench-validate-'));
      try {
        progress(`validate: generating ${n} manifests`);
        const gen = await generateManifests(dir, n, 0.1);
        const rg = [];
        const kc = [];
        let kubectlFailed = false;
        // kubectl sends a GET and a dry-run create per object, one after the other: minutes at 10,000+.
        const projectedS = kubectlPerObjMs ? (kubectlPerObjMs * n) / 1000 : 0;
        const kubectlRuns = projectedS > 300 ? 0 : n >= 10_000 ? 1 : runs;
        for (let i = 0; i < Math.max(runs, kubectlRuns); i++) {
          if (i < runs) {
            progress(`validate: rolegate validate, ${n} manifests, run ${i + 1}`);
            rg.push(await rolegate(dir));
          }
          if (i < kubectlRuns && !kubectlFailed) {
            progress(`validate: kubectl apply --dry-run=server, ${n} manifests, run ${i + 1}`);
            try {
              kc.push(await kubectl(k, dir, 600_000));
            } catch (err) {
              notes.push(`kubectl on ${n} manifests did not finish: ${err.message}`);
              kubectlFailed = true;
            }
          }
        }
        if (kubectlRuns === 0) {
          notes.push(
            `kubectl apply --dry-run=server was not run on ${n} manifests: at ${kubectlPerObjMs.toFixed(1)} ms per object measured on the smaller size it would take ~${Math.round(projectedS / 60)} min per run`,
          );
        }
        if (kc.length) kubectlPerObjMs = median(kc.map((x) => x.ms)) / n;
        const s = rg[0]?.summary;
        rows.push({
          manifests: n,
          files: gen.files,
          generatedInvalid: gen.invalid,
          rolegateMs: median(rg.map((x) => x.ms)),
          rolegatePerS: n / (median(rg.map((x) => x.ms)) / 1000),
          rolegatePeakMB: median(rg.map((x) => x.peakMB)),
          rolegateErrors: s?.errors,
          rolegateObjects: s?.objects,
          rolegateExit: rg[0]?.exit,
          runs: rg.length,
          ...(kc.length
            ? {
                kubectlMs: median(kc.map((x) => x.ms)),
                kubectlPerS: n / (median(kc.map((x) => x.ms)) / 1000),
                kubectlPeakMB: median(kc.map((x) => x.peakMB)),
                kubectlAccepted: kc[0].accepted,
                kubectlRejected: kc[0].rejected,
                kubectlRuns: kc.length,
              }
            : {}),
        });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await k.down();
  }
  const text = table(
    'validate: rolegate validate -o json (child process) vs kubectl apply --dry-run=server -R, same files',
    [
      'manifests',
      'files',
      'invalid',
      'rolegate s',
      'rolegate /s',
      'rolegate peak MB',
      'errors found',
      'kubectl s',
      'kubectl /s',
      'kubectl peak MB',
      'kubectl ok/refused',
      'speedup',
    ],
    rows.map((x) => [
      x.manifests,
      x.files,
      x.generatedInvalid,
      x.rolegateMs / 1000,
      Math.round(x.rolegatePerS),
      Math.round(x.rolegatePeakMB),
      x.rolegateErrors,
      x.kubectlMs ? x.kubectlMs / 1000 : 'not run',
      x.kubectlPerS ? Math.round(x.kubectlPerS) : '-',
      x.kubectlPeakMB ? Math.round(x.kubectlPeakMB) : '-',
      x.kubectlMs ? `${x.kubectlAccepted}/${x.kubectlRejected}` : '-',
      x.kubectlMs ? `${(x.kubectlMs / x.rolegateMs).toFixed(1)}x` : '-',
    ]),
  );
  return { rows, notes, text };
}
