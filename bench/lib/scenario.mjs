// The controller scenario shared by the controller, steady and drift suites: a Graph emulator seeded with N
// synthetic roles, an IdentityProvider pointing at it, `rolegate run --kubernetes` as a child process, and N
// PrivilegedRoles created 50 at a time; measured until all are Ready.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import {
  DEFAULT_GRAPH_ROLES,
  startGraphEmulator,
  syntheticDirectory,
} from '../../dist/emulator/graph/index.js';
import { BENCH_CLIENT_ID } from './k8s.mjs';
import {
  benchCredentials,
  clearNamespace,
  createNamespace,
  createProvider,
  controllerRequests,
  createRoles,
  deleteProvider,
  requestCounts,
  roleObject,
  startController,
  sumRequests,
  watchReady,
} from './k8s.mjs';
import { progress } from './common.mjs';
import { selfSignedCert } from '../../scripts/self-signed-cert.mjs';

/**
 * Sets up and converges one scenario. Returns measurements and the live scenario (call teardown() when done).
 * The apiserver request counts are the controller's: the bench's own N creates and the LISTs and WATCHes of its
 * Ready watcher are subtracted.
 */
export async function converge(k, n, { resync = '10s', timeoutMs = 600_000, label = 'ctrl' } = {}) {
  const credentials = benchCredentials();
  const tls = credentials === 'ClientSecret' ? selfSignedCert() : undefined;
  const emulator = await startGraphEmulator({
    port: 0,
    seed: { roles: n },
    ...(tls ? { tls: { cert: tls.cert, key: tls.key } } : {}),
    // the ClientSecret controller signs in as its own application, registered with rolegate's permissions
    clients: [{ clientId: BENCH_CLIENT_ID, graphRoles: [...DEFAULT_GRAPH_ROLES], armActions: [] }],
  });
  // BENCH_HOLDERS=1: the tenant also has holders (10 instances per role, a group per 10 roles), which the
  // controller reads with every snapshot, as the coverage suite does.
  const holders = process.env.BENCH_HOLDERS === '1';
  if (holders) {
    const roleIds = emulator.roleDefinitions().map((r) => r.id);
    emulator.seedDirectory(
      syntheticDirectory({ roleIds, instances: 10 * n, groups: Math.max(1, Math.round(n / 10)) }),
    );
  }
  const ns = await createNamespace(k, `bench-${label}`);
  const provider = `bench-${randomBytes(3).toString('hex')}`;
  await createProvider(k, provider, emulator, resync, tls ? ns : undefined);
  const ctrl = await startController(k, {
    namespace: ns,
    env: tls ? { NODE_EXTRA_CA_CERTS: tls.certFile } : {},
  });
  const teardown = async () => {
    await ctrl.stop();
    await deleteProvider(k, provider);
    await clearNamespace(k, ns);
    await emulator.close();
    if (tls) rmSync(tls.dir, { recursive: true, force: true });
  };
  try {
    const ids = emulator.roleDefinitions().map((r) => r.id);
    const objs = ids.map((id, i) => roleObject(ns, `role-${i}`, provider, id));
    const missingBefore = ids.filter(
      (id) =>
        !emulator
          .getRule(id, 'Enablement_EndUser_Assignment')
          ?.enabledRules?.includes('MultiFactorAuthentication'),
    ).length;
    // Let the IdentityProvider's first reconcile (its initial snapshot and status) settle before counting.
    await new Promise((r) => setTimeout(r, 1000));
    const before = await requestCounts(k);
    emulator.resetLog();
    const cpu0 = ctrl.cpu();
    const w = await watchReady(k, ns, n, timeoutMs);
    const t0 = performance.now();
    progress(`  creating ${n} PrivilegedRoles in ${ns}`);
    await createRoles(k, objs, 50);
    const createMs = performance.now() - t0;
    const tick = setInterval(() => progress(`  ${w.ready()}/${n} Ready`), 15_000);
    const heap = sampleHeap(ctrl);
    let tEnd;
    try {
      tEnd = await Promise.race([w.done, ctrl.died]);
    } finally {
      clearInterval(tick);
      heap.stop();
      w.cancel();
    }
    const ms = tEnd - t0;
    const cpu = ctrl.cpu() - cpu0;
    const mem = ctrl.memory();
    const d = await controllerRequests(k, before, n, w);
    const sums = sumRequests(d);
    const g = emulator.counts();
    const missingAfter = ids.filter(
      (id) =>
        !emulator
          .getRule(id, 'Enablement_EndUser_Assignment')
          ?.enabledRules?.includes('MultiFactorAuthentication'),
    ).length;
    return {
      scenario: { emulator, ns, provider, ctrl, ids, teardown },
      result: {
        roles: n,
        ms,
        createMs,
        apiRequests: sums.total,
        apiMutating: sums.mutating,
        apiPerObject: sums.total / n,
        apiByVerb: Object.fromEntries(Object.entries(d).filter(([key]) => !key.startsWith('* '))),
        graphRequests: g.requests,
        graphWrites: g.writes,
        graphReads: g.reads,
        controllerCpuS: cpu,
        controllerHwmMB: mem?.hwmMB,
        controllerRssMB: mem?.rssMB,
        controllerHeapUsedPeakMB: heap.peakMB(),
        controllerNodeOptions: ctrl.nodeOptions,
        controllerArgs: ctrl.args,
        credentials,
        holders,
        missingBefore,
        missingAfter,
        benchWatchRestarts: w.requests().watchesEnded,
      },
    };
  } catch (err) {
    progress(`  controller stderr: ${ctrl.stderr().slice(-2000)}`);
    await teardown();
    throw err;
  }
}

/**
 * The controller's V8 heap in use (prom-client's nodejs_heap_size_used_bytes on its /metrics), sampled once a
 * second: the peak of live objects plus garbage not yet collected, as opposed to VmHWM, which also counts the
 * Node.js binary, code, buffers and heap pages V8 has not handed back.
 */
function sampleHeap(ctrl) {
  let peak = 0;
  const timer = setInterval(() => {
    ctrl
      .metrics()
      .then((text) => {
        const used = Number(/^nodejs_heap_size_used_bytes (\S+)/m.exec(text)?.[1]);
        if (used > peak) peak = used;
      })
      .catch(() => undefined);
  }, 1000);
  return {
    stop: () => clearInterval(timer),
    peakMB: () => (peak > 0 ? peak / 2 ** 20 : undefined),
  };
}
