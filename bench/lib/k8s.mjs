// The Kubernetes side of the benchmarks: a real etcd + kube-apiserver from scripts/envtest/envtest.sh, the
// admin client (@kubernetes/client-node), request counts from the apiserver's /metrics, and the rolegate
// controller as a child process (`rolegate run --kubernetes`) with its peak memory and CPU.
import { spawn, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { freePort, pool, procCpuSeconds, procMemory, progress, sleep, until } from './common.mjs';
import { controllerNodeOptions } from './chart-flags.mjs';

/** The application the controller signs in as with BENCH_ENTRA_CREDENTIALS=ClientSecret (registered in the emulator). */
export const BENCH_CLIENT_ID = '00000000-0000-4000-8000-00000000beec';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');
const ENVTEST = join(REPO, 'scripts/envtest/envtest.sh');
export const CLI = join(REPO, 'dist/cli/main.js');
export const GROUP = 'rolegate.io';
export const VERSION = 'v1alpha1';

function sh(cmd, args, { timeoutMs = 300_000, env } = {}) {
  return new Promise((res, rej) => {
    execFile(
      cmd,
      args,
      { timeout: timeoutMs, maxBuffer: 64 << 20, env: env ?? process.env },
      (err, stdout, stderr) => {
        if (err) rej(new Error(`${cmd} ${args.join(' ')}: ${err.message}\n${stderr}`));
        else res({ stdout, stderr });
      },
    );
  });
}

/** Starts etcd + kube-apiserver with the CRDs installed. Call down() when done. */
export async function startApiServer() {
  const run = mkdtempSync(join(tmpdir(), 'rolegate-bench-envtest-'));
  progress(`starting etcd + kube-apiserver in ${run}`);
  await sh('bash', [ENVTEST, 'up', run], { timeoutMs: 600_000 });
  const env = Object.fromEntries(
    [...readFileSync(join(run, 'env'), 'utf8').matchAll(/^export (\w+)="(.*)"$/gm)].map((m) => [
      m[1],
      m[2],
    ]),
  );
  const kc = new KubeConfig();
  kc.loadFromFile(env.KUBECONFIG);
  const pki = join(run, 'pki');
  const tls = {
    ca: readFileSync(join(pki, 'ca.crt')),
    cert: readFileSync(join(pki, 'admin.crt')),
    key: readFileSync(join(pki, 'admin.key')),
  };
  const apiserverPid = Number(readFileSync(join(run, 'kube-apiserver.pid'), 'utf8'));
  const etcdPid = Number(readFileSync(join(run, 'etcd.pid'), 'utf8'));
  return {
    run,
    env,
    kc,
    server: env.ENVTEST_SERVER,
    apiserverPid,
    etcdPid,
    core: kc.makeApiClient(CoreV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    /** GETs a raw path as the admin (used for /metrics; not counted in apiserver_request_total). */
    raw(path) {
      return new Promise((res, rej) => {
        const u = new URL(path, env.ENVTEST_SERVER);
        const req = httpsRequest(u, { ...tls, method: 'GET' }, (r) => {
          let body = '';
          r.setEncoding('utf8');
          r.on('data', (d) => (body += d));
          r.on('end', () =>
            r.statusCode === 200 ? res(body) : rej(new Error(`${path}: ${r.statusCode}`)),
          );
        });
        req.on('error', rej);
        req.end();
      });
    },
    async down() {
      await this.kube?.close();
      progress('stopping etcd + kube-apiserver');
      await sh('bash', [ENVTEST, 'down', run]).catch((e) => progress(String(e)));
    },
  };
}

/**
 * apiserver_request_total summed by "resource/subresource verb" for the resources rolegate touches
 * (privilegedroles, identityproviders, events) and for everything ("*" keys by verb).
 */
export async function requestCounts(k) {
  const text = await k.raw('/metrics');
  const out = {};
  for (const m of text.matchAll(/^apiserver_request_total\{([^}]*)\} (\S+)$/gm)) {
    const labels = Object.fromEntries(
      [...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]),
    );
    const v = Number(m[2]);
    const res = labels.resource ?? '';
    const key = `${res}${labels.subresource ? `/${labels.subresource}` : ''} ${labels.verb}`;
    if (['privilegedroles', 'identityproviders', 'events'].includes(res))
      out[key] = (out[key] ?? 0) + v;
    out[`* ${labels.verb}`] = (out[`* ${labels.verb}`] ?? 0) + v;
  }
  return out;
}

