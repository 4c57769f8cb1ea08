// Starts a throwaway Keycloak for tests and demos: loopback only, in-memory database, bootstrap admin.
// Plain ESM (no build step) so that `node scripts/keycloak/server.mjs` works for a human; the test harness
// imports the same functions. Types are in server.d.mts.
import { spawn, spawnSync } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The pinned Keycloak release. 26.6+ supports running on JDK 25. */
export const KEYCLOAK_VERSION = '26.7.3';

const JAVA_CANDIDATES = [
  '/usr/lib/jvm/temurin-25-jdk-amd64',
  '/usr/lib/jvm/java-21-openjdk-amd64',
  '/usr/lib/jvm/java-17-openjdk-amd64',
];

/** The cache folder, outside the repository so that every checkout shares one download. */
export function cacheDir() {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'rolegate', 'keycloak');
}

/** Picks a JDK: $KC_JAVA_HOME, else Temurin 25 (supported since 26.6), else 21, else 17 (deprecated). */
export function pickJavaHome() {
  const fromEnv = process.env.KC_JAVA_HOME;
  if (fromEnv) return fromEnv;
  for (const c of JAVA_CANDIDATES) if (existsSync(join(c, 'bin', 'java'))) return c;
  throw new Error(
    `no JDK found for Keycloak (tried ${JAVA_CANDIDATES.join(', ')}); set KC_JAVA_HOME`,
  );
}

/**
 * Makes sure the distribution is downloaded (Maven) and unpacked, both cached. Returns its home folder.
 * @param {{ version?: string; log?: (line: string) => void }} [opts]
 */
