// A list+watch cache of one resource that keeps itself running, with client-go's reflector semantics: list once
// (in pages), then watch from the list's resourceVersion; after a dropped watch, resume from the last
// resourceVersion seen (no relist); list again only when the API server says that version is gone (410). On top:
// bookmarks and a jittered server-side timeout are requested, failures back off exponentially (capped), reconnects
// are paced, and a watch that has been silent for longer than the server promised to keep it open is restarted.
import type { Logger } from 'pino';
import { KubeApiError, apiErrorMessage } from './api-error.js';
import type { KubeClient, WatchEvent } from './client.js';
import { sleepUnlessAborted } from '../util/sleep.js';

/** The kind of change an informer reports. */
export type InformerEvent = 'add' | 'update' | 'delete';

/** One page of a list, as the API server sends it. */
export interface ListPage<T> {
  metadata?: { continue?: string; resourceVersion?: string };
  items: T[];
}

/** What the informer needs of a cached object. */
interface Cached {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string } | null;
}

/** Options of a ResilientInformer. */
export interface InformerOptions<T> {
  /** The collection path, e.g. /apis/rolegate.io/v1alpha1/privilegedroles; listed and watched. */
  path: string;
  /** For log lines. */
  name: string;
  /** Lists and watches only the objects with these labels (the API server filters: a shard's own objects). */
  labelSelector?: string;
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
  /** Restarts after an error (list or watch failed, or the watch was dropped). */
  restarts: number;
  /** Successful full lists (initial sync, and relists after 410 Gone). */
  lists: number;
  /** Watches abandoned because they were silent for too long. */
  idleRestarts: number;
}

/**
 * A ResilientInformer lists and watches one resource, keeps a cache, and reports changes to its handlers until
 * `stop()`. A throwing handler is caught and logged; the others still run.
 */