/** after - before, dropping zeros. */
export function delta(before, after) {
  const out = {};
  for (const [k, v] of Object.entries(after)) {
    const d = v - (before[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}

/**
 * A request-count delta without the benchmark's own requests: its `creates` POSTs of PrivilegedRoles, and the
 * LISTs and WATCHes of its Ready watcher (`watcher.requests()`; the watch still open counts once it ends).
 */
export function withoutBench(d, creates, watcher) {
  const own = watcher.requests();
  const out = { ...d };
  for (const [key, mine] of [
    ['privilegedroles POST', creates],
    ['privilegedroles LIST', own.lists],
    ['privilegedroles WATCH', own.watchesEnded + 1],
  ]) {
    if (out[key] !== undefined) out[key] = Math.max(0, out[key] - mine);
  }
  return out;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'DELETECOLLECTION', 'APPLY', 'CREATE']);

/**
 * The controller's API requests since `before`: the delta, minus the benchmark's own `created` creates and the
 * LISTs and WATCHes of its Ready watcher `w` (the API server counts a WATCH when it ends: the last one is given a
 * moment to be counted).
 */
export async function controllerRequests(k, before, created, w) {
  await sleep(500);
  return withoutBench(delta(before, await requestCounts(k)), created, w);
}

/** Sums a delta over the rolegate resources: total and mutating. */
export function sumRequests(d) {
  let total = 0;
  let mutating = 0;
  for (const [k, v] of Object.entries(d)) {
    if (k.startsWith('* ')) continue;
    total += v;
    if (MUTATING.has(k.split(' ')[1])) mutating += v;
  }
  return { total, mutating };
}

export async function createNamespace(k, prefix) {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await k.core.createNamespace({ body: { metadata: { name } } });
  return name;
}

/**
 * The Entra credentials a benchmark's IdentityProvider uses: `Emulator` (a token by one plain POST; @azure/identity is never
 * loaded) unless BENCH_ENTRA_CREDENTIALS=ClientSecret, which runs the emulator over HTTPS and has the controller get
 * its token through @azure/identity (MSAL) as a real Entra install does, for its memory and CPU.
 */
export function benchCredentials() {
  const c = process.env.BENCH_ENTRA_CREDENTIALS || 'Emulator';
  if (c !== 'Emulator' && c !== 'ClientSecret')
    throw new Error(`BENCH_ENTRA_CREDENTIALS must be Emulator or ClientSecret, not ${c}`);
  return c;
}

/**
 * Creates the IdentityProvider for an emulator. With `clientSecretIn` (a namespace), ClientSecret credentials: a
 * Secret there holds the (arbitrary) secret, and the emulator's own token endpoint is the authority.
 */
export async function createProvider(k, name, emulator, resyncInterval, clientSecretIn) {
  let credentials = { type: 'Emulator' };
  const authority = {};
  if (clientSecretIn) {
    const secret = `${name}-client-secret`;
    await k.core.createNamespacedSecret({
      namespace: clientSecretIn,
      body: { metadata: { name: secret }, stringData: { 'client-secret': 'bench-not-a-secret' } },
    });
    credentials = {
      type: 'ClientSecret',
      clientId: BENCH_CLIENT_ID,
      clientSecretRef: { name: secret, namespace: clientSecretIn, key: 'client-secret' },
    };
    authority.authorityHost = emulator.url;
  }
  await k.custom.createClusterCustomObject({
    group: GROUP,
    version: VERSION,
    plural: 'identityproviders',
    body: {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'IdentityProvider',
      metadata: { name },
      spec: {
        resyncInterval,
        entra: {
          tenantId: emulator.tenantId,
          graphBaseUrl: emulator.url,
          ...authority,
          credentials,
        },
      },
    },
  });
}

export async function deleteProvider(k, name) {
  await k.custom
    .deleteClusterCustomObject({
      group: GROUP,
      version: VERSION,
      plural: 'identityproviders',
      name,
    })
    .catch(() => undefined);
}

/** Deletes every PrivilegedRole of a namespace (envtest has no namespace controller to do it). */
export async function clearNamespace(k, ns) {
  await k.custom
    .deleteCollectionNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      plural: 'privilegedroles',
      namespace: ns,
    })
    .catch((e) => progress(`cleanup of ${ns}: ${e.message}`));
}

