// The Keycloak Admin REST API over HTTP: a client-credentials token, TLS options, error classification and
// request counting (the counts are how tests prove that a converged apply writes nothing).
import { readFileSync } from 'node:fs';
import { ProviderError } from '../types.js';
import {
  httpFetch,
  type HttpFetch,
  type HttpFetchOptions,
  type HttpResponse,
} from '../http-fetch.js';
import { jsonRequest } from '../json-request.js';
import { observeRequest, type RequestObserver } from '../request-observer.js';
import {
  attemptSignal,
  defaultRequestTimeout,
  refuseIfStopped,
  timeoutError,
  type AttemptSignal,
} from '../request-deadline.js';
import { gateKey, gateWaitMs, holdGate, waitForGate } from '../throttle-gate.js';
import { recordAnswer, recordNoAnswer } from '../reachability.js';

/** The longest Retry-After waited out inside a call (as the Graph client's default). */
const MAX_RETRY_AFTER_IN_PLACE_MS = 30_000;

/** How a KeycloakAdminClient reaches and authenticates to Keycloak. */
export interface AdminClientOptions {
  /** The base URL, such as https://sso.example.com (no trailing /admin). */
  url: string;
  /** The realm that issues the service account's token. */
  tokenRealm: string;
  clientId: string;
  clientSecret?: string | undefined;
  tls?: AdminTlsOptions | undefined;
  /** Replaces the HTTP transport (tests, proxies). When set, tls is ignored. */
  fetch?: HttpFetch | undefined;
  /** Times every admin and token request sent (metrics). */
  onRequest?: RequestObserver | undefined;
  /** The deadline of one request, token requests included (default: the process default). */
  timeoutMs?: number | undefined;
}

/** How the client checks Keycloak's certificate. */
export interface AdminTlsOptions {
  /** A PEM file of certificates to trust, read when the client is built. */
  caFile?: string | undefined;
  /** PEM certificates to trust, given as text (from a Secret or ConfigMap). */
  ca?: string | undefined;
  insecureSkipVerify?: boolean | undefined;
}

/** Counts of admin API calls since the client was built (token requests are counted apart). */
export interface RequestStats {
  requests: number;
  reads: number;
  writes: number;
  /** Calls sent again (after a rejected token). */
  retries: number;
  tokens: number;
}

/** The answer to one admin call. */
export interface AdminResponse<T> {
  status: number;
  body: T | undefined;
  /** The Location header of a 201, if any. */
  location?: string;
}

/** Options for one admin call. */
export interface CallOptions {
  body?: unknown;
  signal?: AbortSignal | undefined;
  /** Whether the call changes state. POSTs that only read (partial-export) pass false. */
  write?: boolean;
}

/** A small client for /admin/realms/... with a cached service-account token. */
export class KeycloakAdminClient {
  /** Request counters, for tests and metrics. */
  readonly stats: RequestStats = { requests: 0, reads: 0, writes: 0, retries: 0, tokens: 0 };
  private readonly base: string;
  private readonly doFetch: HttpFetch;
  private token: { value: string; expiresAt: number } | undefined;
  private readonly timeoutMs: number;
  /** The Retry-After gate shared by every client of this server and realm. */
  private readonly gate: string;

  constructor(private readonly opts: AdminClientOptions) {
    this.base = opts.url.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? defaultRequestTimeout();
    this.gate = gateKey(this.base, `realm ${opts.tokenRealm}`);
    this.doFetch = opts.fetch ?? httpFetch(tlsOptions(opts.tls));
  }

  /** How long this client's Retry-After gate stays closed (0 when open). */
  throttledForMs(): number {
    return gateWaitMs(this.gate);
  }

  /** Calls an admin path relative to /admin/realms, such as `/myrealm/roles`. */
  async call<T>(method: string, path: string, o: CallOptions = {}): Promise<AdminResponse<T>> {
    const write = o.write ?? method !== 'GET';
    for (let attempt = 0; ; attempt++) {
      await waitForGate(
        this.gate,
        MAX_RETRY_AFTER_IN_PLACE_MS,
        `Keycloak ${method} ${path}`,
        o.signal,
      );
      if (write) refuseIfStopped(o.signal, 'Keycloak', method, path);
      const token = await this.getToken(o.signal);
      if (write) refuseIfStopped(o.signal, 'Keycloak', method, path);
      this.stats.requests++;
      if (write) this.stats.writes++;
      else this.stats.reads++;
      // A write that was sent is not aborted by the caller, only by its deadline (see attemptSignal).
      const a = attemptSignal(this.timeoutMs, o.signal, write);
      let res: HttpResponse;
      let text: string;
      try {
        res = await observeRequest(this.opts.onRequest, write ? 'write' : 'read', () =>
          this.doFetch(
            `${this.base}/admin/realms${path}`,
            jsonRequest(method, token, o.body, a.signal),
          ),
        );
        // A token can be revoked or expire early (clock skew); one fresh token is worth a retry.
        if (res.status === 401 && attempt === 0) {
          // read to the end: a fetch passed in (global fetch) reuses the connection only then
          await res.text();
          this.token = undefined;
          this.stats.retries++;
          recordAnswer(this.base);
          continue;
        }
        text = await res.text();
      } catch (err) {
        throw this.noAnswer(method, path, err, a);
      }
      recordAnswer(this.base);
      if (!res.ok) throw httpError(method, path, res, text, this.gate);
      const location = res.headers.get('location');
      return {
        status: res.status,
        body: text ? (JSON.parse(text) as T) : undefined,
        ...(location ? { location } : {}),
      };
    }
  }

