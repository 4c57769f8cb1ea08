// Where the Kubernetes API server is and how to authenticate to it, from a kubeconfig (kubectl's rules: $KUBECONFIG
// files merged, else ~/.kube/config) or from the pod's service account. rolegate reads these itself instead of
// loading @kubernetes/client-node, whose generated API (thousands of modules) costs ~80 MB of resident memory
// before the first object; client-node is loaded only for the credential kinds handled here by delegation
// (exec plugins and auth-providers, see client-node-credentials.ts), which matter on laptops, not in pods.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { isIPv6 } from 'node:net';
import { parse } from 'yaml';

/** TLS settings of the connection to the API server. */
export interface KubeTls {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** False only when the kubeconfig says insecure-skip-tls-verify. */
  rejectUnauthorized: boolean;
  servername?: string;
}

/** An API server and the credentials for it. */
export interface KubeTarget {
  /** Base URL, e.g. https://10.0.0.1:443 (a path prefix, as some proxies use, is kept). */
  server: string;
  /** Where the settings came from, for error messages. */
  origin: string;
  /** TLS settings; resolved once, before the first request. */
  tls(): Promise<KubeTls>;
  /** The Authorization header for the next request, if any (tokens that rotate are re-read). */
  authorization(): Promise<string | undefined>;
  /** Headers every request carries (impersonation). */
  headers: Record<string, string>;
}

