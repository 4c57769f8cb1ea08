// Suite "provider": Graph requests, response bytes and wall time of rolegate's plan and apply against the
// Graph emulator, compared in the same run with two per-role baselines, one role at a time:
//  - naive (issue #7's definition, the way per-resource tools work): look up the role's policy assignment,
//    get the policy with its rules, PATCH the rule where MFA is missing: 2 GETs per role (+ PATCH);
//  - naive, expanded (a stronger baseline): one GET per role of the assignment filtered by role with
//    `$expand=policy($expand=rules)`, then the PATCH.
//
// rolegate is the real code from dist/: EntraProvider.snapshot() + resolve + plan() for every role, and
// EntraProvider.apply(actions). Request counts are the emulator's own log (server side, retries included).
// Server conditions: the emulator's default page of 25 with `$top` honoured up to 999, and servers that refuse
// `$top` (page 100 or 25). What page real Graph grants on these lists is unverified.
import { startGraphEmulator } from '../../dist/emulator/graph/index.js';
import { createEntraProvider } from '../../dist/providers/entra/index.js';
import { plan } from '../../dist/reconcile/plan.js';
import { medianOf, progress, repeat, table } from '../lib/common.mjs';

const MFA = 'MultiFactorAuthentication';
const ENABLEMENT = 'Enablement_EndUser_Assignment';

/**
 * The conditions measured. Server: `$top` honoured up to 999 (default page 25), or `$top` refused with a page of
 * 100 or 25, since the snapshot's cost is set by the page the server grants. Network: plain loopback, 50 ms per
 * request, 10% of requests throttled (these two with `$top` honoured).
 */
