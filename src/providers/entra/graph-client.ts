// A small Microsoft Graph client over fetch (see http-fetch.ts): a bearer token from a TokenCredential per
// request (the credential caches tokens), retries of transient failures, @odata.nextLink paging (asking for large
// pages with `$top`, and dropping it for good when a server refuses it) and JSON batching, and request counters
// that tests and benchmarks read.
//
// Retrying writes is safe here because every write rolegate sends is idempotent: a rule PATCH carries absolute
// values (the whole enabledRules array, isEnabled plus claimValue), so sending it twice leaves the same state
// as sending it once, even when the first attempt did reach the server before the connection failed. The same
// holds for a $batch whose items are such PATCHes and GETs. Anything non-idempotent must not use this client.
import type { TokenCredential } from '@azure/identity';
import { ProviderConfigError, ProviderError, type ProviderStats } from '../types.js';
import {
  classifyGraphError,
  classifyTokenError,
  classifyTransportError,
  displayPath,
} from './graph-errors.js';
import {
  backoffMs,
  isRetryableStatus,
  parseRetryAfter,
  retryPolicy,
  sleep,
  type RetryOptions,
  type RetryPolicy,
} from './retry.js';
import { httpFetch, type HttpFetch, type HttpHeaders, type HttpResponse } from '../http-fetch.js';
import { jsonRequest } from '../json-request.js';
import { observeRequest, type RequestObserver } from '../request-observer.js';
import {
  attemptSignal,
  defaultRequestTimeout,
  refuseIfStopped,
  timeoutError,
} from '../request-deadline.js';
import { gateKey, gateWaitMs, holdGate, waitForGate } from '../throttle-gate.js';
import { recordAnswer, recordNoAnswer } from '../reachability.js';

/** The Graph version rolegate speaks. PIM policies for directory roles are GA in v1.0. */
export const GRAPH_VERSION = 'v1.0';

/** The most requests Graph accepts in one $batch. */
export const BATCH_LIMIT = 20;

/**
 * The page size rolegate asks for with `$top` on its listings: Graph's usual maximum. A listing costs
 * ceil(items / page size) requests, and the default page of a Graph list is often much smaller. The docs of the
 * PIM lists (policy assignments, role definitions) name only `$select`, `$filter` and `$expand`, so whether Graph
 * honours `$top` there, and up to what size, is [unverified]; a refusal is handled (see {@link PageOptions}).
 */
export const MAX_PAGE_SIZE = 999;

/**
 * The page size asked for on listings that expand each item into a large one (policy assignments with their
 * policy and its ~17 rules: ~6.6 KB per item). A page is read whole and parsed at once, so at 999 one page is
 * ~6.6 MB of JSON and ~25 MB of transient heap, the largest allocation of a resync; 200 keeps it near 5 MB for
 * ceil(N / 200) instead of ceil(N / 999) requests (31 instead of 12 per snapshot at 5,000 roles).
 */
export const EXPANDED_PAGE_SIZE = 200;

/** How to ask for pages of a collection. */
export interface PageOptions {
  /**
   * Ask for pages of this many items with `$top`. When the server answers 400 to a request carrying `$top`, the
   * request is sent once more without it; if that succeeds, the server is taken not to support `$top` and this
   * client never sends it again (logged once at info).
   */
  top?: number | undefined;
}

/** Where a GraphClient reports what an operator may want to know; a pino logger fits. */
export interface GraphClientLogger {
  info(obj: Record<string, unknown>, msg: string): void;
}

/** One page of a Graph collection. */
export interface CollectionPage<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

/** Request counters of a GraphClient. */
export interface GraphStats extends ProviderStats {
  /** HTTP round trips, retries included (a $batch counts once). */
  requests: number;
  /** GET operations, including GETs inside batches. */
  reads: number;
  /** PATCH (or other write) operations, including those inside batches. */
  writes: number;
  /** Round trips or batch items sent again after a transient failure. */
  retries: number;
  /** $batch POSTs. */
  batches: number;
  /** Response bytes received. */
  bytes: number;
  /** 429 answers seen (top-level or batch items). */
  throttled: number;
}