export class ResilientInformer<T extends Cached> {
  readonly stats: InformerStats = { restarts: 0, lists: 0, idleRestarts: 0 };
  private readonly cache = new Map<string, T>();
  private readonly handlers: ((event: InformerEvent, obj: T) => void)[] = [];
  private readonly log: Logger | undefined;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly timeoutSeconds: number;
  private readonly idleLimitMs: number;
  private readonly pageSize: number;
  private readonly transform: (obj: T) => T;
  /** Where the next watch resumes; '' means list first. */
  private resourceVersion = '';
  private failures = 0;
  private stopped = true;
  private stopping = new AbortController();
  /** The request in flight (a list page or the watch), aborted by disconnect() and stop(). */
  private current: AbortController | undefined;
  private lastActivity = Date.now();
  private lastWatchStart = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private synced = false;
  private readonly syncWaiters: (() => void)[] = [];
  private firstAttempt: Promise<void> = Promise.resolve();
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: KubeClient,
    private readonly options: InformerOptions<T>,
  ) {
    this.log = options.log;
    this.initialBackoffMs = options.initialBackoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.timeoutSeconds = options.watchTimeoutSeconds ?? 300;
    // the server ends every watch within timeoutSeconds (+20 % jitter); silence beyond that means a dead peer
    this.idleLimitMs = this.timeoutSeconds * 1200 + 60_000;
    this.pageSize = options.pageSize ?? 500;
    this.transform = options.transform ?? ((obj) => obj);
  }

  /** Adds a change handler. Handlers run synchronously, in registration order. */
  on(handler: (event: InformerEvent, obj: T) => void): void {
    this.handlers.push(handler);
  }

  /** Starts listing and watching. Resolves after the first list attempt, successful or not; retries on its own. */
  start(): Promise<void> {
    if (!this.stopped) return this.firstAttempt;
    this.stopped = false;
    this.stopping = new AbortController();
    this.idleTimer = setInterval(() => this.checkIdle(), Math.min(30_000, this.idleLimitMs / 4));
    this.idleTimer.unref();
    let attempted!: () => void;
    this.firstAttempt = new Promise((resolve) => (attempted = resolve));
    this.loop = this.run(attempted);
    return this.firstAttempt;
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
    return [...this.cache.values()];
  }

  /**
   * Drops the current connection, as a network failure would. The informer reconnects (after its backoff) and
   * resumes from the last resourceVersion. Used by the watchdog, and by tests.
   */
  disconnect(): void {
    this.current?.abort(new Error('disconnected'));
  }

  /** Stops watching and cancels pending restarts. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = undefined;
    this.stopping.abort(new Error('informer stopped'));
    this.current?.abort(new Error('informer stopped'));
    await this.loop;
  }

  private async run(attempted: () => void): Promise<void> {
    while (!this.stopped) {
      try {
        if (this.resourceVersion === '') await this.relist();
        attempted();
        // ListWatch-style pacing: a server that ends every watch at once must not get a request storm
        await this.sleep(this.lastWatchStart + 1000 - Date.now());
        if (this.stopped) break;
        await this.watchOnce();
      } catch (err) {
        attempted();
        if (this.stopped) break;
        const delay = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** this.failures);
        this.failures++;
        this.stats.restarts++;
        this.log?.warn(
          { err: apiErrorMessage(err), informer: this.options.name, retryInMs: delay },
          'list/watch failed; restarting',
        );
        await this.sleep(delay);
      }
    }
  }

  /** Lists every page, replaces the cache, and reports the differences. */
  private async relist(): Promise<void> {
    const next = new Map<string, T>();
    let cont: string | undefined;
    let version = '';
    do {
      // every page of a paginated list is served from the first page's snapshot, so its resourceVersion holds
      const page = await this.withCurrent((signal) =>
        this.client.get<ListPage<T>>(this.options.path, {
          query: {
            limit: this.pageSize,
            continue: cont,
            labelSelector: this.options.labelSelector,
          },
          signal,
        }),
      );
      for (const item of page.items) {
        const obj = this.transform(item);
        next.set(keyOf(obj), obj);
      }
      if (cont === undefined) version = page.metadata?.resourceVersion ?? '';
      cont = page.metadata?.continue || undefined;
    } while (cont);
    const old = new Map(this.cache);
    this.cache.clear();
    for (const [k, obj] of next) this.cache.set(k, obj);
    this.resourceVersion = version;
    this.stats.lists++;
    this.failures = 0;
    for (const [k, obj] of old) if (!next.has(k)) this.dispatch('delete', obj);
    for (const [k, obj] of next) {
      const before = old.get(k);
      if (!before) this.dispatch('add', obj);
      else if (before.metadata?.resourceVersion !== obj.metadata?.resourceVersion)
        this.dispatch('update', obj);
    }
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  /** One watch connection, until the server ends it. A 410 Gone clears the resourceVersion: list again. */
  private async watchOnce(): Promise<void> {
    this.lastWatchStart = Date.now();
    this.lastActivity = this.lastWatchStart;
    const query = {
      labelSelector: this.options.labelSelector,
      resourceVersion: this.resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds: this.timeoutSeconds + Math.floor(Math.random() * this.timeoutSeconds * 0.2),
    };
    try {
      await this.withCurrent((signal) =>
        this.client.watch(this.options.path, query, (e) => this.onWatchEvent(e), signal),
      );
    } catch (err) {
      if (err instanceof KubeApiError && err.code === 410) {
        this.goneRelist();
        return;
      }
      throw err;
    }
  }

  private onWatchEvent(e: WatchEvent): void {
    // any line from the server (bookmarks included) proves the connection healthy: forget past failures
    this.lastActivity = Date.now();
    this.failures = 0;
    if (e.type === 'ERROR') {
      const status = e.object as { code?: number; message?: string; reason?: string } | null;
      if (status?.code === 410) {
        this.goneRelist();
        // ends this watch; the loop lists again at once
        this.current?.abort(new GoneError());
        return;
      }
      throw new KubeApiError(
        status?.code ?? 500,
        status ?? undefined,
        `WATCH ${this.options.path}`,
      );
    }
    const obj = this.transform(e.object as T);
    const version = obj.metadata?.resourceVersion;
    if (version) this.resourceVersion = version;
    if (e.type === 'BOOKMARK') return;
    const key = keyOf(obj);
    if (e.type === 'DELETED') {
      this.cache.delete(key);
      this.dispatch('delete', obj);
    } else {
      const existed = this.cache.has(key);
      this.cache.set(key, obj);
      this.dispatch(existed ? 'update' : 'add', obj);
    }
  }

  private goneRelist(): void {
    this.log?.info(
      { informer: this.options.name },
      'watch resourceVersion expired (410); listing again',
    );
    this.resourceVersion = '';
  }

  private dispatch(event: InformerEvent, obj: T): void {
    for (const h of this.handlers) {
      try {
        h(event, obj);
      } catch (err) {
        this.log?.error({ err, informer: this.options.name }, 'informer handler threw');
      }
    }
  }

  /** Runs one request that disconnect() and stop() can abort. A 410 abort ends quietly. */
  private async withCurrent<R>(send: (signal: AbortSignal) => Promise<R>): Promise<R> {
    const c = new AbortController();
    this.current = c;
    try {
      return await send(c.signal);
    } catch (err) {
      if (c.signal.reason instanceof GoneError) return undefined as R;
      throw err;
    } finally {
      if (this.current === c) this.current = undefined;
    }
  }

  /** Waits `ms`, or less when stop() is called. */
  private sleep(ms: number): Promise<void> {
    return sleepUnlessAborted(ms, this.stopping.signal);
  }

  private checkIdle(): void {
    if (this.stopped || !this.current) return;
    if (Date.now() - this.lastActivity > this.idleLimitMs) {
      this.stats.idleRestarts++;
      this.log?.warn(
        { silentMs: Date.now() - this.lastActivity, informer: this.options.name },
        'watch silent for too long; reconnecting',
      );
      this.lastActivity = Date.now();
      this.disconnect();
    }
  }
}

/** Why a watch was ended on purpose after an ERROR 410 event. */
class GoneError extends Error {
  override readonly name = 'GoneError';
  constructor() {
    super('resourceVersion expired');
  }
}

function keyOf(obj: Cached): string {
  const m = obj.metadata;
  return m?.namespace ? `${m.namespace}/${m.name ?? ''}` : (m?.name ?? '');
}
