// Suite "estate": a managed-service provider's estate on one controller: T tenants (one Graph emulator and one
// IdentityProvider each) of R roles, T x R PrivilegedRoles created 50 at a time on a real kube-apiserver. Measured:
// the time until all are Ready, the controller's peak memory (VmHWM) and CPU, then a steady state of several
// resyncs in which every write is counted (Graph non-GET operations, mutating API-server requests): in sync, it
// must write nothing.
import {
  controllerRequests,
  requestCounts,
  delta,
  startApiServer,
  startController,
  sumRequests,
  watchReady,
} from '../lib/k8s.mjs';
import {
  createNamespace,
  createRoles,
  graphCounts,
  missingMfa,
  startTenants,
  tenantRoles,
} from '../lib/tenants.mjs';
import { progress, sleep, table } from '../lib/common.mjs';

export async function runEstateSuite({ quick, sizes, tenants: tenantCount }) {
  const t = tenantCount ?? (quick ? 10 : 100);
  const r = sizes?.[0] ?? (quick ? 50 : 500);
  const n = t * r;
  const resyncS = 30;
  const k = await startApiServer();
  let row;
  try {
    progress(
      `estate: ${t} tenants x ${r} roles = ${n} PrivilegedRoles, resyncInterval ${resyncS}s`,
    );
    const estate = await startTenants(k, t, r, { resync: `${resyncS}s` });
    const ns = await createNamespace(k, 'bench-estate');
    const ctrl = await startController(k, { namespace: ns });
    try {
      const objs = estate.tenants.flatMap((x) => tenantRoles(x, ns));
      const missingBefore = estate.tenants.reduce((s, x) => s + missingMfa(x), 0);
      await sleep(1000);
      for (const x of estate.tenants) x.emulator.resetLog();
      const before = await requestCounts(k);
      const cpu0 = ctrl.cpu();
      const w = await watchReady(k, ns, n, 3_600_000);
      const t0 = performance.now();
      progress(`  creating ${n} PrivilegedRoles in ${ns}`);
      await createRoles(k, objs, 50);
      const createMs = performance.now() - t0;
      const tick = setInterval(
        () =>
          progress(
            `  ${w.ready()}/${n} Ready, controller ${Math.round(ctrl.memory()?.hwmMB ?? 0)} MB peak`,
          ),
        30_000,
      );
      let tEnd;
      try {
        tEnd = await Promise.race([w.done, ctrl.died]);
      } finally {
        clearInterval(tick);
        w.cancel();
      }
      const convergeMs = tEnd - t0;
      const convergeCpuS = ctrl.cpu() - cpu0;
      const hwmAtConverge = ctrl.memory()?.hwmMB;
      const g = graphCounts(estate.tenants);
      const d = await controllerRequests(k, before, n, w);
      const convergeApi = sumRequests(d);
      const missingAfter = estate.tenants.reduce((s, x) => s + missingMfa(x), 0);
      progress(
        `  converged in ${Math.round(convergeMs / 1000)} s; steady state over ${3 * resyncS} s`,
      );

      // Steady state: let the last writes and one full resync pass, then count over three resync intervals.
      await sleep((resyncS + 5) * 1000);
      for (const x of estate.tenants) x.emulator.resetLog();
      const steadyBefore = await requestCounts(k);
      const steadyCpu0 = ctrl.cpu();
      const windowS = 3 * resyncS;
      await sleep(windowS * 1000);
      const sg = graphCounts(estate.tenants);
      const sd = delta(steadyBefore, await requestCounts(k));
      const steadyApi = sumRequests(sd);
      const steadyCpuS = ctrl.cpu() - steadyCpu0;
      const mem = ctrl.memory();
      row = {
        tenants: t,
        rolesPerTenant: r,
        roles: n,
        convergeMs,
        createMs,
        convergeCpuS,
        hwmAtConvergeMB: hwmAtConverge,
        controllerHwmMB: mem?.hwmMB,
        controllerRssMB: mem?.rssMB,
        graphRequests: g.requests,
        graphWrites: g.writes,
        apiRequests: convergeApi.total,
        apiMutating: convergeApi.mutating,
        apiByVerb: Object.fromEntries(Object.entries(d).filter(([x]) => !x.startsWith('* '))),
        missingBefore,
        missingAfter,
        steadyWindowS: windowS,
        steadyGraphRequests: sg.requests,
        steadyGraphWrites: sg.writes,
        steadyApiMutating: steadyApi.mutating,
        steadyApiRequests: steadyApi.total,
        steadyApiByVerb: Object.fromEntries(
          Object.entries(sd).filter(([x]) => !x.startsWith('* ')),
        ),
        steadyCpuS,
        steadyCpuPerResyncS: steadyCpuS / 3,
        controllerNodeOptions: ctrl.nodeOptions,
        controllerArgs: ctrl.args,
      };
    } finally {
      await ctrl.stop();
      await estate.close();
    }
  } finally {
    await k.down();
  }
  const text = table(
    `estate: ${row.tenants} tenants x ${row.rolesPerTenant} roles created 50 in flight until all Ready, then ${row.steadyWindowS} s of steady state`,
    [
      'roles',
      'converge s',
      'ctrl CPU s',
      'ctrl peak MB',
      'Graph req',
      'Graph writes',
      'API writes',
      'w/o MFA before/after',
      'steady Graph req',
      'steady Graph writes',
      'steady API writes',
      'steady CPU s/resync',
    ],
    [
      [
        row.roles,
        row.convergeMs / 1000,
        row.convergeCpuS,
        Math.round(row.controllerHwmMB),
        row.graphRequests,
        row.graphWrites,
        row.apiMutating,
        `${row.missingBefore}/${row.missingAfter}`,
        row.steadyGraphRequests,
        row.steadyGraphWrites,
        row.steadyApiMutating,
        row.steadyCpuPerResyncS,
      ],
    ],
  );
  return {
    rows: [row],
    notes: [
      `estate: controller NODE_OPTIONS=${JSON.stringify(row.controllerNodeOptions)}; peak MB is VmHWM over the whole run (${Math.round(row.hwmAtConvergeMB)} MB at convergence); resyncInterval ${resyncS}s per IdentityProvider`,
      `estate: controller API requests by resource and verb while converging: ${JSON.stringify(row.apiByVerb)}`,
      `estate steady-state API requests by resource and verb: ${JSON.stringify(row.steadyApiByVerb)}`,
    ],
    text,
  };
}