export function roleObject(ns, name, provider, roleId) {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'PrivilegedRole',
    metadata: { name, namespace: ns },
    spec: { providerRef: { name: provider }, role: { id: roleId }, mfaRequired: true },
  };
}

export const isReady = (o) =>
  o?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') &&
  o.status.observedGeneration === o.metadata.generation;

/**
 * rolegate's own Kubernetes client (dist/kube) as the envtest admin: one keep-alive agent. The benchmark's
 * timed writes (the creates of a controller run and the floor) go through it, so that neither side pays a TLS
 * handshake per request (client-node 1.4.0 builds a new HTTPS agent for every call).
 */
export async function keepAliveClient(k) {
  if (!k.kube) {
    const { KubeClient } = await import('../../dist/kube/client.js');
    const { loadKubeTarget } = await import('../../dist/kube/kubeconfig.js');
    k.kube = new KubeClient(loadKubeTarget(k.env.KUBECONFIG).target);
  }
  return k.kube;
}

const rolesPath = (ns) => `/apis/${GROUP}/${VERSION}/namespaces/${ns}/privilegedroles`;

/** Creates objects with `concurrency` requests in flight, through the keep-alive client. */
export async function createRoles(k, objs, concurrency = 50) {
  const kube = await keepAliveClient(k);
  await pool(objs, concurrency, (body) => kube.post(rolesPath(body.metadata.namespace), body));
}

/**
 * Watches the PrivilegedRoles of a namespace and resolves when `count` of them are Ready (or rejects after
 * timeoutMs with how many were). One LIST + one WATCH request.
 */
export async function watchReady(k, ns, count, timeoutMs) {
  // Through rolegate's client, as a list and then a watch from the list's resourceVersion. The API server may end
  // a watch at any time (its timeout, or a consumer too slow for its buffer: this process also serves the Graph
  // emulator and sends the creates); each time, the objects are listed again and watched anew, so that an ended
  // watch cannot leave the count behind (it did once: a run "stalled" at 341 of 1,000 Ready while the controller had
  // written every status). The LISTs and WATCHes this costs are reported, for the request counts.
  const kube = await keepAliveClient(k);
  const path = rolesPath(ns);
  const ready = new Set();
  const abort = new AbortController();
  let lists = 0;
  let watchesEnded = 0;
  let settle;
  const done = new Promise((res, rej) => (settle = { res, rej }));
  const check = () => {
    if (ready.size >= count) settle.res(performance.now());
  };
  const timer = setTimeout(
    () => settle.rej(new Error(`only ${ready.size}/${count} Ready after ${timeoutMs} ms`)),
    timeoutMs,
  );
  const onEvent = (ev) => {
    if (ev.type === 'BOOKMARK') return;
    if (ev.type === 'ERROR') throw new Error(`watch error: ${JSON.stringify(ev.object)}`);
    const o = ev.object;
    if (ev.type !== 'DELETED' && isReady(o)) ready.add(o.metadata.name);
    else ready.delete(o.metadata.name);
    check();
  };
  const relist = async () => {
    const list = await kube.get(path);
    lists++;
    ready.clear();
    for (const o of list.items) if (isReady(o)) ready.add(o.metadata.name);
    check();
    return list.metadata.resourceVersion;
  };
  const first = await relist();
  void (async () => {
    let rv = first;
    while (!abort.signal.aborted) {
      const why = await kube
        .watch(path, { resourceVersion: rv, allowWatchBookmarks: true }, onEvent, abort.signal)
        .then(
          () => 'ended by the server',
          (e) => e.message,
        );
      if (abort.signal.aborted) return;
      watchesEnded++;
      progress(`  watch of ${ns} ${why}; listing again (${ready.size}/${count} Ready)`);
      rv = await relist().catch((e) => {
        settle.rej(e);
        abort.abort();
      });
    }
  })();
  const stop = () => {
    clearTimeout(timer);
    abort.abort();
  };
  const finished = done.finally(stop);
  finished.catch(() => undefined); // awaited by the caller; never an unhandled rejection
  return {
    ready: () => ready.size,
    done: finished,
    cancel: stop,
    /** The LISTs and ended WATCHes of this watcher so far (the API server counts a WATCH when it ends). */
    requests: () => ({ lists, watchesEnded }),
  };
}