/** A kubeconfig that cannot be used: missing, malformed, or naming something that does not exist. */
export class KubeConfigError extends Error {
  override readonly name = 'KubeConfigError';
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
/** Bound service-account tokens rotate (the kubelet rewrites the file); client-go re-reads them every minute. */
const TOKEN_FILE_TTL_MS = 60_000;

type Obj = Record<string, unknown>;

/** One kubeconfig file's clusters, users and contexts, relative paths already made absolute. */
interface RawConfig {
  currentContext?: string;
  clusters: Map<string, Obj>;
  users: Map<string, Obj>;
  contexts: Map<string, Obj>;
}

/** The credential kinds rolegate delegates to @kubernetes/client-node. */
export type DelegatedCredential = 'exec' | 'auth-provider';

/** What loading found: a target rolegate serves itself, or one whose credentials need client-node. */
export type LoadedTarget =
  | { kind: 'native'; target: KubeTarget }
  | {
      kind: 'delegated';
      credential: DelegatedCredential;
      server: string;
      origin: string;
      /** The kubeconfig files to hand to client-node, in $KUBECONFIG order. */
      files: string[];
      context: string;
    };

/**
 * Resolves the API server to talk to: `file` when given; else the files in $KUBECONFIG (merged as kubectl does:
 * the first file to define a name or current-context wins); else ~/.kube/config; else the pod's service account
 * (KUBERNETES_SERVICE_HOST/PORT and its token, re-read as it rotates). Throws KubeConfigError when none applies.
 */
export function loadKubeTarget(file?: string, env: NodeJS.ProcessEnv = process.env): LoadedTarget {
  const home = join(env.HOME || homedir(), '.kube', 'config');
  const files = file
    ? [file]
    : env.KUBECONFIG
      ? env.KUBECONFIG.split(delimiter).filter((f) => f !== '')
      : existsSync(home)
        ? [home]
        : [];
  if (files.length === 0) {
    if (env.KUBERNETES_SERVICE_HOST) return { kind: 'native', target: inCluster(env) };
    throw new KubeConfigError(
      'no Kubernetes configuration found: set KUBECONFIG, pass --kubeconfig, or run in a cluster',
    );
  }
  return fromFiles(files, env.KUBECONFIG ? 'KUBECONFIG' : files.join(', '));
}

/** The pod's service account, as client-go's rest.InClusterConfig. */
function inCluster(env: NodeJS.ProcessEnv, dir = SA_DIR): KubeTarget {
  const host = env.KUBERNETES_SERVICE_HOST ?? '';
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  const tokenFile = join(dir, 'token');
  const caFile = join(dir, 'ca.crt');
  if (!existsSync(tokenFile))
    throw new KubeConfigError(
      `running in a cluster (KUBERNETES_SERVICE_HOST is set) but ${tokenFile} does not exist: is automountServiceAccountToken off?`,
    );
  const tls: KubeTls = { rejectUnauthorized: true, ca: readFile(caFile, 'in-cluster CA') };
  return {
    server: `https://${isIPv6(host) ? `[${host}]` : host}:${port}`,
    origin: 'in-cluster service account',
    tls: () => Promise.resolve(tls),
    authorization: bearerFromFile(tokenFile),
    headers: {},
  };
}

function fromFiles(files: string[], origin: string): LoadedTarget {
  const merged: RawConfig = { clusters: new Map(), users: new Map(), contexts: new Map() };
  for (const f of files) {
    // kubectl skips $KUBECONFIG entries that do not exist; an explicit --kubeconfig must exist
    if (files.length > 1 && !existsSync(f)) continue;
    const raw = readConfig(f);
    if (merged.currentContext === undefined && raw.currentContext)
      merged.currentContext = raw.currentContext;
    for (const k of ['clusters', 'users', 'contexts'] as const)
      for (const [name, v] of raw[k]) if (!merged[k].has(name)) merged[k].set(name, v);
  }
  const contextName = merged.currentContext;
  if (!contextName) throw new KubeConfigError(`${origin}: no current-context`);
  const context = merged.contexts.get(contextName);
  if (!context) throw new KubeConfigError(`${origin}: context "${contextName}" is not defined`);
  const clusterName = str(context.cluster);
  const cluster = clusterName === undefined ? undefined : merged.clusters.get(clusterName);
  if (!cluster)
    throw new KubeConfigError(
      `${origin}: cluster "${clusterName ?? ''}" of context "${contextName}" is not defined`,
    );
  const server = str(cluster.server);
  if (!server) throw new KubeConfigError(`${origin}: cluster "${clusterName}" has no server`);
  if (str(cluster['proxy-url']))
    throw new KubeConfigError(
      `${origin}: cluster "${clusterName}" uses proxy-url, which rolegate does not support`,
    );
  const userName = str(context.user);
  const user = (userName === undefined ? undefined : merged.users.get(userName)) ?? {};
  const delegated: DelegatedCredential | undefined = isObj(user.exec)
    ? 'exec'
    : isObj(user['auth-provider'])
      ? 'auth-provider'
      : undefined;
  if (delegated)
    return {
      kind: 'delegated',
      credential: delegated,
      server,
      origin,
      files,
      context: contextName,
    };

  const insecure = cluster['insecure-skip-tls-verify'] === true;
  if (server.startsWith('http:') && !insecure)
    throw new KubeConfigError(
      `${origin}: server ${server} is plain HTTP; set insecure-skip-tls-verify to allow that`,
    );
  const tls: KubeTls = { rejectUnauthorized: !insecure };
  const ca = pem(cluster, 'certificate-authority');
  if (ca) tls.ca = ca;
  const cert = pem(user, 'client-certificate');
  if (cert) tls.cert = cert;
  const key = pem(user, 'client-key');
  if (key) tls.key = key;
  const servername = str(cluster['tls-server-name']);
  if (servername) tls.servername = servername;

  const token = str(user.token);
  const tokenFile = str(user.tokenFile);
  const username = str(user.username);
  const basic =
    username !== undefined
      ? `Basic ${Buffer.from(`${username}:${str(user.password) ?? ''}`).toString('base64')}`
      : undefined;
  const authorization = token
    ? () => Promise.resolve(`Bearer ${token}`)
    : tokenFile
      ? bearerFromFile(tokenFile)
      : () => Promise.resolve(basic);
  const headers: Record<string, string> = {};
  const as = str(user.as);
  if (as) headers['Impersonate-User'] = as;
  return {
    kind: 'native',
    target: { server, origin, tls: () => Promise.resolve(tls), authorization, headers },
  };
}

/** Parses one kubeconfig file; relative file paths in it are relative to the file's directory. */
function readConfig(file: string): RawConfig {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new KubeConfigError(
      `${file}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
    );
  }
  const root = isObj(doc) ? doc : {};
  const base = dirname(file);
  const abs = (o: Obj, keys: string[]): Obj => {
    const out = { ...o };
    for (const k of keys) {
      const v = str(out[k]);
      if (v && !isAbsolute(v)) out[k] = join(base, v);
    }
    return out;
  };
  const named = (list: unknown, field: string, paths: string[]): Map<string, Obj> => {
    const m = new Map<string, Obj>();
    for (const item of Array.isArray(list) ? list : []) {
      if (!isObj(item) || typeof item.name !== 'string' || m.has(item.name)) continue;
      m.set(item.name, abs(isObj(item[field]) ? item[field] : {}, paths));
    }
    return m;
  };
  const current = str(root['current-context']);
  return {
    ...(current ? { currentContext: current } : {}),
    clusters: named(root.clusters, 'cluster', ['certificate-authority']),
    users: named(root.users, 'user', ['client-certificate', 'client-key', 'tokenFile']),
    contexts: named(root.contexts, 'context', []),
  };
}

/** `<field>-data` (base64) or the file `<field>` names. */
function pem(o: Obj, field: string): Buffer | undefined {
  const data = str(o[`${field}-data`]);
  if (data) return Buffer.from(data, 'base64');
  const file = str(o[field]);
  return file ? readFile(file, field) : undefined;
}

function readFile(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new KubeConfigError(
      `cannot read ${what} ${file}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** A bearer token read from a file, re-read at most once a minute so a rotated token is picked up. */
function bearerFromFile(file: string): () => Promise<string | undefined> {
  let cached: { value: string; at: number } | undefined;
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at > TOKEN_FILE_TTL_MS) {
      try {
        cached = { value: readFileSync(file, 'utf8').trim(), at: now };
      } catch (err) {
        // a token that was readable stays in use while the kubelet swaps the file
        if (!cached) throw new KubeConfigError(`cannot read token file ${file}: ${String(err)}`);
      }
    }
    return Promise.resolve(`Bearer ${cached.value}`);
  };
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** For tests: the in-cluster target built from a service-account directory other than the real one. */
export function inClusterTarget(env: NodeJS.ProcessEnv, dir: string): KubeTarget {
  return inCluster(env, dir);
}
