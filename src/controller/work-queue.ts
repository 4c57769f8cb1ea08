// A level-based work queue of keys with client-go semantics: a key waits at most once (duplicates merge),
// is processed by one worker at a time (a key re-added while processing runs again after done()), and
// failed keys back off exponentially per key until forget() resets them.

/** Per-key exponential backoff. Crossplane's defaults for external APIs: 1 s doubling to 60 s. */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/** Counters for metrics. */
export interface QueueStats {
  adds: number;
  retries: number;
}

/** Observes queue activity (metrics). */
export interface QueueObserver {
  onAdd?(key: string): void;
  onRetry?(key: string): void;
  onDepth?(depth: number): void;
  onQueueLatency?(seconds: number): void;
}

/** A WorkQueue hands out keys to workers. */
export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly enqueuedAt = new Map<string, number>();
  /** When each key being processed was handed to a worker (ms since epoch). */
  private readonly startedAt = new Map<string, number>();
  private readonly waiters: ((key: string | undefined) => void)[] = [];
  private shuttingDown = false;
  readonly stats: QueueStats = { adds: 0, retries: 0 };

  constructor(
    private readonly backoff: BackoffOptions = { baseMs: 1000, maxMs: 60_000 },
    private readonly observer: QueueObserver = {},
  ) {}

  /** Number of keys waiting (not counting delayed or processing ones). */
  get length(): number {
    return this.queue.length;
  }

  /** Adds a key now. A key already waiting is not added twice. */
  add(key: string): void {
    if (this.shuttingDown) return;
    this.stats.adds++;
    this.observer.onAdd?.(key);
    if (this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return; // done() re-queues it
    this.push(key);
  }

  /** Adds a key after a delay; an earlier pending delay for the same key wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const at = Date.now() + delayMs;
    const existing = this.timers.get(key);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.timers.set(key, { at, timer });
  }

  /** Adds a key after its per-key backoff, or after `retryAfterMs` when the server asked for longer. */
  addRateLimited(key: string, retryAfterMs?: number): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    this.stats.retries++;
    this.observer.onRetry?.(key);
    const delay = Math.max(
      Math.min(this.backoff.baseMs * 2 ** n, this.backoff.maxMs),
      retryAfterMs ?? 0,
    );
    this.addAfter(key, delay);
    return delay;
  }

  /** Resets a key's backoff; call on success. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** How many times a key has failed in a row. */
  failuresOf(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Keys waiting out a backoff after a failure (not resyncs). */
  pendingRetries(): number {
    let n = 0;
    for (const key of this.timers.keys()) if ((this.failures.get(key) ?? 0) > 0) n++;
    return n;
  }

  /** Waits for the next key; undefined once the queue is shut down and empty. */
  get(): Promise<string | undefined> {
    const key = this.queue.shift();
    if (key !== undefined) return Promise.resolve(this.take(key));
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks a key as processed; if it was re-added meanwhile it is queued again. */
  done(key: string): void {
    this.processing.delete(key);
    this.startedAt.delete(key);
    if (this.dirty.has(key)) this.push(key);
  }

  /** Seconds each key being processed has been processing so far (unfinished work). */
  processingAges(now = Date.now()): number[] {
    return [...this.startedAt.values()].map((at) => Math.max(0, now - at) / 1000);
  }

  /** Stops accepting keys, cancels delayed ones, and releases idle workers. Keys in flight finish. */
  shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.queue.length = 0;
    this.dirty.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  private push(key: string): void {
    this.enqueuedAt.set(key, Date.now());
    const waiter = this.waiters.shift();
    if (waiter) waiter(this.take(key));
    else this.queue.push(key);
    this.observer.onDepth?.(this.queue.length);
  }

  private take(key: string): string {
    this.dirty.delete(key);
    this.processing.add(key);
    this.startedAt.set(key, Date.now());
    const at = this.enqueuedAt.get(key);
    if (at !== undefined) this.observer.onQueueLatency?.((Date.now() - at) / 1000);
    this.enqueuedAt.delete(key);
    this.observer.onDepth?.(this.queue.length);
    return key;
  }
}
