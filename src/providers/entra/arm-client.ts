// A small Azure Resource Manager client for PIM for Azure resources: `api-version=2020-10-01` on every call,
// `nextLink` paging, ARM's error shape and permission names, and the same retries, token handling and counters
// as the Graph client (it reuses that client's transport with ARM's classifiers).
import type { TokenCredential } from '@azure/identity';
import { ProviderError } from '../types.js';
import { GraphClient, type GraphStats } from './graph-client.js';
import type { RetryOptions } from './retry.js';
import { transportError } from './graph-errors.js';
import type { RequestObserver } from '../request-observer.js';
import type { HttpFetch } from '../http-fetch.js';

/** The ARM api-version of role management policies rolegate speaks. */
export const ARM_API_VERSION = '2020-10-01';

/** Azure Resource Manager of the public cloud. */
export const DEFAULT_RESOURCE_MANAGER_URL = 'https://management.azure.com';

/** How an ArmClient reaches ARM. */
export interface ArmClientOptions {
  /** ARM's base URL, such as https://management.azure.com or an emulator's URL. */
  baseUrl: string;
  credential: TokenCredential;
  retry?: RetryOptions;
  fetch?: HttpFetch;
  random?: () => number;
  /** Times every request sent (metrics). */
  onRequest?: RequestObserver | undefined;
  /** The deadline of one attempt (default: the process default). */
  timeoutMs?: number | undefined;
  /** What ARM throttles by besides its URL (the tenant id): see GraphClientOptions. */
  throttlePartition?: string | undefined;
}

/** The Azure RBAC permission an ARM call needs, for PermissionDenied messages. */
export function armPermissionFor(method: string): string {
  return method === 'GET'
    ? 'Microsoft.Authorization/roleManagementPolicies/read'
    : 'Microsoft.Authorization/roleManagementPolicies/write';
}

function armPath(urlOrPath: string): string {
  return urlOrPath.replace(/^https?:\/\/[^/]+/i, '').split('?')[0] ?? '/';
}

/** Classifies a non-2xx ARM answer: `{"error":{"code","message"}}`. */
export function classifyArmError(
  method: string,
  urlOrPath: string,
  status: number,
  body: unknown,
  retryAfterMs: number | undefined,
): ProviderError {
  const e = (body as { error?: { code?: unknown; message?: unknown } } | null | undefined)?.error;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : '';
  const what = [code, message].filter((s) => s.length > 0).join(': ');
  const base = `ARM ${method} ${armPath(urlOrPath)}: ${status}${what ? ` ${what}` : ''}`;
  const opts = { status, ...(code ? { code } : {}) };
  if (status === 401 || status === 403) {
    const perm = armPermissionFor(method);
    const hint =
      code === 'InvalidAuthenticationTokenAudience'
        ? 'the access token was issued for another API; it must be requested for Azure Resource Manager ({resourceManagerUrl}/.default)'
        : status === 401
          ? `the access token was refused; check the credentials of the application (it needs an Azure role with ${perm} at the scope)`
          : `the application needs an Azure role with ${perm} at the scope`;
    return new ProviderError('PermissionDenied', `${base} (${hint})`, opts);
  }
  const retry = retryAfterMs === undefined ? {} : { retryAfterMs };
  if (status === 429) return new ProviderError('Throttled', base, { ...opts, ...retry });
  if (status === 404) return new ProviderError('NotFound', base, opts);
  if (status >= 500) return new ProviderError('Unavailable', base, { ...opts, ...retry });
  return new ProviderError('Invalid', base, opts);
}

/** Classifies a transport failure of an ARM call. */
export function classifyArmTransportError(
  method: string,
  urlOrPath: string,
  err: unknown,
): ProviderError {
  return transportError('ARM', method, armPath(urlOrPath), err);
}

/** An ARM client bound to one base URL and credential. */
export class ArmClient {
  private readonly http: GraphClient;
  private readonly base: string;

  constructor(opts: ArmClientOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, '');
    this.http = new GraphClient({
      baseUrl: this.base,
      credential: opts.credential,
      // ARM's token audience is the resource manager, not Graph.
      scope: `${this.base}/.default`,
      classifyError: classifyArmError,
      classifyTransport: classifyArmTransportError,
      service: 'ARM',
      timeoutMs: opts.timeoutMs,
      throttlePartition: opts.throttlePartition,
      ...(opts.retry ? { retry: opts.retry } : {}),
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
      ...(opts.random ? { random: opts.random } : {}),
      ...(opts.onRequest ? { onRequest: opts.onRequest } : {}),
    });
  }

  /** Counters since the client was built. */
  get stats(): GraphStats {
    return this.http.stats;
  }

  /** How long this client's Retry-After gate stays closed (0 when open). */
  throttledForMs(): number {
    return this.http.throttledForMs();
  }

  /** The token scope, `{resourceManagerUrl}/.default`. */
  get scope(): string {
    return this.http.scope;
  }

  /** The absolute URL of a path (scope + provider path) with the api-version and extra query terms. */
  url(path: string, query: Record<string, string> = {}): string {
    const q = new URLSearchParams({ 'api-version': ARM_API_VERSION, ...query });
    // ARM accepts %20 and %27 in $filter; URLSearchParams writes + for spaces, which ARM also decodes.
    return `${this.base}${path}?${q.toString()}`;
  }

  /** GETs a collection, following nextLink until it is absent. */
  async list<T>(
    path: string,
    query: Record<string, string> = {},
    signal?: AbortSignal,
  ): Promise<T[]> {
    const out: T[] = [];
    let next: string | undefined = this.url(path, query);
    while (next !== undefined) {
      const page: { value?: T[]; nextLink?: string | null } = await this.http.get(next, signal);
      out.push(...(page.value ?? []));
      next = page.nextLink ?? undefined;
    }
    return out;
  }

  async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.http.get<T>(this.url(path), signal);
  }

  /**
   * PATCHes a resource and returns the body ARM answers with (a policy PATCH returns the whole policy). The
   * bodies rolegate sends carry absolute values, so a retried PATCH is idempotent.
   */
  async patch<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    const r = await this.http.request<T>('PATCH', this.url(path), { body, signal });
    if (r.body === undefined) {
      throw new ProviderError('Unavailable', `ARM PATCH ${path}: empty response`);
    }
    return r.body;
  }
}
