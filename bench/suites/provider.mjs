// Suite "provider": Graph requests, response bytes and wall time of rolegate's plan and apply against the
// Graph emulator, compared in the same run with a naive per-role client (one filtered GET per role, then a
// PATCH where MFA is missing, one role at a time), the way per-resource tools work.
//
// rolegate is the real code from dist/: EntraProvider.snapshot() + resolve + plan() for every role, and
// EntraProvider.apply(actions). Request counts are the emulator's own log (server side, retries included).
import { startGraphEmulator } from '../../dist/emulator/graph/index.js';
import { createEntraProvider } from '../../dist/providers/entra/index.js';
import { plan } from '../../dist/reconcile/plan.js';
import { medianOf, progress, repeat, table } from '../lib/common.mjs';

const MFA = 'MultiFactorAuthentication';
const ENABLEMENT = 'Enablement_EndUser_Assignment';

/** The conditions measured: plain loopback, 50 ms per request, and 10% of requests throttled. */
function conditions(quick) {
  return [
    { name: 'plain', sizes: quick ? [100, 1000] : [100, 1000, 5000] },
    { name: 'latency 50 ms', latencyMs: 50, sizes: quick ? [100] : [100, 1000] },
    {
      name: 'throttle 10% 429',
      throttle: { every: 10, retryAfter: '0.2' },
      sizes: quick ? [100] : [100, 1000],
    },
    // The snapshot pages through the tenant; how many requests that takes depends on the server's page size.
    { name: 'plain, page size 100', pageSize: 100, sizes: quick ? [1000] : [5000] },
  ];
}

/**
 * A fetch that answers the 1st, (every+1)-th, (2·every+1)-th… Graph round trip with 429 + Retry-After, through the emulator's fault
 * injection (the fault is armed just before the request is sent, so it hits exactly that request).
 */
function throttlingFetch(emulator, t) {
  let n = 0;
  return (url, init) => {
    if (/\/(v1\.0|beta)\//.test(String(url)) && n++ % t.every === 0) {
      emulator.injectFault({
        status: 429,
        retryAfter: t.retryAfter,
        times: 1,
        match: { scope: 'request' },
      });
    }
    return fetch(url, init);
  };
}

function spec(roleId) {
  return {
    providerRef: 'bench',
    role: { id: roleId.toLowerCase() },
    scope: '/',
    mfaRequired: true,
    mechanism: 'Any',
    enforcement: 'Enforce',
    deletionPolicy: 'Orphan',
  };
}

async function emulatorFor(n, c) {
  return startGraphEmulator({
    port: 0,
    seed: { roles: n },
    ...(c.pageSize ? { pageSize: c.pageSize } : {}),
    ...(c.latencyMs ? { latencyMs: c.latencyMs } : {}),
  });
}

function missingMfa(emulator) {
  const s = emulator.exportState();
  return s.policies.filter(
    (p) => !p.rules.find((r) => r.id === ENABLEMENT)?.enabledRules?.includes(MFA),
  ).length;
}

function provider(emulator, fetchImpl) {
  return createEntraProvider(
    {
      tenantId: emulator.tenantId,
      graphBaseUrl: emulator.url,
      credentials: { type: 'Emulator' },
    },
    fetchImpl ? { fetch: fetchImpl } : {},
  );
}

/** rolegate plan: one snapshot, then resolve + plan() for every role. */
async function rolegatePlan(emulator, ids, fetchImpl) {
  const p = provider(emulator, fetchImpl);
  const t0 = performance.now();
  const snap = await p.snapshot();
  const actions = [];
  for (const id of ids) {
    const out = plan({
      spec: spec(id),
      problems: [],
      paused: false,
      lookup: snap.resolve({ id: id.toLowerCase() }, '/'),
      options: { allowWeakening: false },
    });
    actions.push(...out.actions);
  }
  return { ms: performance.now() - t0, actions, provider: p };
}

