// Suite "steady": with every role in sync (the controller scenario, IdentityProvider resyncInterval 10s),
// count over several resyncs the writes (Graph non-GET operations; mutating API-server requests from /metrics)
// and the controller's CPU per resync (utime + stime from /proc/<pid>/stat between resync starts).
import { converge } from '../lib/scenario.mjs';
import { delta, requestCounts, startApiServer, sumRequests } from '../lib/k8s.mjs';
import { median, progress, sleep, table } from '../lib/common.mjs';

/** Snapshot starts in the emulator log: the first page of the role-definitions listing. */
function snapshotStarts(emulator) {
  return emulator
    .requests()
    .filter((r) => r.path.endsWith('/roleDefinitions') && !/skiptoken/i.test(r.query)).length;
}

export async function runSteadySuite({ runs, quick, sizes }) {
  const n = sizes?.[0] ?? (quick ? 200 : 1000);
  const resyncs = Math.max(3, runs);
  const k = await startApiServer();
  let row;
  try {
    progress(`steady: converging ${n} roles (resyncInterval 10s)`);
    const { scenario, result } = await converge(k, n, { resync: '10s', label: 'steady' });
    const { emulator, ctrl } = scenario;
    try {
      // Let the writes of convergence finish and one resync pass over the now-synced roles.
      await sleep(12_000);
      emulator.resetLog();
      const before = await requestCounts(k);
      const cpuAt = [];
      let seen = 0;
      const t0 = performance.now();
      const limit = t0 + (resyncs + 1) * 12_000 + 5_000;
      // Sample CPU at each resync start (a new snapshot), until `resyncs` full intervals are measured.
      while (cpuAt.length < resyncs + 1 && performance.now() < limit) {
        const s = snapshotStarts(emulator);
        if (s > seen) {
          seen = s;
          cpuAt.push({ t: performance.now(), cpu: ctrl.cpu() });
        }
        await sleep(50);
      }
      const windowS = (cpuAt[cpuAt.length - 1].t - cpuAt[0].t) / 1000;
      // Let the last resync's reconciles finish so its writes (if any) are counted.
      await sleep(3000);
      const d = delta(before, await requestCounts(k));
      const sums = sumRequests(d);
      const g = emulator.counts();
      const perResyncCpu = cpuAt.slice(1).map((x, i) => x.cpu - cpuAt[i].cpu);
      const intervals = cpuAt.slice(1).map((x, i) => (x.t - cpuAt[i].t) / 1000);
      const totalS = (performance.now() - t0) / 1000;
      row = {
        roles: n,
        resyncs: perResyncCpu.length,
        windowS,
        medianIntervalS: median(intervals),
        graphRequests: g.requests,
        graphRequestsPerResync: g.requests / Math.max(1, seen),
        graphWrites: g.writes,
        apiMutating: sums.mutating,
        apiRequests: sums.total,
        apiByVerb: Object.fromEntries(Object.entries(d).filter(([x]) => !x.startsWith('* '))),
        cpuPerResyncS: median(perResyncCpu),
        cpuPerResyncAll: perResyncCpu,
        writesPerHour: ((g.writes + sums.mutating) / totalS) * 3600,
        controllerHwmMB: ctrl.memory()?.hwmMB,
        convergeMs: result.ms,
      };
    } finally {
      await scenario.teardown();
    }
  } finally {
    await k.down();
  }
  const text = table(
    `steady: ${row.roles} roles in sync, resyncInterval 10s, ${row.resyncs} resyncs measured`,
    [
      'roles',
      'resyncs',
      'interval s',
      'Graph req/resync',
      'Graph writes',
      'API writes',
      'API req (all)',
      'writes/hour',
      'CPU s/resync',
      'ctrl peak MB',
    ],
    [
      [
        row.roles,
        row.resyncs,
        row.medianIntervalS,
        row.graphRequestsPerResync,
        row.graphWrites,
        row.apiMutating,
        row.apiRequests,
        Math.round(row.writesPerHour),
        row.cpuPerResyncS,
        Math.round(row.controllerHwmMB),
      ],
    ],
  );
  return {
    rows: [row],
    notes: [`steady API requests by resource and verb: ${JSON.stringify(row.apiByVerb)}`],
    text,
  };
}
