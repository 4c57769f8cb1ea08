// A list+watch cache of one resource that keeps itself running. client-node 1.4.0's ListWatch stops for good on
// any error, never asks for bookmarks or a server-side timeout, has no client-side timeout (a half-open watch can
// hang for minutes) and reconnects without pause when the server keeps closing the stream. This wrapper restarts
// it with capped exponential backoff, asks for bookmarks and a jittered timeoutSeconds, paces reconnects, and
// restarts a watch that has been silent for longer than the server promised to keep it open.
import {
  ListWatch,
  Watch,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';

/** The kind of change an informer reports. */
export type InformerEvent = 'add' | 'update' | 'delete';

/**
 * Lists one page; the informer passes `limit` and, after the first page, `_continue`. The token of the next page
 * comes back as `metadata.continue` in raw JSON (custom objects: client-node does not deserialize them) or as
 * `metadata._continue` in client-node's typed models; either is followed.
 */
export type PageLister<T> = (page: {
  limit: number;
  _continue?: string;
}) => Promise<{ metadata?: { _continue?: string; continue?: string }; items: T[] }>;

/** The continue token of a list page, empty when it is the last. */
function continueToken(page: { metadata?: { _continue?: string; continue?: string } }): string {
  return page.metadata?._continue || page.metadata?.continue || '';
}

/** Options of a ResilientInformer. */
export interface InformerOptions<T> {
  /** The watch path, e.g. /apis/rolegate.io/v1alpha1/privilegedroles. */
  path: string;
  list: PageLister<T>;
  /** For log lines. */
  name: string;
  log?: Logger;
  /** First restart delay after an error (default 500 ms), doubled per consecutive failure up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  /** Cap of the restart delay (default 30 s). */
  maxBackoffMs?: number;
  /** Server-side watch timeout; a random 0–20 % is added so replicas do not reconnect in step (default 300 s). */
  watchTimeoutSeconds?: number;
  /** Items per list page (default 500). */
  pageSize?: number;
  /**
   * Applied to every listed item and watched object before it is cached or handed to handlers (e.g.
   * stripForCache). Runs per list page, so a relist never holds a whole listing in its untransformed form.
   */
  transform?: (obj: T) => T;
}

/** Why the informer last restarted, for tests and metrics. */
export interface InformerStats {
  /** Restarts after an error (list or watch failed). */
  restarts: number;
  /** Successful full lists (initial sync, and relists after 410 Gone). */
  lists: number;
  /** Watches abandoned because they were silent for too long. */
  idleRestarts: number;
}

/**
 * A Watch that asks for bookmarks and a server-side timeout, paces reconnects, and lets the owner see activity
 * and abort the current connection.
 */
class PacedWatch extends Watch {
  /** When the last line (event or bookmark) arrived, or the last watch started. */
  lastActivity = Date.now();
  current: AbortController | undefined;
  private lastStart = 0;
  private closed = false;

  constructor(
    kc: KubeConfig,
    private readonly timeoutSeconds: number,
    private readonly onActivity: () => void,
    private readonly transform: (obj: unknown) => unknown = (obj) => obj,
  ) {
    super(kc);
  }

  close(): void {
    this.closed = true;
    this.current?.abort();
  }

  override async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    // ListWatch reconnects at once after a clean end of stream; a server that closes immediately would
    // otherwise get a request storm. One watch per second at most.
    const wait = this.lastStart + 1000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (this.closed) {
      // ListWatch needs a controller back; the aborted one makes its later _stop() a no-op
      const c = new AbortController();
      c.abort();
      return c;
    }
    this.lastStart = Date.now();
    this.lastActivity = this.lastStart;
    const params = {
      ...queryParams,
      allowWatchBookmarks: true,
      timeoutSeconds: this.timeoutSeconds + Math.floor(Math.random() * this.timeoutSeconds * 0.2),
    };
    const controller = await super.watch(
      path,
      params,
      (phase, obj, raw) => {
        this.lastActivity = Date.now();
        this.onActivity();
        callback(phase, this.transform(obj), raw);
      },
      done,
    );
    this.current = controller;
    return controller;
  }
}

/**
 * A ResilientInformer lists and watches one resource, keeps a cache, and reports changes to its handlers until
 * `stop()`. Handlers must not throw (client-node swallows the exception and skips resourceVersion bookkeeping);
 * a throwing handler is caught and logged here.
 */
export class ResilientInformer<T> {
  readonly stats: InformerStats = { restarts: 0, lists: 0, idleRestarts: 0 };
  // client-node's KubernetesObject does not fit our generated types under exactOptionalPropertyTypes; the
  // objects are the same JSON, so the cache is typed loosely and cast at the edges
  private readonly listWatch: ListWatch<KubernetesObject>;
  private readonly watch: PacedWatch;
  private readonly handlers: ((event: InformerEvent, obj: T) => void)[] = [];
  private readonly log: Logger | undefined;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly idleLimitMs: number;
  private failures = 0;
  private stopped = true;
  private restartTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private synced = false;
  private readonly syncWaiters: (() => void)[] = [];
  private running: Promise<void> = Promise.resolve();

