// Suite "fairness": T tenants (one Graph emulator and IdentityProvider each) of R roles on one controller, with
// the roles of one tenant in their own namespace. Three runs on one API server: every tenant answering (the
// baseline); one tenant answering every request 429 with a long Retry-After; one tenant answering every request
// after the request deadline. Measured: how long the other T-1 tenants' roles take to be Ready (the ratio to the
// baseline is the cost of the bad tenant to the others), how many requests reached the bad tenant while it was
// bad, and, once its fault is cleared, whether and how fast its own roles converge.
import { startApiServer, startController, watchReady } from '../lib/k8s.mjs';
import {
  createNamespace,
  createRoles,
  missingMfa,
  startTenants,
  tenantRoles,
} from '../lib/tenants.mjs';
import { progress, sleep, table } from '../lib/common.mjs';

const RETRY_AFTER_S = 60;
const SLOW_MS = 30_000; // beyond the controller's default request deadline of 20 s

const SCENARIOS = [
  { name: 'baseline', fault: undefined },
  {
    name: `throttled (429, Retry-After ${RETRY_AFTER_S} s)`,
    fault: { status: 429, retryAfter: String(RETRY_AFTER_S), untilCleared: true },
  },
  {
    name: `slow (answers after ${SLOW_MS / 1000} s)`,
    fault: { delayMs: SLOW_MS, untilCleared: true },
  },
];

async function scenario(k, t, r, s, i) {
  const estate = await startTenants(k, t, r, { resync: '30s', prefix: `fair${i}` });
  const [bad, ...good] = estate.tenants;
  const nsGood = await createNamespace(k, 'bench-fair-good');
  const nsBad = await createNamespace(k, 'bench-fair-bad');
  // cluster-wide, to see both namespaces; this API server holds nothing else
  const ctrl = await startController(k, {});
  try {
    if (s.fault) bad.emulator.injectFault(s.fault);
    await sleep(1000);
    bad.emulator.resetLog();
    const goodN = good.length * r;
    const wGood = await watchReady(k, nsGood, goodN, 1_800_000);
    const wBad = await watchReady(k, nsBad, r, 1_800_000);
    // the bad tenant's roles first: the worst case for a queue served in arrival order
    const objs = [...tenantRoles(bad, nsBad), ...good.flatMap((x) => tenantRoles(x, nsGood))];
    const t0 = performance.now();
    progress(`  ${s.name}: creating ${objs.length} PrivilegedRoles`);
    await createRoles(k, objs, 50);
    const tGood = await Promise.race([wGood.done, ctrl.died]);
    const goodMs = tGood - t0;
    const badReadyAtGood = wBad.ready();
    const badRequestsWhileBad = bad.emulator.counts().requests;
    const badMissingWhileBad = missingMfa(bad);
    progress(
      `  ${s.name}: ${goodN} roles of ${good.length} tenants Ready in ${Math.round(goodMs)} ms`,
    );
    let badMs;
    let clearedAt;
    if (s.fault) {
      bad.emulator.clearFaults();
      clearedAt = performance.now();
    }
    const tBad = await Promise.race([wBad.done, ctrl.died]);
    badMs = tBad - (clearedAt ?? t0);
    wGood.cancel();
    wBad.cancel();
    return {
      scenario: s.name,
      tenants: t,
      rolesPerTenant: r,
      goodRoles: goodN,
      goodMs,
      badReadyAtGood,
      badRequestsWhileBad,
      badMissingWhileBad,
      badMsAfterClear: s.fault ? badMs : undefined,
      badMsBaseline: s.fault ? undefined : badMs,
      badMissingAfter: missingMfa(bad),
      goodMissingAfter: good.reduce((n, x) => n + missingMfa(x), 0),
      controllerHwmMB: ctrl.memory()?.hwmMB,
    };
  } finally {
    await ctrl.stop();
    await estate.close();
  }
}

export async function runFairnessSuite({ quick, sizes, tenants: tenantCount }) {
  const t = tenantCount ?? (quick ? 10 : 100);
  const r = sizes?.[0] ?? (quick ? 10 : 20);
  const k = await startApiServer();
  const rows = [];
  try {
    for (const [i, s] of SCENARIOS.entries()) {
      progress(`fairness: ${t} tenants x ${r} roles, ${s.name}`);
      rows.push(await scenario(k, t, r, s, i));
    }
  } finally {
    await k.down();
  }
  const base = rows[0].goodMs;
  for (const x of rows) x.ratio = x.goodMs / base;
  const text = table(
    `fairness: ${t} tenants x ${r} roles; one tenant bad until the other ${t - 1} are Ready, then cleared`,
    [
      'scenario',
      `${t - 1} tenants Ready s`,
      'ratio',
      'bad tenant: requests while bad',
      'its roles Ready meanwhile',
      'its roles Ready s after clear',
      'w/o MFA after (bad/others)',
      'ctrl peak MB',
    ],
    rows.map((x) => [
      x.scenario,
      x.goodMs / 1000,
      `${x.ratio.toFixed(2)}x`,
      x.badRequestsWhileBad,
      x.badReadyAtGood,
      x.badMsAfterClear === undefined ? '-' : x.badMsAfterClear / 1000,
      `${x.badMissingAfter}/${x.goodMissingAfter}`,
      Math.round(x.controllerHwmMB),
    ]),
  );
  return {
    rows,
    notes: [
      `fairness: the bad tenant's ${r} roles are created first; a Retry-After is honoured, so after a clear the throttled tenant is asked again only once its ${RETRY_AFTER_S} s have passed`,
    ],
    text,
  };
}