/** The naive client's GET/PATCH with Retry-After honoured (up to 5 attempts), counting response bytes. */
async function naiveCall(fetchImpl, url, init, acc) {
  for (let attempt = 1; ; attempt++) {
    const res = await fetchImpl(url, {
      ...init,
      headers: { authorization: 'Bearer dev', accept: 'application/json', ...init?.headers },
    });
    const text = await res.text();
    acc.bytes += Buffer.byteLength(text);
    if (res.status === 429 && attempt < 5) {
      const ra = Number(res.headers.get('retry-after') ?? '1');
      await new Promise((r) => setTimeout(r, Math.ceil(ra * 1000)));
      continue;
    }
    if (!res.ok) throw new Error(`naive ${init?.method ?? 'GET'} ${url}: ${res.status} ${text}`);
    return text === '' ? undefined : JSON.parse(text);
  }
}

/** The naive baseline: per role, GET its policy assignment with the policy and rules, and PATCH if needed. */
async function naive(emulator, ids, { write }, fetchImpl = fetch) {
  const acc = { bytes: 0 };
  const base = `${emulator.url}/v1.0`;
  let toFix = 0;
  const t0 = performance.now();
  for (const id of ids) {
    const filter = encodeURIComponent(
      `scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '${id}'`,
    );
    const body = await naiveCall(
      fetchImpl,
      `${base}/policies/roleManagementPolicyAssignments?$filter=${filter}&$expand=policy($expand=rules)`,
      { method: 'GET' },
      acc,
    );
    const policy = body.value[0]?.policy;
    const rule = policy?.rules.find((r) => r.id === ENABLEMENT);
    if (!rule || rule.enabledRules.includes(MFA)) continue;
    toFix++;
    if (!write) continue;
    await naiveCall(
      fetchImpl,
      `${base}/policies/roleManagementPolicies/${encodeURIComponent(policy.id)}/rules/${ENABLEMENT}`,
      {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
          id: ENABLEMENT,
          enabledRules: [...rule.enabledRules, MFA],
          target: {
            caller: 'EndUser',
            operations: ['All'],
            level: 'Assignment',
            inheritableSettings: [],
            enforcedSettings: [],
          },
        }),
      },
      acc,
    );
  }
  return { ms: performance.now() - t0, bytes: acc.bytes, toFix };
}

/** One measurement of all four (rolegate/naive × plan/apply) for one size and condition. */
async function measureOnce(n, c) {
  const out = {};
  const fetchFor = (em) => (c.throttle ? throttlingFetch(em, c.throttle) : undefined);

  // plan: rolegate and naive on the same (read-only) tenant
  let em = await emulatorFor(n, c);
  try {
    const ids = em.roleDefinitions().map((r) => r.id);
    em.resetLog();
    const rp = await rolegatePlan(em, ids, fetchFor(em));
    const rc = em.counts();
    out.rgPlanReq = rc.requests;
    out.rgPlanBytes = rp.provider.stats().bytes;
    out.rgPlanMs = rp.ms;
    out.rgPlanActions = rp.actions.length;
    em.resetLog();
    em.clearFaults();
    const np = await naive(em, ids, { write: false }, fetchFor(em) ?? fetch);
    const nc = em.counts();
    out.nvPlanReq = nc.requests;
    out.nvPlanBytes = np.bytes;
    out.nvPlanMs = np.ms;
    out.nvPlanToFix = np.toFix;
  } finally {
    await em.close();
  }

  // apply: rolegate (snapshot + plan + apply) on a fresh tenant
  em = await emulatorFor(n, c);
  try {
    const ids = em.roleDefinitions().map((r) => r.id);
    out.missingBefore = missingMfa(em);
    em.resetLog();
    const f = fetchFor(em);
    const rp = await rolegatePlan(em, ids, f);
    const planCounts = em.counts();
    const t0 = performance.now();
    const results = await rp.provider.apply(rp.actions);
    const applyMs = performance.now() - t0;
    const all = em.counts();
    out.rgApplyReq = all.requests; // snapshot + apply
    out.rgApplyOnlyReq = all.requests - planCounts.requests;
    out.rgApplyWrites = all.writes;
    out.rgApplyBytes = rp.provider.stats().bytes;
    out.rgApplyMs = rp.ms + applyMs;
    out.rgApplyFailed = results.filter((r) => !r.ok).length;
    out.rgMissingAfter = missingMfa(em);
  } finally {
    await em.close();
  }

  // apply: naive on a fresh tenant
  em = await emulatorFor(n, c);
  try {
    const ids = em.roleDefinitions().map((r) => r.id);
    em.resetLog();
    const na = await naive(em, ids, { write: true }, fetchFor(em) ?? fetch);
    const nc = em.counts();
    out.nvApplyReq = nc.requests;
    out.nvApplyWrites = nc.writes;
    out.nvApplyBytes = na.bytes;
    out.nvApplyMs = na.ms;
    out.nvMissingAfter = missingMfa(em);
  } finally {
    await em.close();
  }
  return out;
}