/** How a GraphClient reaches Graph. */
export interface GraphClientOptions {
  /** Graph's base URL without version, such as https://graph.microsoft.com or an emulator's URL. */
  baseUrl: string;
  credential: TokenCredential;
  /** The token scope (default `{baseUrl}/.default`). */
  scope?: string;
  retry?: RetryOptions;
  /** Replaces rolegate's fetch over node:http(s) (see http-fetch.ts), e.g. with a proxy's. */
  fetch?: HttpFetch;
  /** Source of randomness for jitter (tests make it deterministic). */
  random?: () => number;
  /**
   * Classifies a non-2xx answer (default: Graph's). The ARM client reuses this client's retries and paging
   * plumbing with its own error shape and permission names.
   */
  classifyError?: typeof classifyGraphError;
  /** Classifies a transport failure (default: Graph's wording). */
  classifyTransport?: typeof classifyTransportError;
  /** Receives the notice that the server refused `$top` (default: none). */
  logger?: GraphClientLogger | undefined;
  /** Times every request sent (metrics). */
  onRequest?: RequestObserver | undefined;
  /** The deadline of one attempt (default: the process default, see request-deadline.ts). */
  timeoutMs?: number | undefined;
  /**
   * What the server throttles by besides its URL, such as the tenant id: clients with the same base URL and
   * partition share one Retry-After gate (default: the token scope only).
   */
  throttlePartition?: string | undefined;
  /** The service's name in messages (default `Graph`). */
  service?: string;
}

/** The parsed answer to one call. */
export interface GraphResult<T> {
  status: number;
  body: T | undefined;
  /** The response headers (Location of a 202, for long-running operations). */
  headers?: HttpHeaders;
}

/** One request of a batch; `url` is relative to the version root, such as `/policies/...`. */
export interface BatchRequest {
  id: string;
  method: 'GET' | 'PATCH';
  url: string;
  body?: unknown;
  dependsOn?: string[];
}

/** The outcome of one batch request after retries. */
export interface BatchResult {
  id: string;
  status: number;
  body: unknown;
  /** Set when status is not 2xx. */
  error?: ProviderError;
}

interface RawBatchResponse {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  const k = Object.keys(headers ?? {}).find((h) => h.toLowerCase() === name);
  return k === undefined ? undefined : headers?.[k];
}

/** A Graph client bound to one base URL and credential. */
export class GraphClient {
  /** Counters since the client was built. */
  readonly stats: GraphStats = {
    requests: 0,
    reads: 0,
    writes: 0,
    retries: 0,
    batches: 0,
    bytes: 0,
    throttled: 0,
  };
  /** The version root, such as https://graph.microsoft.com/v1.0. */
  readonly root: string;
  readonly scope: string;
  private readonly policy: RetryPolicy;
  private readonly doFetch: HttpFetch;
  private readonly random: () => number;
  private readonly classifyError: typeof classifyGraphError;
  private readonly classifyTransport: typeof classifyTransportError;
  /** Whether the server takes `$top`: unknown until a request carrying it has been answered. */
  private topSupport: 'unknown' | 'accepted' | 'refused' = 'unknown';
  /** The request finding that out; others wanting `$top` wait for it rather than each collect a refusal. */
  private topProbe: Promise<void> | undefined;
  private readonly timeoutMs: number;
  /** The Retry-After gate this client shares with every client of the same endpoint. */
  private readonly gate: string;
  private readonly service: string;

  constructor(private readonly opts: GraphClientOptions) {
    this.classifyError = opts.classifyError ?? classifyGraphError;
    this.classifyTransport = opts.classifyTransport ?? classifyTransportError;
    const base = opts.baseUrl.replace(/\/+$/, '');
    this.root = `${base}/${GRAPH_VERSION}`;
    this.scope = opts.scope ?? `${base}/.default`;
    this.policy = retryPolicy(opts.retry);
    this.doFetch = opts.fetch ?? httpFetch();
    this.random = opts.random ?? Math.random;
    this.timeoutMs = opts.timeoutMs ?? defaultRequestTimeout();
    this.gate = gateKey(base, `${this.scope} ${opts.throttlePartition ?? ''}`);
    this.service = opts.service ?? 'Graph';
  }