export function ensureDistribution(opts = {}) {
  const version = opts.version ?? KEYCLOAK_VERSION;
  const log = opts.log ?? (() => undefined);
  const dir = cacheDir();
  const home = join(dir, `keycloak-${version}`);
  if (existsSync(join(home, 'bin', 'kc.sh'))) return home;
  mkdirSync(dir, { recursive: true });
  const archive = join(dir, `keycloak-quarkus-dist-${version}.tar.gz`);
  if (!existsSync(archive)) {
    log(`downloading org.keycloak:keycloak-quarkus-dist:${version}:tar.gz with Maven into ${dir}`);
    const r = spawnSync(
      'mvn',
      [
        '-q',
        '-B',
        'dependency:copy',
        `-Dartifact=org.keycloak:keycloak-quarkus-dist:${version}:tar.gz`,
        `-DoutputDirectory=${dir}`,
      ],
      { stdio: 'inherit' },
    );
    if (r.status !== 0 || !existsSync(archive)) {
      throw new Error(
        `could not download Keycloak ${version} with mvn (exit ${r.status ?? r.signal}); is Maven installed and online?`,
      );
    }
  }
  log(`unpacking ${archive}`);
  // Unpack into a temporary folder and rename, so that an interrupted unpack is never mistaken for a good one.
  const tmp = join(dir, `.unpack-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  const t = spawnSync('tar', ['-xzf', archive, '-C', tmp], { stdio: 'inherit' });
  if (t.status !== 0) throw new Error(`could not unpack ${archive}`);
  spawnSync('mv', [join(tmp, `keycloak-${version}`), home]);
  rmSync(tmp, { recursive: true, force: true });
  if (!existsSync(join(home, 'bin', 'kc.sh')))
    throw new Error(`unpacked ${archive} but ${home}/bin/kc.sh is missing`);
  return home;
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() =>
        addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port')),
      );
    });
  });
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `kc.sh start-dev` on free loopback ports and waits until /health/ready answers.
 * @param {import('./server.d.mts').StartOptions} [opts]
 * @returns {Promise<import('./server.d.mts').KeycloakServer>}
 */
export async function startKeycloakServer(opts = {}) {
  const log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
  const home = ensureDistribution({ log, ...(opts.version ? { version: opts.version } : {}) });
  // kc.sh re-augments into lib/quarkus on every start-dev, so two servers must not share one unpacked copy.
  const lock = join(home, '.rolegate-server.pid');
  if (existsSync(lock)) {
    const other = Number(readFileSync(lock, 'utf8').trim());
    if (Number.isInteger(other) && other > 0 && alive(other)) {
      throw new Error(`another Keycloak (pid ${other}) is running from ${home}; stop it first`);
    }
  }
  const httpPort = opts.httpPort ?? (await freePort());
  const managementPort = opts.managementPort ?? (await freePort());
  const javaHome = opts.javaHome ?? pickJavaHome();
  const admin = {
    username: 'admin',
    password: 'admin',
    clientId: 'rolegate-bootstrap',
    clientSecret: 'rolegate-bootstrap-secret',
  };
  const runDir = opts.runDir ?? join(cacheDir(), 'run');
  mkdirSync(runDir, { recursive: true });
  const logFile = join(runDir, `keycloak-${httpPort}.log`);
  const out = createWriteStream(logFile);
  const started = Date.now();
  const child = spawn(
    join(home, 'bin', 'kc.sh'),
    [
      'start-dev',
      '--http-host=127.0.0.1',
      `--http-port=${httpPort}`,
      `--http-management-port=${managementPort}`,
      '--health-enabled=true',
      // In-memory H2: every start is a clean server and nothing is left on disk to clean up.
      '--db=dev-mem',
    ],
    {
      env: {
        ...process.env,
        JAVA_HOME: javaHome,
        KC_BOOTSTRAP_ADMIN_USERNAME: admin.username,
        KC_BOOTSTRAP_ADMIN_PASSWORD: admin.password,
        KC_BOOTSTRAP_ADMIN_CLIENT_ID: admin.clientId,
        KC_BOOTSTRAP_ADMIN_CLIENT_SECRET: admin.clientSecret,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Own process group: stop() signals kc.sh and the JVM it starts, and nothing else.
      detached: true,
    },
  );
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn kc.sh');
  writeFileSync(lock, String(pid));
  let exited = false;
  const exitedP = new Promise((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve(undefined);
    }),
  );

  const tail = () => {
    try {
      return readFileSync(logFile, 'utf8').split('\n').slice(-60).join('\n');
    } catch {
      return '(no log)';
    }
  };
  const stop = async () => {
    if (!exited) {
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      const t = setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }, 20_000);
      await exitedP;
      clearTimeout(t);
    }
    await new Promise((resolve) => out.end(resolve));
    // The log matters only while the server runs or when it failed to start; keep it on request.
    if (!process.env.KC_KEEP_LOG) rmSync(logFile, { force: true });
    if (existsSync(lock) && readFileSync(lock, 'utf8').trim() === String(pid))
      rmSync(lock, { force: true });
  };

  const timeoutMs = opts.timeoutMs ?? 240_000;
  const ready = `http://127.0.0.1:${managementPort}/health/ready`;
  for (;;) {
    if (exited) throw new Error(`Keycloak exited before it was ready; log ${logFile}:\n${tail()}`);
    if (Date.now() - started > timeoutMs) {
      const last = tail();
      await stop();
      throw new Error(`Keycloak was not ready after ${timeoutMs} ms; last log lines:\n${last}`);
    }
    try {
      const r = await fetch(ready, { signal: AbortSignal.timeout(2000) });
      if (r.ok) break;
    } catch {
      /* not listening yet */
    }
    await sleep(500);
  }
  const startMs = Date.now() - started;
  const url = `http://127.0.0.1:${httpPort}`;
  log(
    `keycloak ${opts.version ?? KEYCLOAK_VERSION} ready at ${url} in ${(startMs / 1000).toFixed(1)} s (pid ${pid}, java ${javaHome}, log ${logFile})`,
  );
  return {
    url,
    managementUrl: `http://127.0.0.1:${managementPort}`,
    pid,
    startMs,
    logFile,
    javaHome,
    admin,
    stop,
  };
}

/**
 * Gets an admin token with the bootstrap service account of the master realm.
 * @param {import('./server.d.mts').KeycloakServer} server
 */
export async function adminToken(server) {
  const r = await fetch(`${server.url}/realms/master/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: server.admin.clientId,
      client_secret: server.admin.clientSecret,
    }),
  });
  if (!r.ok) throw new Error(`admin token: ${r.status} ${await r.text()}`);
  return /** @type {{access_token: string}} */ (await r.json()).access_token;
}

/**
 * Creates a confidential client with a service account in `realm` holding the given realm-management roles
 * (the roles rolegate needs: manage-realm, view-clients, query-groups, and view-users for holders). Returns its id
 * and secret.
 * @param {{ url: string; token: string; realm: string; clientId: string; secret: string; roles?: string[] }} o
 */
export async function createServiceAccountClient(o) {
  const roles = o.roles ?? ['manage-realm', 'view-clients', 'query-groups', 'view-users'];
  const base = `${o.url}/admin/realms/${encodeURIComponent(o.realm)}`;
  const call = async (method, path, body) => {
    const r = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${o.token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    const text = await r.text();
    return text ? JSON.parse(text) : undefined;
  };
  await call('POST', '/clients', {
    clientId: o.clientId,
    publicClient: false,
    serviceAccountsEnabled: true,
    standardFlowEnabled: false,
    directAccessGrantsEnabled: false,
    secret: o.secret,
    description: 'rolegate controller (service account)',
  });
  const [client] = await call('GET', `/clients?clientId=${encodeURIComponent(o.clientId)}`);
  const user = await call('GET', `/clients/${client.id}/service-account-user`);
  const [rm] = await call('GET', '/clients?clientId=realm-management');
  const reps = await Promise.all(
    roles.map((n) => call('GET', `/clients/${rm.id}/roles/${encodeURIComponent(n)}`)),
  );
  await call('POST', `/users/${user.id}/role-mappings/clients/${rm.id}`, reps);
  return { clientId: o.clientId, secret: o.secret };
}

// Run directly: start a server for a demo and keep it up until Ctrl-C.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const realm = process.argv[2];
  const server = await startKeycloakServer();
  console.log(`KEYCLOAK_URL=${server.url}`);
  console.log(
    `admin console: ${server.url}/admin (user ${server.admin.username}, password ${server.admin.password})`,
  );
  if (realm) {
    const token = await adminToken(server);
    const r = await fetch(`${server.url}/admin/realms`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ realm, enabled: true }),
    });
    if (!r.ok && r.status !== 409) throw new Error(`create realm ${realm}: ${r.status}`);
    const sa = await createServiceAccountClient({
      url: server.url,
      token,
      realm,
      clientId: 'rolegate',
      secret: 'rolegate-demo-secret',
    });
    console.log(
      `realm ${realm}: service-account client ${sa.clientId}, secret ${sa.secret} (set ROLEGATE_KEYCLOAK_SECRET)`,
    );
  }
  console.log('Ctrl-C stops it.');
  const bye = () => void server.stop().then(() => process.exit(0));
  process.once('SIGINT', bye);
  process.once('SIGTERM', bye);
}
