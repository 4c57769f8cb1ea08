// Suite "shards": one estate of several tenants (an IdentityProvider and a Graph emulator each, the roles spread
// evenly over them) converged by one controller, then by two shards (`--watch-label-selector`, a controller
// process each, the tenants split half and half by label). Measured from creating the N PrivilegedRoles until all
// are Ready: the time, the API server requests of the controllers (the bench's own creates and watch taken off),
// and per controller the status writes, reconciles, Graph requests, CPU seconds and peak memory from its own
// /metrics and /proc.
import { randomBytes } from 'node:crypto';
import { startGraphEmulator } from '../../dist/emulator/graph/index.js';
import {
  GROUP,
  VERSION,
  clearNamespace,
  createNamespace,
  createProvider,
  createRoles,
  delta,
  deleteProvider,
  keepAliveClient,
  requestCounts,
  roleObject,
  startApiServer,
  startController,
  sumRequests,
  watchReady,
  withoutBench,
} from '../lib/k8s.mjs';
import { median, progress, table } from '../lib/common.mjs';

const LABEL = 'rolegate.io/shard';
const TENANTS = 4;

/** The sum of a counter's samples on a /metrics page. */
function total(text, name) {
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm')))
    sum += Number(m[1]);
  return sum;
}

/** One convergence of `n` roles over TENANTS tenants by `shards` controllers (1: one unsharded controller). */
async function once(k, n, shards) {
  const run = randomBytes(3).toString('hex');
  const ns = await createNamespace(k, `bench-shards${shards}`);
  const kube = await keepAliveClient(k);
  const tenants = [];
  for (let t = 0; t < TENANTS; t++) {
    const emulator = await startGraphEmulator({ port: 0, seed: { roles: Math.ceil(n / TENANTS) } });
    const provider = `bench-${run}-t${t}`;
    const shard = `s${t % Math.max(shards, 1)}`;
    await createProvider(k, provider, emulator, '10s');
    await kube.mergePatch(`/apis/${GROUP}/${VERSION}/identityproviders/${provider}`, {
      metadata: { labels: { [LABEL]: `${run}-${shard}` } },
    });
    tenants.push({ emulator, provider, shard });
  }
  const names = shards === 1 ? ['all'] : Array.from({ length: shards }, (_, i) => `s${i}`);
  const ctrls = [];
  try {
    for (const name of names)
      ctrls.push({
        name,
        ctrl: await startController(k, {
          namespace: ns,
          extra:
            name === 'all'
              ? []
              : ['--watch-label-selector', `${LABEL}=${run}-${name}`, '--shard-name', name],
        }),
      });
    const objs = [];
    for (const [t, { emulator, provider }] of tenants.entries())
      for (const [i, r] of emulator.roleDefinitions().entries())
        if (objs.length < n) objs.push(roleObject(ns, `t${t}-role-${i}`, provider, r.id));
    // the providers' first reconciles settle before anything is counted
    await new Promise((r) => setTimeout(r, 1000));
    const before = await requestCounts(k);
    for (const t of tenants) t.emulator.resetLog();
    const metricsBefore = await Promise.all(ctrls.map((c) => c.ctrl.metrics()));
    const cpu0 = ctrls.map((c) => c.ctrl.cpu());
    const w = await watchReady(k, ns, objs.length, 600_000);
    const t0 = performance.now();
    progress(`  creating ${objs.length} PrivilegedRoles in ${ns} (${names.length} controller(s))`);
    await createRoles(k, objs, 50);
    const tick = setInterval(() => progress(`  ${w.ready()}/${objs.length} Ready`), 15_000);
    let tEnd;
    try {
      tEnd = await Promise.race([w.done, ...ctrls.map((c) => c.ctrl.died)]);
    } finally {
      clearInterval(tick);
      w.cancel();
    }
    await new Promise((r) => setTimeout(r, 500)); // the watcher's last WATCH is counted when it ends
    const d = withoutBench(delta(before, await requestCounts(k)), objs.length, w);
    // after the counts: which controllers' field managers wrote each role's status
    const listed = await kube.get(`/apis/${GROUP}/${VERSION}/namespaces/${ns}/privilegedroles`);
    const writers = listed.items.map(
      (o) =>
        new Set(
          (o.metadata.managedFields ?? [])
            .filter((f) => f.subresource === 'status')
            .map((f) => f.manager),
        ).size,
    );
    const perShard = [];
    for (const [i, { name, ctrl }] of ctrls.entries()) {
      const text = await ctrl.metrics();
      const was = metricsBefore[i] ?? '';
      const mine = tenants.filter((t) => name === 'all' || t.shard === name);
      perShard.push({
        shard: name,
        tenants: mine.length,
        statusWrites:
          total(text, 'rolegate_status_writes_total') - total(was, 'rolegate_status_writes_total'),
        reconciles:
          total(text, 'controller_runtime_reconcile_total') -
          total(was, 'controller_runtime_reconcile_total'),
        graphRequests: mine.reduce((s, t) => s + t.emulator.counts().requests, 0),
        cpuS: ctrl.cpu() - (cpu0[i] ?? 0),
        hwmMB: ctrl.memory()?.hwmMB,
      });
    }
    return {
      shards,
      roles: objs.length,
      ms: tEnd - t0,
      apiRequests: sumRequests(d).total,
      apiMutating: sumRequests(d).mutating,
      rolesWrittenByTwo: writers.filter((w) => w > 1).length,
      apiByVerb: Object.fromEntries(Object.entries(d).filter(([key]) => !key.startsWith('* '))),
      perShard,
    };
  } finally {
    await Promise.all(ctrls.map((c) => c.ctrl.stop()));
    for (const t of tenants) {
      await deleteProvider(k, t.provider);
      await t.emulator.close();
    }
    await clearNamespace(k, ns);
  }
}