  constructor(kc: KubeConfig, options: InformerOptions<T>) {
    this.log = options.log;
    this.initialBackoffMs = options.initialBackoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    const timeoutSeconds = options.watchTimeoutSeconds ?? 300;
    // the server ends every watch within timeoutSeconds (+20 % jitter); silence beyond that means a dead peer
    this.idleLimitMs = timeoutSeconds * 1200 + 60_000;
    // any line from the server (bookmarks included) proves the connection healthy: forget past failures
    const transform = options.transform;
    this.watch = new PacedWatch(
      kc,
      timeoutSeconds,
      () => {
        this.failures = 0;
      },
      transform as ((obj: unknown) => unknown) | undefined,
    );
    const pageSize = options.pageSize ?? 500;
    const listAll = async (): Promise<KubernetesListObject<KubernetesObject>> => {
      // every page of a paginated list is served from the first page's snapshot, so its resourceVersion holds
      const first = await options.list({ limit: pageSize });
      const items = transform ? first.items.map(transform) : [...first.items];
      let next = continueToken(first);
      while (next) {
        const page = await options.list({ limit: pageSize, _continue: next });
        for (const item of page.items) items.push(transform ? transform(item) : item);
        next = continueToken(page);
      }
      this.stats.lists++;
      this.failures = 0;
      return { ...first, items } as KubernetesListObject<KubernetesObject>;
    };
    this.listWatch = new ListWatch<KubernetesObject>(options.path, this.watch, listAll, false);
    const dispatch = (event: InformerEvent) => (obj: KubernetesObject) => {
      for (const h of this.handlers) {
        try {
          h(event, obj as T);
        } catch (err) {
          this.log?.error({ err, informer: options.name }, 'informer handler threw');
        }
      }
    };
    this.listWatch.on('add', dispatch('add'));
    this.listWatch.on('update', dispatch('update'));
    this.listWatch.on('delete', dispatch('delete'));
    this.listWatch.on('error', (err: unknown) => {
      // stop() aborts the request, which ListWatch reports as an error too
      if (this.stopped) return;
      this.scheduleRestart(err, options.name);
    });
  }

  /** Adds a change handler. Handlers run synchronously, in registration order. */
  on(handler: (event: InformerEvent, obj: T) => void): void {
    this.handlers.push(handler);
  }

  /** Starts listing and watching. Resolves after the first attempt, successful or not; retries on its own. */
  start(): Promise<void> {
    if (!this.stopped) return this.running;
    this.stopped = false;
    this.idleTimer = setInterval(() => this.checkIdle(), Math.min(30_000, this.idleLimitMs / 4));
    this.idleTimer.unref();
    this.running = this.startOnce();
    return this.running;
  }

  /** Resolves once the first full list is in the cache; rejects when `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = (): void => reject(signal?.reason ?? new Error('aborted'));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.syncWaiters.push(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  /** True once the first full list is in the cache. */
  get hasSynced(): boolean {
    return this.synced;
  }

  /** The cached objects. */
  list(): T[] {
    return this.listWatch.list() as T[];
  }

  /**
   * Drops the current watch connection, as a network failure would. The informer reconnects from the last
   * resourceVersion. Used by the watchdog, and by tests.
   */
  disconnect(): void {
    this.watch.current?.abort();
  }

  /** Stops watching and cancels pending restarts. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.restartTimer = undefined;
    this.idleTimer = undefined;
    this.watch.close();
    await this.listWatch.stop();
    await this.running.catch(() => undefined);
  }

  private async startOnce(): Promise<void> {
    const listsBefore = this.stats.lists;
    await this.listWatch.start();
    // ListWatch fills its cache (and calls our add handlers) synchronously right after the list resolves, so a
    // successful list in this attempt means the cache is complete now, whatever the watch did afterwards.
    if (this.stats.lists > listsBefore && !this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  private scheduleRestart(err: unknown, name: string): void {
    if (this.restartTimer) return;
    const delay = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** this.failures);
    this.failures++;
    this.stats.restarts++;
    this.log?.warn(
      { err: describe(err), informer: name, retryInMs: delay },
      'list/watch failed; restarting',
    );
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopped) return;
      this.running = this.startOnce();
    }, delay);
  }

  private checkIdle(): void {
    if (this.stopped || this.restartTimer) return;
    if (Date.now() - this.watch.lastActivity > this.idleLimitMs) {
      this.stats.idleRestarts++;
      this.log?.warn(
        { silentMs: Date.now() - this.watch.lastActivity },
        'watch silent for too long; reconnecting',
      );
      this.watch.lastActivity = Date.now();
      this.disconnect();
    }
  }
}

/** A short description of a list/watch error: ApiException messages embed whole bodies and headers. */
function describe(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; statusCode?: unknown; message?: unknown; name?: unknown };
    const code = e.code ?? e.statusCode;
    const message = typeof e.message === 'string' ? e.message.split('\n')[0]!.slice(0, 200) : '';
    return `${typeof e.name === 'string' ? e.name : 'Error'}${code !== undefined ? ` ${String(code)}` : ''}: ${message}`;
  }
  return String(err);
}