  /** How long this client's Retry-After gate stays closed (0 when open). */
  throttledForMs(): number {
    return gateWaitMs(this.gate);
  }

  private async token(attempt: { signal: AbortSignal; timedOut: () => boolean }): Promise<string> {
    let t;
    try {
      t = await this.opts.credential.getToken(this.scope, { abortSignal: attempt.signal });
    } catch (err) {
      // a credential that could not be built is a configuration problem, not a refused token
      if (err instanceof ProviderConfigError) throw err;
      if (attempt.timedOut()) {
        recordNoAnswer(this.root);
        throw timeoutError(this.service, 'token', this.scope, this.timeoutMs, err);
      }
      throw classifyTokenError(this.scope, err);
    }
    if (!t?.token) {
      throw new ProviderError(
        'PermissionDenied',
        `could not get a token for ${this.scope}: the credential returned none`,
      );
    }
    return t.token;
  }

  /**
   * Sends one call, retrying 429/503/504 and transport failures. `pathOrUrl` is relative to the version root
   * or an absolute URL (a nextLink). Throws a classified ProviderError on failure.
   */
  async request<T>(
    method: string,
    pathOrUrl: string,
    o: {
      body?: unknown;
      signal?: AbortSignal | undefined;
      count?: { reads: number; writes: number };
    } = {},
  ): Promise<GraphResult<T>> {
    const url = /^https?:\/\//i.test(pathOrUrl) ? pathOrUrl : `${this.root}${pathOrUrl}`;
    const count = o.count ?? (method === 'GET' ? { reads: 1, writes: 0 } : { reads: 0, writes: 1 });
    const write = count.writes > 0;
    const path = displayPath(url);
    for (let attempt = 1; ; attempt++) {
      await waitForGate(
        this.gate,
        this.policy.maxRetryAfterMs,
        `${this.service} ${method} ${path}`,
        o.signal,
      );
      if (write) refuseIfStopped(o.signal, this.service, method, path);
      // A write that was sent is not aborted by the caller (see attemptSignal); a read is.
      const a = attemptSignal(this.timeoutMs, o.signal, write);
      const token = await this.token(a);
      if (write) refuseIfStopped(o.signal, this.service, method, path);
      this.stats.requests++;
      this.stats.reads += count.reads;
      this.stats.writes += count.writes;
      let res: HttpResponse;
      let text: string;
      try {
        const operation = /\/\$batch$/.test(url) ? 'batch' : count.writes > 0 ? 'write' : 'read';
        res = await observeRequest(this.opts.onRequest, operation, () =>
          this.doFetch(url, jsonRequest(method, token, o.body, a.signal)),
        );
        // the body streams within the same deadline; a connection dropped here is as transient as a failed connect
        text = await res.text();
      } catch (err) {
        if (a.timedOut()) {
          // not retried in place: a server that let the deadline pass is asked again at the next resync
          recordNoAnswer(this.root);
          throw timeoutError(this.service, method, path, this.timeoutMs, err);
        }
        const e = this.classifyTransport(method, url, err);
        if (o.signal?.aborted) throw e;
        recordNoAnswer(this.root);
        if (attempt >= this.policy.maxAttempts) throw e;
        await this.pause(backoffMs(this.policy, attempt, this.random), o.signal);
        continue;
      }
      recordAnswer(this.root);
      this.stats.bytes += Buffer.byteLength(text);
      const body = text === '' ? undefined : parseJson(text);
      if (res.ok) return { status: res.status, body: body as T | undefined, headers: res.headers };
      if (res.status === 429) this.stats.throttled++;
      const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
      if (retryAfter !== undefined && isRetryableStatus(res.status))
        holdGate(this.gate, retryAfter);
      const err = this.classifyError(method, url, res.status, body, retryAfter);
      if (!isRetryableStatus(res.status) || attempt >= this.policy.maxAttempts) throw err;
      if (retryAfter !== undefined && retryAfter > this.policy.maxRetryAfterMs) throw err;
      await this.pause(retryAfter ?? backoffMs(this.policy, attempt, this.random), o.signal);
    }
  }