export async function runShardsSuite({ runs, quick, sizes }) {
  const list = sizes ?? (quick ? [200] : [1000]);
  const k = await startApiServer();
  const rows = [];
  try {
    for (const n of list)
      for (const shards of [1, 2]) {
        const per = [];
        for (let i = 0; i < runs; i++) {
          progress(`shards: ${n} roles, ${shards} controller(s), run ${i + 1}/${runs}`);
          const r = await once(k, n, shards);
          progress(`  converged in ${Math.round(r.ms)} ms`);
          per.push(r);
        }
        const last = per[per.length - 1];
        rows.push({
          roles: last.roles,
          shards,
          runs,
          ms: median(per.map((r) => r.ms)),
          apiRequests: median(per.map((r) => r.apiRequests)),
          apiMutating: median(per.map((r) => r.apiMutating)),
          rolesWrittenByTwo: Math.max(...per.map((r) => r.rolesWrittenByTwo)),
          perShard: last.perShard,
          perRun: per,
        });
      }
  } finally {
    await k.down();
  }
  const notes = [
    `${TENANTS} tenants (an IdentityProvider and a Graph emulator each, in the bench process), roles spread evenly; with 2 shards the tenants are split 2 and 2 by the ${LABEL} label. Per-controller figures are from the last run; time and API requests are medians`,
    "every shard lists and watches all PrivilegedRoles (a role is matched to its shard by its providerRef, which no API server selector can express), so the peak memory of each shard is not half of one controller's",
  ];
  const text = table(
    'shards: N PrivilegedRoles over 4 tenants until all Ready, by one controller and by two shards',
    [
      'roles',
      'controllers',
      'converge s',
      'API req',
      'API writes',
      'roles written by 2',
      'controller',
      'tenants',
      'status writes',
      'reconciles',
      'Graph req',
      'CPU s',
      'peak MB',
      'runs',
    ],
    rows.flatMap((x) =>
      x.perShard.map((s, i) => [
        i === 0 ? x.roles : '',
        i === 0 ? x.shards : '',
        i === 0 ? x.ms / 1000 : '',
        i === 0 ? x.apiRequests : '',
        i === 0 ? x.apiMutating : '',
        i === 0 ? x.rolesWrittenByTwo : '',
        s.shard,
        s.tenants,
        s.statusWrites,
        s.reconciles,
        s.graphRequests,
        s.cpuS,
        Math.round(s.hwmMB ?? 0),
        i === 0 ? x.runs : '',
      ]),
    ),
  );
  return { rows, notes, text };
}
