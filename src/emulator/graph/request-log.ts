// Every request the emulator served, so that tests can assert request counts (the cost of a snapshot or of an
// apply) from the server's side instead of trusting the client's own counters.

/** One logged request. `$batch` items are logged too, marked with the id of their batch. */
export interface LoggedRequest {
  method: string;
  /** The path without the query string, such as /v1.0/policies/roleManagementPolicyAssignments. */
  path: string;
  /** The query string, with its leading `?`, or ''. */
  query: string;
  status: number;
  /** Set on an item of a `$batch`: the id the client gave it. */
  batchItemId?: string;
}

/** Totals over the log. */
export interface RequestCounts {
  /** HTTP round trips to the Graph API (`/v1.0`, `/beta`) and to ARM, a `$batch` counting once. */
  requests: number;
  /** `$batch` POSTs. */
  batches: number;
  /** GET operations, top-level or inside a batch. */
  reads: number;
  /**
   * PATCH/POST/PUT/DELETE operations other than `$batch` itself, top-level or inside a batch; POSTs that only read
   * (`directoryObjects/getByIds`) count as reads.
   */
  writes: number;
  /** Token endpoint calls. */
  tokens: number;
}

/** Options for {@link RequestLog.list}. */
export interface ListOptions {
  /** Include `$batch` items (default false: HTTP round trips only). */
  batchItems?: boolean;
  /**
   * Include the identity endpoints (token, OpenID discovery, keys; default false: the APIs only). Token requests
   * are counted in {@link RequestCounts.tokens} either way.
   */
  identity?: boolean;
}

/** The log's own bookkeeping. */
export interface LogStats {
  /** Entries kept (at most the capacity). */
  kept: number;
  /** Entries dropped, oldest first, since the last reset because the log was full. */
  dropped: number;
  capacity: number;
}

/** The entries a log keeps by default: plenty for a benchmark's apply of thousands of roles, ~10 MB at most. */
export const DEFAULT_LOG_CAPACITY = 50_000;

/** Graph (`/v1.0`, `/beta`) and ARM (`/subscriptions/…`, `/providers/…`) paths: the API round trips counted. */
const isGraph = (path: string): boolean =>
  /^\/(v1\.0|beta)\//.test(path) || /^\/(subscriptions|providers)\//i.test(path);
const isBatch = (path: string): boolean => /^\/(v1\.0|beta)\/\$batch$/.test(path);
const isIdentity = (path: string): boolean =>
  /^\/[^/]+\/(oauth2\/v2\.0\/token|v2\.0\/\.well-known\/openid-configuration|discovery\/v2\.0\/keys)$/.test(
    path,
  );

/**
 * A bounded log of requests: a ring buffer of the newest entries and a count of those dropped, so that an
 * emulator left running under load keeps a fixed footprint. The counts are running totals over everything
 * logged since the last reset, dropped entries included, so that request budgets stay exact.
 */
export class RequestLog {
  private ring: (LoggedRequest | undefined)[] = [];
  /** Index of the oldest kept entry when the ring is full. */
  private head = 0;
  private droppedCount = 0;
  private totals: RequestCounts = RequestLog.zero();
  readonly capacity: number;

  constructor(capacity = DEFAULT_LOG_CAPACITY) {
    this.capacity = Math.max(1, Math.floor(capacity));
  }

  private static zero(): RequestCounts {
    return { requests: 0, batches: 0, reads: 0, writes: 0, tokens: 0 };
  }

  add(e: LoggedRequest): void {
    this.count(e);
    if (this.ring.length < this.capacity) {
      this.ring.push(e);
      return;
    }
    this.ring[this.head] = e;
    this.head = (this.head + 1) % this.capacity;
    this.droppedCount++;
  }

  private count(e: LoggedRequest): void {
    const c = this.totals;
    if (e.path.endsWith('/oauth2/v2.0/token')) c.tokens++;
    if (!isGraph(e.path)) return;
    if (e.batchItemId === undefined) c.requests++;
    if (isBatch(e.path)) c.batches++;
    else if (e.method === 'GET' || isReadAction(e.method, e.path)) c.reads++;
    else c.writes++;
  }

  /** The kept requests in arrival order. */
  list(opts: ListOptions = {}): LoggedRequest[] {
    const ordered = [...this.ring.slice(this.head), ...this.ring.slice(0, this.head)];
    return ordered
      .filter((e): e is LoggedRequest => e !== undefined)
      .filter((e) => opts.batchItems === true || e.batchItemId === undefined)
      .filter((e) => opts.identity === true || !isIdentity(e.path))
      .map((e) => ({ ...e }));
  }

  reset(): void {
    this.ring = [];
    this.head = 0;
    this.droppedCount = 0;
    this.totals = RequestLog.zero();
  }

  counts(): RequestCounts {
    return { ...this.totals };
  }

  stats(): LogStats {
    return { kept: this.ring.length, dropped: this.droppedCount, capacity: this.capacity };
  }
}

/** A POST that changes nothing: Graph's getByIds action reads directory objects by id. */
function isReadAction(method: string, path: string): boolean {
  return method === 'POST' && /\/directoryObjects\/getByIds$/i.test(path);
}
