// A small Kubernetes REST client: JSON requests and watch streams over one keep-alive agent. rolegate needs a
// handful of endpoints (custom-object list/watch and patches, Events, Leases, Secrets), and every caller already
// works with plain JSON, so a typed client with thousands of generated models buys nothing here and costs memory
// and a TLS handshake per request (client-node 1.4.0 builds a new agent for every call).
import http from 'node:http';
import https from 'node:https';
import { createSecureContext } from 'node:tls';
import { KubeApiError, type KubeStatus } from './api-error.js';
import type { KubeTarget } from './kubeconfig.js';

/** Query parameters; undefined values are left out. */
export type Query = Record<string, string | number | boolean | undefined>;

/** Options of one request. */
export interface RequestOptions {
  query?: Query;
  /** Sent as JSON. */
  body?: unknown;
  /** Content-Type of the body (default application/json; patches name their strategy). */
  contentType?: string;
  signal?: AbortSignal;
}

/** One event of a watch stream. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: unknown;
}

/** The Content-Type of a JSON merge patch (RFC 7386). */
const MERGE_PATCH = 'application/merge-patch+json';

/** How long a plain request may take before it is abandoned (watches have their own watchdog). */
const REQUEST_TIMEOUT_MS = 60_000;

/**
 * Connections to the API server at most; more requests wait in the agent for a free one. HTTP/1.1 carries one
 * request per connection, so without a cap a burst (Events of a first convergence) opened hundreds of TLS
 * connections, each a handshake on both sides. Watches hold one each for their lifetime (rolegate has two).
 */
const MAX_CONNECTIONS = 64;

/** Options of a KubeClient. */
export interface KubeClientOptions {
  /**
   * The User-Agent (default `rolegate`). The API server names the field manager of a write without one after
   * it, up to the first '/', so it is what managedFields say wrote an object: each shard sends its own.
   */
  userAgent?: string;
}

/** A KubeClient sends requests to one API server with one set of credentials. */
export class KubeClient {
  private agent: Promise<http.Agent> | undefined;
  private readonly secure: boolean;
  private readonly base: string;
  private readonly userAgent: string;

  constructor(
    readonly target: KubeTarget,
    options: KubeClientOptions = {},
  ) {
    this.secure = target.server.startsWith('https:');
    this.base = target.server.replace(/\/+$/, '');
    this.userAgent = options.userAgent ?? 'rolegate';
  }

  /** GET `path` as JSON. */
  get<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('GET', path, options);
  }

  /** POST `body` to `path`. */
  post<T>(path: string, body: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }

  /** PUT `body` to `path` (a replace: carries metadata.resourceVersion, so races are 409). */
  put<T>(path: string, body: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('PUT', path, { ...options, body });
  }

  /** A JSON merge patch of `path`. */
  mergePatch<T>(path: string, body: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('PATCH', path, { ...options, body, contentType: MERGE_PATCH });
  }

  /**
   * Sends one request and parses the JSON answer. Rejects with KubeApiError for HTTP >= 400, and with the
   * transport's error (or the signal's reason) otherwise.
   */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const res = await this.send(method, path, options, payload, REQUEST_TIMEOUT_MS);
    const text = await readAll(res);
    const code = res.statusCode ?? 0;
    if (code >= 400) throw new KubeApiError(code, statusOf(text), `${method} ${path}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /**
   * Watches `path` (a collection) and calls `onEvent` for every event, in order. Resolves when the server ends
   * the stream (timeoutSeconds) and rejects on a transport error, an HTTP error, or abort. ERROR events are
   * passed on; the caller decides (410 Gone means "list again").
   */
  async watch(
    path: string,
    query: Query,
    onEvent: (event: WatchEvent) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const res = await this.send('GET', path, { query: { ...query, watch: true }, signal });
    const code = res.statusCode ?? 0;
    if (code >= 400) {
      throw new KubeApiError(code, statusOf(await readAll(res)), `WATCH ${path}`);
    }
    res.setEncoding('utf8');
    let rest = '';
    await new Promise<void>((resolve, reject) => {
      if (res.destroyed) {
        reject(signal.aborted ? abortReason(signal) : new Error('watch closed'));
        return;
      }
      res.on('data', (chunk: string) => {
        rest += chunk;
        let nl = rest.indexOf('\n');
        while (nl >= 0) {
          const line = rest.slice(0, nl);
          rest = rest.slice(nl + 1);
          if (line.trim() !== '') {
            try {
              onEvent(JSON.parse(line) as WatchEvent);
            } catch (err) {
              res.destroy(err instanceof Error ? err : new Error(String(err)));
              return;
            }
          }
          nl = rest.indexOf('\n');
        }
      });
      res.on('end', () => resolve());
      res.on('error', reject);
      res.on('close', () => {
        // an aborted or reset stream closes without 'end'
        if (!res.complete) reject(signal.aborted ? abortReason(signal) : new Error('watch closed'));
      });
    });
  }

  /** Frees the agent's idle connections. */
  async close(): Promise<void> {
    (await this.agent)?.destroy();
  }

  private async send(
    method: string,
    path: string,
    options: RequestOptions,
    payload?: string,
    timeoutMs?: number,
  ): Promise<http.IncomingMessage> {
    options.signal?.throwIfAborted();
    const agent = await (this.agent ??= this.makeAgent());
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': this.userAgent,
      ...this.target.headers,
    };
    const authorization = await this.target.authorization();
    if (authorization) headers.Authorization = authorization;
    if (payload !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const url = new URL(this.base + path + queryString(options.query));
    const signal = options.signal;
    // an abort during the awaits above has no request to destroy yet
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      // the signal must reach the response too (a watch is aborted long after its headers arrived)
      const onAbort = (): void => {
        req.destroy(abortReason(signal!));
      };
      const cleanup = (): void => signal?.removeEventListener('abort', onAbort);
      const req = (this.secure ? https : http).request(url, { method, headers, agent }, (res) => {
        res.on('close', cleanup);
        resolve(res);
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (err) => {
        cleanup();
        reject(signal?.aborted ? abortReason(signal) : err);
      });
      if (timeoutMs !== undefined) {
        req.setTimeout(timeoutMs, () =>
          req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)),
        );
      }
      req.end(payload);
    });
  }

  private async makeAgent(): Promise<http.Agent> {
    const pool = { keepAlive: true, maxSockets: MAX_CONNECTIONS, maxFreeSockets: MAX_CONNECTIONS };
    if (!this.secure) return new http.Agent(pool);
    const { ca, cert, key, rejectUnauthorized, servername } = await this.target.tls();
    // One secure context for every connection: without it each new socket parses the CA, certificate and key.
    const secureContext = createSecureContext({
      ...(ca ? { ca } : {}),
      ...(cert ? { cert } : {}),
      ...(key ? { key } : {}),
    });
    return new https.Agent({
      ...pool,
      secureContext,
      rejectUnauthorized,
      ...(servername ? { servername } : {}),
    });
  }
}

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}

function readAll(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
    res.on('close', () => {
      if (!res.complete) reject(new Error('connection closed before the answer was complete'));
    });
  });
}

/** The metav1.Status in an error body, if it is one (a proxy may answer with HTML). */
function statusOf(text: string): KubeStatus | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null ? (v as KubeStatus) : undefined;
  } catch {
    return text ? { message: text.slice(0, 200) } : undefined;
  }
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}
