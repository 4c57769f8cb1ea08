// Suite "coverage": what reading who holds every directory role costs, against the Graph emulator seeded with N
// synthetic roles, 10 holder instances per role (eligible and active, about half each) and N/10 role-assignable
// groups, each with 4 eligible and 4 active members and PIM for Groups policies. Compared in the same run with a
// per-role client that reads the same facts one role at a time:
//  - per role: GET its eligibility instances and GET its assignment instances, each filtered by roleDefinitionId
//    with `$expand=principal` (so that it has the holders' names without further calls);
//  - per group holding a role: GET its transitive members, its PIM for Groups eligibility and assignment
//    instances and its group policies (4 GETs);
//  - "whole": plus the PIM policy of each role, one expanded GET per role (the provider suite's naive-x).
// rolegate is the real code from dist/: EntraProvider.snapshot() with and without holders, a fresh client each.
// Memory: the heap the snapshot keeps (heap used after a forced GC with the snapshot alive, less before it).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startGraphEmulator, syntheticDirectory } from '../../dist/emulator/graph/index.js';
import { createEntraProvider } from '../../dist/providers/entra/index.js';
import { medianOf, progress, repeat, table } from '../lib/common.mjs';

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc');

/** Heap used after collecting garbage twice (the second pass catches what the first finalized). */
function heapUsed() {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function provider(emulator, holders) {
  return createEntraProvider(
    { tenantId: emulator.tenantId, graphBaseUrl: emulator.url, credentials: { type: 'Emulator' } },
    { holders },
  );
}

/** One snapshot by a fresh client: requests, bytes and time from the client's counters, retained heap. */
async function snapshotCost(emulator, holders) {
  const before = heapUsed();
  const p = provider(emulator, holders);
  const t0 = performance.now();
  const snap = await p.snapshot();
  const ms = performance.now() - t0;
  const retained = heapUsed() - before;
  const roles = snap.roles();
  const holdings = roles.reduce((n, r) => n + (r.coverage?.holdings.length ?? 0), 0);
  const s = p.stats();
  return { requests: s.requests, bytes: s.bytes, batches: s.batches, ms, retained, holdings };
}

/** The per-role client described at the top, `conc` requests in flight. */
async function perRole(emulator, conc) {
  const base = `${emulator.url}/v1.0`;
  let requests = 0;
  let bytes = 0;
  const get = async (path) => {
    let res;
    // A kept-alive socket the server closed meanwhile fails the request before it is sent: send it again.
    for (let attempt = 1; ; attempt++) {
      try {
        res = await fetch(`${base}${path}`, {
          headers: { authorization: `Bearer ${emulator.token}`, accept: 'application/json' },
        });
        break;
      } catch (err) {
        if (attempt >= 3) throw new Error(`per-role client: ${path}: ${err.cause ?? err}`);
      }
    }
    const text = await res.text();
    requests++;
    bytes += Buffer.byteLength(text);
    if (!res.ok)
      throw new Error(`per-role client: ${res.status} for ${path}: ${text.slice(0, 200)}`);
    return JSON.parse(text);
  };
  // Every page of a list (a role's instances fit in one page at these sizes; nextLinks are followed anyway).
  const list = async (path) => {
    const out = [];
    let page = await get(path);
    for (;;) {
      out.push(...(page.value ?? []));
      const next = page['@odata.nextLink'];
      if (!next) return out;
      page = await get(next.replace(/^https?:\/\/[^/]+\/v1\.0/, ''));
    }
  };
  const inSlices = async (items, fn) => {
    for (let i = 0; i < items.length; i += conc)
      await Promise.all(items.slice(i, i + conc).map(fn));
  };
  const roleIds = emulator.roleDefinitions().map((r) => r.id);
  const q = (s) => encodeURIComponent(s);
  const groups = new Set();
  const t0 = performance.now();
  await inSlices(roleIds, async (id) => {
    for (const kind of ['roleEligibilityScheduleInstances', 'roleAssignmentScheduleInstances']) {
      const xs = await list(
        `/roleManagement/directory/${kind}?$filter=${q(`roleDefinitionId eq '${id}'`)}&$expand=principal`,
      );
      for (const x of xs)
        if (x.principal?.['@odata.type'] === '#microsoft.graph.group') groups.add(x.principalId);
    }
  });
  await inSlices([...groups], async (g) => {
    await list(`/groups/${g}/transitiveMembers`);
    await list(
      `/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances?$filter=${q(`groupId eq '${g}'`)}`,
    );
    await list(
      `/identityGovernance/privilegedAccess/group/assignmentScheduleInstances?$filter=${q(`groupId eq '${g}'`)}`,
    );
    await list(
      `/policies/roleManagementPolicyAssignments?$filter=${q(`scopeId eq '${g}' and scopeType eq 'Group'`)}&$expand=policy($expand=rules)`,
    );
  });
  const holders = { requests, bytes, ms: performance.now() - t0 };
  // The PIM policy of every role, one expanded GET per role.
  await inSlices(roleIds, async (id) => {
    await list(
      `/policies/roleManagementPolicyAssignments?$filter=${q(`scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '${id}'`)}&$expand=policy($expand=rules)`,
    );
  });
  return { holders, whole: { requests, bytes, ms: performance.now() - t0 }, groups: groups.size };
}

async function measureOnce(n) {
  const emulator = await startGraphEmulator({ port: 0, seed: { roles: n } });
  try {
    const roleIds = emulator.roleDefinitions().map((r) => r.id);
    const instances = 10 * n;
    const groups = Math.max(1, Math.round(n / 10));
    emulator.seedDirectory(syntheticDirectory({ roleIds, instances, groups }));
    // A first snapshot of each kind warms up the code and the emulator's indexes; it is not measured.
    await snapshotCost(emulator, false);
    await snapshotCost(emulator, true);
    const without = await snapshotCost(emulator, false);
    const withHolders = await snapshotCost(emulator, true);
    const naive = await perRole(emulator, 8);
    return {
      instances,
      groups,
      holdings: withHolders.holdings,
      rgReq: withHolders.requests,
      rgHolderReq: withHolders.requests - without.requests,
      rgBatches: withHolders.batches,
      rgBytes: withHolders.bytes,
      rgHolderBytes: withHolders.bytes - without.bytes,
      rgMs: withHolders.ms,
      rgPolicyMs: without.ms,
      rgRetainedMb: withHolders.retained / 2 ** 20,
      rgRetainedNoHoldersMb: without.retained / 2 ** 20,
      prHolderReq: naive.holders.requests,
      prReq: naive.whole.requests,
      prHolderBytes: naive.holders.bytes,
      prBytes: naive.whole.bytes,
      prHolderMs: naive.holders.ms,
      prMs: naive.whole.ms,
      prGroups: naive.groups,
    };
  } finally {
    await emulator.close();
  }
}

/** Runs the suite; returns { rows, text }. */
export async function runCoverageSuite({ runs, quick, sizes }) {
  const rows = [];
  for (const n of sizes ?? (quick ? [500] : [5000])) {
    progress(`coverage: ${n} roles, ${10 * n} holder instances, ${n / 10} groups, ${runs} run(s)`);
    rows.push({ roles: n, ...medianOf(await repeat(runs, () => measureOnce(n))) });
  }
  return { rows, text: render(rows) };
}

const pct = (a, b) => (b ? `${((a / b) * 100).toFixed(2)}%` : '-');
const kb = (b) => Math.round(b / 1024);
const mb = (x) => Math.round(x * 10) / 10;

function render(rows) {
  const cost = table(
    'coverage: holders of every directory role (rolegate: one snapshot with holders, a fresh client; per-role: 2 GETs per role + 4 per group holding a role; "whole": plus 1 expanded policy GET per role)',
    [
      'roles',
      'instances',
      'groups',
      'holdings',
      'rg holder req',
      'per-role holder req',
      'vs per-role',
      'rg whole req',
      'per-role whole req',
      'vs per-role whole',
      'rg holder KiB',
      'per-role holder KiB',
      'rg ms',
      'per-role ms',
      'heap kept MB (with / without holders)',
      'runs',
    ],
    rows.map((x) => [
      x.roles,
      x.instances,
      x.groups,
      x.holdings,
      x.rgHolderReq,
      x.prHolderReq,
      pct(x.rgHolderReq, x.prHolderReq),
      x.rgReq,
      x.prReq,
      pct(x.rgReq, x.prReq),
      kb(x.rgHolderBytes),
      kb(x.prHolderBytes),
      Math.round(x.rgMs),
      Math.round(x.prMs),
      `${mb(x.rgRetainedMb)} / ${mb(x.rgRetainedNoHoldersMb)}`,
      x.runs,
    ]),
  );
  return `${cost}\n`;
}
