// Suite "controller": on a real kube-apiserver, the time from creating N PrivilegedRoles (50 creates in
// flight) until all are Ready with `rolegate run --kubernetes` running, against the floor measured in the same
// run: the same N creates plus one merge patch of /status each, done directly. Both the run's creates and the
// floor go through one keep-alive client (rolegate's own, from dist/).
import { converge } from '../lib/scenario.mjs';
import {
  clearNamespace,
  createNamespace,
  delta,
  floorRun,
  requestCounts,
  roleObject,
  startApiServer,
  sumRequests,
} from '../lib/k8s.mjs';
import { median, progress, table } from '../lib/common.mjs';

async function floorOnce(k, n) {
  const ns = await createNamespace(k, 'bench-floor');
  const objs = Array.from({ length: n }, (_, i) =>
    roleObject(ns, `role-${i}`, 'floor', `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`),
  );
  const before = await requestCounts(k);
  const t0 = performance.now();
  await floorRun(k, objs, 50);
  const ms = performance.now() - t0;
  const d = delta(before, await requestCounts(k));
  await clearNamespace(k, ns);
  return { ms, apiRequests: sumRequests(d).total };
}

export async function runControllerSuite({ runs, runsExplicit, quick, sizes }) {
  const list = sizes ?? (quick ? [200] : [1000, 5000]);
  const k = await startApiServer();
  const rows = [];
  const notes = [];
  try {
    for (const n of list) {
      // 5,000 objects take minutes per run on 2 cores: one run there unless --runs is given explicitly.
      const r = n >= 5000 && !runsExplicit ? 1 : runs;
      const per = [];
      for (let i = 0; i < r; i++) {
        progress(`controller: ${n} roles, run ${i + 1}/${r}: floor`);
        const f = await floorOnce(k, n);
        progress(
          `controller: ${n} roles, run ${i + 1}/${r}: rolegate (floor ${Math.round(f.ms)} ms)`,
        );
        const { scenario, result } = await converge(k, n, {
          resync: '10s',
          timeoutMs: n >= 5000 ? 900_000 : 600_000,
        });
        await scenario.teardown();
        progress(`  converged in ${Math.round(result.ms)} ms`);
        per.push({ ...result, floorMs: f.ms, floorApiRequests: f.apiRequests });
      }
      const m = (key) => median(per.map((x) => x[key]));
      rows.push({
        roles: n,
        runs: r,
        ms: m('ms'),
        floorMs: m('floorMs'),
        ratio: m('ms') / m('floorMs'),
        createMs: m('createMs'),
        apiPerObject: m('apiPerObject'),
        apiMutating: m('apiMutating'),
        floorPerObject: m('floorApiRequests') / n,
        graphRequests: m('graphRequests'),
        graphWrites: m('graphWrites'),
        controllerCpuS: m('controllerCpuS'),
        controllerHwmMB: m('controllerHwmMB'),
        controllerHeapUsedPeakMB: m('controllerHeapUsedPeakMB'),
        controllerNodeOptions: per[0].controllerNodeOptions,
        controllerArgs: per[0].controllerArgs,
        credentials: per[0].credentials,
        holders: per[0].holders,
        missingBefore: m('missingBefore'),
        missingAfter: m('missingAfter'),
        apiByVerb: per[per.length - 1].apiByVerb,
        perRun: per,
      });
    }
  } finally {
    await k.down();
  }
  for (const x of rows) {
    notes.push(
      `${x.roles} roles: ${x.holders ? `the tenant has holders (BENCH_HOLDERS=1: ${10 * x.roles} instances, ${Math.round(x.roles / 10)} groups)` : 'the tenant has no holders (BENCH_HOLDERS=1 seeds them)'}; controller ran with NODE_OPTIONS=${JSON.stringify(x.controllerNodeOptions)} (the Helm chart's default unless BENCH_CONTROLLER_NODE_OPTIONS is set)${x.controllerArgs.length ? `, extra flags ${x.controllerArgs.join(' ')}` : ''} and ${x.credentials} credentials${x.credentials === 'ClientSecret' ? ' (a token from the HTTPS emulator through @azure/identity)' : ' (a token from the emulator by a plain POST: @azure/identity is not loaded; BENCH_ENTRA_CREDENTIALS=ClientSecret loads it)'}; peak MB is VmHWM, heap MB the peak of nodejs_heap_size_used_bytes sampled each second`,
    );
    notes.push(
      `${x.roles} roles: controller API requests by resource and verb (last run): ${JSON.stringify(x.apiByVerb)}`,
    );
    const restarts = x.perRun.map((r) => r.benchWatchRestarts ?? 0);
    if (restarts.some((r) => r > 0))
      notes.push(
        `${x.roles} roles: the API server ended the benchmark's Ready watch early ${restarts.join(', ')} time(s) per run; it listed again each time (its requests are not counted as the controller's)`,
      );
  }
  const text = table(
    'controller: create N PrivilegedRoles (50 in flight) until all Ready, vs the floor (create + status patch each)',
    [
      'roles',
      'rolegate s',
      'floor s',
      'ratio',
      'API req/object',
      '(floor)',
      'API writes',
      'Graph req',
      'Graph writes',
      'ctrl CPU s',
      'ctrl peak MB',
      'ctrl heap MB',
      'w/o MFA before/after',
      'runs',
    ],
    rows.map((x) => [
      x.roles,
      x.ms / 1000,
      x.floorMs / 1000,
      `${x.ratio.toFixed(2)}x`,
      x.apiPerObject,
      x.floorPerObject,
      x.apiMutating,
      x.graphRequests,
      x.graphWrites,
      x.controllerCpuS,
      Math.round(x.controllerHwmMB),
      Math.round(x.controllerHeapUsedPeakMB ?? 0),
      `${x.missingBefore}/${x.missingAfter}`,
      x.runs,
    ]),
  );
  return { rows, notes, text };
}