  private async pause(ms: number, signal?: AbortSignal): Promise<void> {
    this.stats.retries++;
    await sleep(ms, signal);
  }

  /** GET returning the body. */
  async get<T>(pathOrUrl: string, signal?: AbortSignal): Promise<T> {
    const r = await this.request<T>('GET', pathOrUrl, { signal });
    if (r.body === undefined) {
      throw new ProviderError(
        'Unavailable',
        `Graph GET ${pathOrUrl.split('?')[0]}: empty response`,
      );
    }
    return r.body;
  }

  /** True once the server has refused `$top`: from then on this client lists with the server's page size. */
  get topRefused(): boolean {
    return this.topSupport === 'refused';
  }

  /**
   * GETs the first page of a collection, with `$top` when asked (see {@link PageOptions}): one request, or two
   * when the server refuses `$top` the first time.
   */
  async firstPage<T>(
    path: string,
    o: PageOptions = {},
    signal?: AbortSignal,
  ): Promise<CollectionPage<T>> {
    if (o.top === undefined) return this.get(path, signal);
    // Concurrent listings (the snapshot's two) would each collect their own refusal; one asks, the others wait.
    while (this.topSupport === 'unknown' && this.topProbe !== undefined) await this.topProbe;
    if (this.topSupport === 'refused') return this.get(path, signal);
    const withTop = `${path}${path.includes('?') ? '&' : '?'}$top=${o.top}`;
    if (this.topSupport === 'accepted') return this.getWithTopFallback<T>(path, withTop, signal);
    let done: () => void = () => undefined;
    this.topProbe = new Promise<void>((resolve) => (done = resolve));
    try {
      return await this.getWithTopFallback<T>(path, withTop, signal);
    } finally {
      this.topProbe = undefined;
      done();
    }
  }

  private async getWithTopFallback<T>(
    path: string,
    withTop: string,
    signal?: AbortSignal,
  ): Promise<CollectionPage<T>> {
    let page: CollectionPage<T>;
    try {
      page = await this.get<CollectionPage<T>>(withTop, signal);
    } catch (err) {
      // Any 400, not a particular code: what Graph answers to an unsupported $top on these lists is not
      // documented, and messages must not be parsed. A 400 for another reason fails again below and is thrown.
      if (!(err instanceof ProviderError) || err.options.status !== 400) throw err;
      page = await this.get<CollectionPage<T>>(path, signal);
      if (this.topSupport !== 'refused') {
        this.topSupport = 'refused';
        this.opts.logger?.info(
          { path: path.split('?')[0], code: err.options.code, status: 400 },
          "Graph refused $top; listing with the server's page size from now on",
        );
      }
      return page;
    }
    if (this.topSupport === 'unknown') this.topSupport = 'accepted';
    return page;
  }

  /**
   * GETs a collection, following @odata.nextLink until it is absent (pages may be empty). The nextLinks are the
   * server's: they carry `$top` on if the first request did. `keep`, when given, replaces each item by what the
   * caller needs of it.
   */
  async list<T>(
    path: string,
    signal?: AbortSignal,
    o: PageOptions & { keep?: (item: T) => T } = {},
  ): Promise<T[]> {
    const out: T[] = [];
    let page = await this.firstPage<T>(path, o, signal);
    for (;;) {
      // `keep` trims each item as its page arrives, so that only one page is ever held whole.
      for (const item of page.value ?? []) out.push(o.keep ? o.keep(item) : item);
      const next = page['@odata.nextLink'];
      if (next === undefined) return out;
      page = await this.get<CollectionPage<T>>(next, signal);
    }
  }