/** The status the floor writes: what the controller would write for a role already as wanted. */
function floorStatus(created, now) {
  return {
    metadata: { resourceVersion: created.metadata.resourceVersion },
    status: {
      observedGeneration: created.metadata.generation,
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'MFARequired',
          message: 'Activation requires multi-factor authentication',
          lastTransitionTime: now,
          observedGeneration: created.metadata.generation,
        },
      ],
    },
  };
}

/**
 * The floor: create + merge-patch /status of each object directly, `concurrency` at a time, through the same
 * keep-alive client as the controller run's creates.
 */
export async function floorRun(k, objs, concurrency = 50) {
  const now = new Date().toISOString();
  const kube = await keepAliveClient(k);
  await pool(objs, concurrency, async (body) => {
    const path = rolesPath(body.metadata.namespace);
    const created = await kube.post(path, body);
    await kube.mergePatch(`${path}/${body.metadata.name}/status`, floorStatus(created, now));
  });
}

/**
 * Starts `rolegate run --kubernetes` against the envtest API server, on a free ops port, and waits for
 * /readyz. Returns the process with memory/CPU readers and stop().
 */
export async function startController(
  k,
  { namespace, logLevel = 'warn', extra = [], env = {} } = {},
) {
  const port = await freePort();
  const args = [
    CLI,
    'run',
    '--kubernetes',
    '--kubeconfig',
    k.env.KUBECONFIG,
    '--http-addr',
    `127.0.0.1:${port}`,
    '--log-format',
    'json',
    '--log-level',
    logLevel,
    ...(namespace ? ['--namespace', namespace] : []),
    ...extra,
    // extra flags for an experiment (e.g. --workers 50); recorded with the results
    ...controllerArgs(),
  ];
  // The heap flags of a default Helm install, so that memory and time are measured as shipped.
  k.nodeOptions ??= controllerNodeOptions(k.env.HELM);
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      POD_NAMESPACE: 'default',
      ROLEGATE_LOG_LEVEL: logLevel,
      NODE_OPTIONS: k.nodeOptions,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs = [];
  let buf = '';
  child.stdout.setEncoding('utf8').on('data', (c) => {
    buf += c;
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const l of lines) if (l.trim() && logs.length < 10_000) logs.push(l);
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c) => (stderr = (stderr + c).slice(-8000)));
  let exited = false;
  const exit = new Promise((r) =>
    child.on('exit', (code) => {
      exited = true;
      r(code);
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const ok = await until(
    async () => {
      if (exited)
        throw new Error(`controller exited early: ${stderr} ${logs.slice(-5).join('\n')}`);
      return fetch(`${url}/readyz`)
        .then((r) => r.ok)
        .catch(() => false);
    },
    { timeoutMs: 60_000, everyMs: 100 },
  );
  if (!ok) {
    child.kill('SIGKILL');
    throw new Error(`controller not ready within 60 s: ${stderr}`);
  }
  let stopping = false;
  // Rejects when the controller exits unasked (with the tail of its stderr); never settles otherwise.
  const died = exit.then((code) => {
    if (stopping) return new Promise(() => undefined);
    throw new Error(`controller exited with ${code}: ${stderr.slice(-1500)}`);
  });
  died.catch(() => undefined); // handled where it is raced; no unhandled rejection elsewhere
  return {
    pid: child.pid,
    nodeOptions: k.nodeOptions,
    args: controllerArgs(),
    url,
    died,
    logs,
    stderr: () => stderr,
    memory: () => procMemory(child.pid),
    cpu: () => procCpuSeconds(child.pid),
    metrics: () => fetch(`${url}/metrics`).then((r) => r.text()),

    async stop() {
      stopping = true;
      if (exited) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exit;
      clearTimeout(t);
    },
  };
}

/** BENCH_CONTROLLER_ARGS: extra `rolegate run` flags, separated by spaces. */
export function controllerArgs() {
  return (process.env.BENCH_CONTROLLER_ARGS ?? '').split(/\s+/).filter(Boolean);
}

export { sleep };
