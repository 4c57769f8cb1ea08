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
  /** PATCH/POST/PUT/DELETE operations other than `$batch` itself, top-level or inside a batch. */
  writes: number;
  /** Token endpoint calls. */
  tokens: number;
}

/** Options for {@link RequestLog.list}. */
export interface ListOptions {
  /** Include `$batch` items (default false: HTTP round trips only). */
  batchItems?: boolean;
}

/** Graph (`/v1.0`, `/beta`) and ARM (`/subscriptions/…`, `/providers/…`) paths: the API round trips counted. */
const isGraph = (path: string): boolean =>
  /^\/(v1\.0|beta)\//.test(path) || /^\/(subscriptions|providers)\//i.test(path);
const isBatch = (path: string): boolean => /^\/(v1\.0|beta)\/\$batch$/.test(path);

/** An append-only log of requests. */
export class RequestLog {
  private entries: LoggedRequest[] = [];

  add(e: LoggedRequest): void {
    this.entries.push(e);
  }

  /** The logged requests in arrival order. */
  list(opts: ListOptions = {}): LoggedRequest[] {
    return this.entries
      .filter((e) => opts.batchItems === true || e.batchItemId === undefined)
      .map((e) => ({ ...e }));
  }

  reset(): void {
    this.entries = [];
  }

  counts(): RequestCounts {
    const c: RequestCounts = { requests: 0, batches: 0, reads: 0, writes: 0, tokens: 0 };
    for (const e of this.entries) {
      if (e.path.endsWith('/oauth2/v2.0/token')) c.tokens++;
      if (!isGraph(e.path)) continue;
      if (e.batchItemId === undefined) c.requests++;
      if (isBatch(e.path)) c.batches++;
      else if (e.method === 'GET') c.reads++;
      else c.writes++;
    }
    return c;
  }
}