  /**
   * Sends requests through $batch in chunks of 20, one chunk at a time. Items answered 429/503/504 (and the
   * items that failed only because they depended on one) are sent again in a smaller batch after the longest
   * Retry-After among them, up to the retry limit. A `dependsOn` must name an item of the same chunk.
   */
  async batch(
    requests: readonly BatchRequest[],
    signal?: AbortSignal,
  ): Promise<Map<string, BatchResult>> {
    const results = new Map<string, BatchResult>();
    for (let i = 0; i < requests.length; i += BATCH_LIMIT) {
      const chunk = requests.slice(i, i + BATCH_LIMIT);
      const ids = new Set(chunk.map((r) => r.id));
      for (const r of chunk) {
        for (const d of r.dependsOn ?? []) {
          if (!ids.has(d))
            throw new Error(`batch item ${r.id} depends on ${d}, which is not in its chunk`);
        }
      }
      await this.sendChunk(chunk, results, signal);
    }
    return results;
  }

  private async sendChunk(
    chunk: readonly BatchRequest[],
    results: Map<string, BatchResult>,
    signal?: AbortSignal,
  ): Promise<void> {
    let pending = [...chunk];
    for (let attempt = 1; pending.length > 0; attempt++) {
      const inFlight = new Set(pending.map((r) => r.id));
      const payload = {
        requests: pending.map((r) => ({
          id: r.id,
          method: r.method,
          url: r.url,
          ...(r.body === undefined
            ? {}
            : { body: r.body, headers: { 'Content-Type': 'application/json' } }),
          // Dependencies that already succeeded in an earlier round are dropped.
          ...(r.dependsOn?.some((d) => inFlight.has(d))
            ? { dependsOn: r.dependsOn.filter((d) => inFlight.has(d)) }
            : {}),
        })),
      };
      const writes = pending.filter((r) => r.method !== 'GET').length;
      this.stats.batches++;
      const res = await this.request<{ responses?: RawBatchResponse[] }>('POST', '/$batch', {
        body: payload,
        signal,
        count: { reads: pending.length - writes, writes },
      });
      const byId = new Map((res.body?.responses ?? []).map((r) => [r.id, r]));
      const retry: BatchRequest[] = [];
      let wait: number | undefined;
      for (const r of pending) {
        const raw = byId.get(r.id);
        if (!raw) {
          results.set(r.id, {
            id: r.id,
            status: 0,
            body: undefined,
            error: new ProviderError(
              'Unavailable',
              `Graph $batch: no response for ${r.method} ${r.url.split('?')[0]}`,
            ),
          });
          continue;
        }
        if (raw.status === 429) this.stats.throttled++;
        const retryAfter = parseRetryAfter(header(raw.headers, 'retry-after'));
        const transient = isRetryableStatus(raw.status);
        if (transient && retryAfter !== undefined) holdGate(this.gate, retryAfter);
        const blocked =
          raw.status === 424 &&
          (r.dependsOn ?? []).some((d) => {
            const s = byId.get(d)?.status;
            return s !== undefined && isRetryableStatus(s);
          });
        const canRetry =
          attempt < this.policy.maxAttempts &&
          (retryAfter === undefined || retryAfter <= this.policy.maxRetryAfterMs);
        if ((transient || blocked) && canRetry) {
          retry.push(r);
          if (retryAfter !== undefined) wait = Math.max(wait ?? 0, retryAfter);
          continue;
        }
        const ok = raw.status >= 200 && raw.status < 300;
        results.set(r.id, {
          id: r.id,
          status: raw.status,
          body: raw.body,
          ...(ok
            ? {}
            : { error: this.classifyError(r.method, r.url, raw.status, raw.body, retryAfter) }),
        });
      }
      pending = retry;
      if (pending.length > 0) {
        this.stats.retries += pending.length - 1;
        await this.pause(wait ?? backoffMs(this.policy, attempt, this.random), signal);
      }
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Gateways answer 5xx with HTML; keep the text so that classification still has something to show.
    return { error: { code: '', message: text.slice(0, 200) } };
  }
}