/** Runs the suite; returns { rows, text }. */
export async function runProviderSuite({ runs, quick }) {
  const rows = [];
  for (const c of conditions(quick)) {
    for (const n of c.sizes) {
      // Under emulated latency the naive baseline at 1,000 roles takes ~2 minutes per run: measure it once.
      // The page-size row is a sensitivity check of rolegate's snapshot; one run is enough there.
      const r = (c.latencyMs && n >= 1000) || c.pageSize ? 1 : runs;
      progress(`provider: ${c.name}, ${n} roles, ${r} run(s)`);
      const m = medianOf(await repeat(r, () => measureOnce(n, c)));
      rows.push({ condition: c.name, roles: n, ...m });
    }
  }
  return { rows, text: render(rows) };
}

const pct = (a, b) => (b ? `${((a / b) * 100).toFixed(a / b < 0.1 ? 2 : 1)}%` : '-');
const kb = (b) => Math.round(b / 1024);

function render(rows) {
  const plan = table(
    'provider: plan (rolegate: snapshot + resolve + plan() for every role; naive: one filtered GET per role)',
    [
      'condition',
      'roles',
      'rg req',
      'naive req',
      'req ratio',
      'rg KiB',
      'naive KiB',
      'rg ms',
      'naive ms',
      'time ratio',
      'runs',
    ],
    rows.map((x) => [
      x.condition,
      x.roles,
      x.rgPlanReq,
      x.nvPlanReq,
      pct(x.rgPlanReq, x.nvPlanReq),
      kb(x.rgPlanBytes),
      kb(x.nvPlanBytes),
      Math.round(x.rgPlanMs),
      Math.round(x.nvPlanMs),
      pct(x.rgPlanMs, x.nvPlanMs),
      x.runs,
    ]),
  );
  const apply = table(
    'provider: apply from scratch (rolegate: snapshot + plan + apply(actions); naive: GET per role + PATCH where MFA is missing)',
    [
      'condition',
      'roles',
      'to fix',
      'rg req',
      '(apply only)',
      'naive req',
      'req ratio',
      'rg writes',
      'naive writes',
      'rg ms',
      'naive ms',
      'time ratio',
      'left w/o MFA rg/naive',
    ],
    rows.map((x) => [
      x.condition,
      x.roles,
      x.rgPlanActions,
      x.rgApplyReq,
      x.rgApplyOnlyReq,
      x.nvApplyReq,
      pct(x.rgApplyReq, x.nvApplyReq),
      x.rgApplyWrites,
      x.nvApplyWrites,
      Math.round(x.rgApplyMs),
      Math.round(x.nvApplyMs),
      pct(x.rgApplyMs, x.nvApplyMs),
      `${x.rgMissingAfter}/${x.nvMissingAfter}`,
    ]),
  );
  return `${plan}\n${apply}\n`;
}