  /** GET returning the parsed body. */
  async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    const r = await this.call<T>('GET', path, { signal });
    if (r.body === undefined)
      throw new ProviderError('Unavailable', `Keycloak GET ${path} returned no body`);
    return r.body;
  }

  /** Fetches (or reuses) a client-credentials token; checks that the credentials work. */
  async getToken(signal?: AbortSignal): Promise<string> {
    if (this.token && Date.now() < this.token.expiresAt) return this.token.value;
    const a = attemptSignal(this.timeoutMs, signal, false);
    const path = `/realms/${encodeURIComponent(this.opts.tokenRealm)}/protocol/openid-connect/token`;
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.opts.clientId,
    });
    if (this.opts.clientSecret !== undefined) form.set('client_secret', this.opts.clientSecret);
    this.stats.tokens++;
    let res: HttpResponse;
    let text: string;
    try {
      res = await observeRequest(this.opts.onRequest, 'token', () =>
        this.doFetch(this.base + path, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
          },
          body: form.toString(),
          signal: a.signal,
        }),
      );
      text = await res.text();
    } catch (err) {
      throw this.noAnswer('POST', path, err, a);
    }
    recordAnswer(this.base);
    if (!res.ok) {
      // Keycloak answers 400/401 invalid_client for a wrong secret: that is a credentials problem, not a bad spec.
      if (res.status === 400 || res.status === 401) {
        throw new ProviderError(
          'PermissionDenied',
          `Keycloak refused the client credentials of ${this.opts.clientId} in realm ${this.opts.tokenRealm}: ${errorText(text)}`,
          { status: res.status },
        );
      }
      throw httpError('POST', path, res, text, this.gate);
    }
    const body = JSON.parse(text) as { access_token?: string; expires_in?: number };
    if (!body.access_token)
      throw new ProviderError('Unavailable', 'Keycloak token response has no access_token');
    // Renew 10 s early (or at half-life for very short tokens) so that a call never races the expiry.
    const life = (body.expires_in ?? 60) * 1000;
    this.token = {
      value: body.access_token,
      expiresAt: Date.now() + Math.max(life - 10_000, life / 2),
    };
    return body.access_token;
  }

  /** The error of a request that got no answer: its deadline passed, or the connection failed. */
  private noAnswer(method: string, path: string, err: unknown, a: AttemptSignal): ProviderError {
    if (a.timedOut()) {
      recordNoAnswer(this.base);
      return timeoutError('Keycloak', method, path, this.timeoutMs, err);
    }
    const e = transportError(method, path, err);
    if (e.options.code !== undefined) recordNoAnswer(this.base);
    return e;
  }
}

function errorText(text: string): string {
  try {
    const j = JSON.parse(text) as {
      errorMessage?: string;
      error?: string;
      error_description?: string;
    };
    return j.errorMessage ?? j.error_description ?? j.error ?? text.slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}

function httpError(
  method: string,
  path: string,
  res: HttpResponse,
  text: string,
  gate: string,
): ProviderError {
  const msg = `Keycloak ${method} ${path}: ${res.status} ${errorText(text)}`.trim();
  const s = res.status;
  if (s === 429) {
    const ra = Number(res.headers.get('retry-after'));
    if (Number.isFinite(ra) && ra > 0) holdGate(gate, ra * 1000);
    return new ProviderError('Throttled', msg, {
      status: s,
      ...(Number.isFinite(ra) && ra > 0 ? { retryAfterMs: ra * 1000 } : {}),
    });
  }
  if (s === 401 || s === 403) return new ProviderError('PermissionDenied', msg, { status: s });
  if (s === 404) return new ProviderError('NotFound', msg, { status: s });
  if (s >= 500) return new ProviderError('Unavailable', msg, { status: s });
  return new ProviderError('Invalid', msg, { status: s });
}

function transportError(method: string, path: string, err: unknown): ProviderError {
  if (err instanceof Error && err.name === 'AbortError') {
    return new ProviderError('Unavailable', `Keycloak ${method} ${path}: aborted`, { cause: err });
  }
  const code =
    (err as { cause?: { code?: string }; code?: string }).cause?.code ??
    (err as { code?: string }).code;
  return new ProviderError(
    'Unavailable',
    `Keycloak ${method} ${path}: ${code ?? 'request failed'}`,
    {
      cause: err,
      ...(code ? { code } : {}),
    },
  );
}

/** The TLS settings of the client's fetch: an extra CA bundle (added to the public roots), or no verification. */
function tlsOptions(tls: AdminClientOptions['tls']): HttpFetchOptions {
  const ca = [tls?.caFile ? readFileSync(tls.caFile, 'utf8') : undefined, tls?.ca].filter(
    (x): x is string => Boolean(x),
  );
  return {
    ...(ca.length > 0 ? { ca } : {}),
    ...(tls?.insecureSkipVerify ? { rejectUnauthorized: false } : {}),
  };
}