function conditions(quick) {
  return [
    { name: 'plain, $top honoured (max 999)', sizes: quick ? [100, 1000] : [100, 1000, 5000] },
    {
      name: 'plain, page 100, $top refused',
      pageSize: 100,
      refuseTop: true,
      sizes: quick ? [1000] : [5000],
    },
    {
      name: 'plain, page 25, $top refused',
      refuseTop: true,
      sizes: quick ? [1000] : [1000, 5000],
    },
    { name: 'latency 50 ms', latencyMs: 50, sizes: quick ? [100] : [100, 1000] },
    {
      name: 'throttle 10% 429',
      throttle: { every: 10, retryAfter: '0.2' },
      sizes: quick ? [100] : [100, 1000],
    },
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
    ...(c.refuseTop ? { refuseTop: true } : {}),
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
      headers: {
        authorization: `Bearer ${acc.token}`,
        accept: 'application/json',
        ...init?.headers,
      },
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

/** The body of the PATCH that adds MFA to the activation rule, keeping the other enabled rules. */
function mfaPatch(rule) {
  return JSON.stringify({
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
  });
}

/**
 * A per-role baseline. `expanded: false` is issue #7's naive client: per role, GET the policy assignment
 * (filtered by role) for its policy id, then GET the policy with its rules. `expanded: true` folds both into one
 * GET of the assignment with `$expand=policy($expand=rules)`. Either then PATCHes the rule where MFA is missing.
 */
async function naive(emulator, ids, { write, expanded }, fetchImpl = fetch) {
  // a token of the emulator's default application, as a client-credentials client would hold
  const acc = { bytes: 0, token: emulator.token };
  const base = `${emulator.url}/v1.0`;
  let toFix = 0;
  const t0 = performance.now();
  for (const id of ids) {
    const filter = encodeURIComponent(
      `scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '${id}'`,
    );
    const assignments = `${base}/policies/roleManagementPolicyAssignments?$filter=${filter}`;
    let policy;
    if (expanded) {
      const body = await naiveCall(
        fetchImpl,
        `${assignments}&$expand=policy($expand=rules)`,
        { method: 'GET' },
        acc,
      );
      policy = body.value[0]?.policy;
    } else {
      const body = await naiveCall(fetchImpl, assignments, { method: 'GET' }, acc);
      const policyId = body.value[0]?.policyId;
      if (!policyId) continue;
      policy = await naiveCall(
        fetchImpl,
        `${base}/policies/roleManagementPolicies/${encodeURIComponent(policyId)}?$expand=rules`,
        { method: 'GET' },
        acc,
      );
    }
    const rule = policy?.rules.find((r) => r.id === ENABLEMENT);
    if (!rule || rule.enabledRules.includes(MFA)) continue;
    toFix++;
    if (!write) continue;
    await naiveCall(
      fetchImpl,
      `${base}/policies/roleManagementPolicies/${encodeURIComponent(policy.id)}/rules/${ENABLEMENT}`,
      { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: mfaPatch(rule) },
      acc,
    );
  }
  return { ms: performance.now() - t0, bytes: acc.bytes, toFix };
}

/** The two per-role baselines: issue #7's (2 GETs per role) and the expanded one (1 GET per role). */
const BASELINES = [
  ['nv', { expanded: false }],
  ['nx', { expanded: true }],
];

/** One measurement of rolegate and both baselines, plan and apply, for one size and condition. */
async function measureOnce(n, c) {
  const out = {};
  const fetchFor = (em) => (c.throttle ? throttlingFetch(em, c.throttle) : undefined);

  // plan: rolegate and the baselines on the same (read-only) tenant
  let em = await emulatorFor(n, c);
  try {
    const ids = em.roleDefinitions().map((r) => r.id);
    em.resetLog();
    const rp = await rolegatePlan(em, ids, fetchFor(em));
    out.rgPlanReq = em.counts().requests;
    out.rgPlanBytes = rp.provider.stats().bytes;
    out.rgPlanMs = rp.ms;
    out.rgPlanActions = rp.actions.length;
    // The next resync of the same client: a refusal of $top is remembered, so this is the steady cost.
    em.resetLog();
    await rp.provider.snapshot();
    out.rgResyncReq = em.counts().requests;
    for (const [k, how] of BASELINES) {
      em.resetLog();
      em.clearFaults();
      const np = await naive(em, ids, { write: false, ...how }, fetchFor(em) ?? fetch);
      out[`${k}PlanReq`] = em.counts().requests;
      out[`${k}PlanBytes`] = np.bytes;
      out[`${k}PlanMs`] = np.ms;
      out[`${k}PlanToFix`] = np.toFix;
    }
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

  // apply: each baseline on a fresh tenant
  for (const [k, how] of BASELINES) {
    em = await emulatorFor(n, c);
    try {
      const ids = em.roleDefinitions().map((r) => r.id);
      em.resetLog();
      const na = await naive(em, ids, { write: true, ...how }, fetchFor(em) ?? fetch);
      const nc = em.counts();
      out[`${k}ApplyReq`] = nc.requests;
      out[`${k}ApplyWrites`] = nc.writes;
      out[`${k}ApplyBytes`] = na.bytes;
      out[`${k}ApplyMs`] = na.ms;
      out[`${k}MissingAfter`] = missingMfa(em);
    } finally {
      await em.close();
    }
  }
  return out;
}

/** Runs the suite; returns { rows, text }. */
export async function runProviderSuite({ runs, quick, sizes }) {
  const rows = [];
  for (const c of conditions(quick)) {
    // --sizes replaces every condition's sizes.
    for (const n of sizes ?? c.sizes) {
      // Under emulated latency or throttling the baselines at 1,000 roles take minutes per run: measure once.
      const r = (c.latencyMs || c.throttle) && n >= 1000 ? 1 : runs;
      progress(`provider: ${c.name}, ${n} roles, ${r} run(s)`);
      const m = medianOf(await repeat(r, () => measureOnce(n, c)));
      rows.push({
        condition: c.name,
        roles: n,
        server: { pageSize: c.pageSize ?? 25, maxPageSize: 999, refuseTop: c.refuseTop ?? false },
        ...m,
      });
    }
  }
  return { rows, text: render(rows) };
}

const pct = (a, b) => (b ? `${((a / b) * 100).toFixed(a / b < 0.1 ? 2 : 1)}%` : '-');
const kb = (b) => Math.round(b / 1024);

function render(rows) {
  const plan = table(
    'provider: plan (rolegate: snapshot + resolve + plan() for every role, a fresh client; "resync": the same client\'s next snapshot; naive: 2 GETs per role; naive-x: 1 expanded GET per role)',
    [
      'condition',
      'roles',
      'rg req',
      'resync',
      'naive req',
      'naive-x req',
      'vs naive',
      'vs naive-x',
      'rg KiB',
      'naive KiB',
      'naive-x KiB',
      'rg ms',
      'naive ms',
      'naive-x ms',
      'time vs naive',
      'time vs naive-x',
      'runs',
    ],
    rows.map((x) => [
      x.condition,
      x.roles,
      x.rgPlanReq,
      x.rgResyncReq,
      x.nvPlanReq,
      x.nxPlanReq,
      pct(x.rgPlanReq, x.nvPlanReq),
      pct(x.rgPlanReq, x.nxPlanReq),
      kb(x.rgPlanBytes),
      kb(x.nvPlanBytes),
      kb(x.nxPlanBytes),
      Math.round(x.rgPlanMs),
      Math.round(x.nvPlanMs),
      Math.round(x.nxPlanMs),
      pct(x.rgPlanMs, x.nvPlanMs),
      pct(x.rgPlanMs, x.nxPlanMs),
      x.runs,
    ]),
  );
  const apply = table(
    'provider: apply from scratch (rolegate: snapshot + plan + apply(actions); baselines: their plan + PATCH where MFA is missing)',
    [
      'condition',
      'roles',
      'to fix',
      'rg req',
      '(apply only)',
      'naive req',
      'naive-x req',
      'vs naive',
      'vs naive-x',
      'rg writes',
      'naive writes',
      'naive-x writes',
      'rg ms',
      'naive ms',
      'naive-x ms',
      'time vs naive',
      'time vs naive-x',
      'left w/o MFA rg/naive/naive-x',
    ],
    rows.map((x) => [
      x.condition,
      x.roles,
      x.rgPlanActions,
      x.rgApplyReq,
      x.rgApplyOnlyReq,
      x.nvApplyReq,
      x.nxApplyReq,
      pct(x.rgApplyReq, x.nvApplyReq),
      pct(x.rgApplyReq, x.nxApplyReq),
      x.rgApplyWrites,
      x.nvApplyWrites,
      x.nxApplyWrites,
      Math.round(x.rgApplyMs),
      Math.round(x.nvApplyMs),
      Math.round(x.nxApplyMs),
      pct(x.rgApplyMs, x.nvApplyMs),
      pct(x.rgApplyMs, x.nxApplyMs),
      `${x.rgMissingAfter}/${x.nvMissingAfter}/${x.nxMissingAfter}`,
    ]),
  );
  return `${plan}\n${apply}\n`;
}
