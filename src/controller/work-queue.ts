// A level-based work queue of keys with client-go semantics: a key waits at most once (duplicates merge),
// is processed by one worker at a time (a key re-added while processing runs again after done()), and
// failed keys back off exponentially per key until forget() resets them.
//
// Keys may belong to lanes (the IdentityProvider a request needs). Lanes are served round-robin, a lane holds at
// most its fair share of the workers while other lanes have work, and a blocked lane (its provider asked to be
// left alone, or is being read) keeps its keys waiting without a worker: one slow or throttled tenant cannot take
// the workers the others need, however many keys it has queued.

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

/** How keys are grouped into lanes that share the workers fairly. */
export interface LaneOptions {
  /** The lane of a key (its IdentityProvider); undefined for a key that needs none, which is never held back. */
  laneOf(key: string): string | undefined;
  /** How many workers take keys from the queue: a lane's fair share is this divided by the lanes with work. */
  workers: number;
  /**
   * Whether a lane must not be given a worker now, and until when: a promise that settles when it may (a
   * Retry-After gate that opens, a snapshot read that finishes). Undefined when the lane may run.
   */
  blockedUntil?(lane: string): Promise<unknown> | undefined;
}

/** The lane of keys that have none. */
const NO_LANE = '';

/** A WorkQueue hands out keys to workers. */
export class WorkQueue {
  /** Keys waiting, per lane, in arrival order. */
  private readonly ready = new Map<string, string[]>();
  /** Lanes with waiting keys, in the order they are served (round-robin from `cursor`). */
  private readonly ring: string[] = [];
  private cursor = 0;
  /** Keys the lane at the cursor has been given in a row (its turn lasts up to the minimum share). */
  private turn = 0;
  private waitingKeys = 0;
  /** Keys being processed per lane (only lanes with at least one). */
  private readonly busy = new Map<string, number>();
  /** The lane each key being processed was handed out from. */
  private readonly laneOfProcessing = new Map<string, string>();
  /** Lanes blocked until their promise settles. */
  private readonly blocked = new Set<string>();
  /** Up to two lanes ever seen: whether the queue serves more than one provider. */
  private readonly seen = new Set<string>();
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
    private readonly lanes?: LaneOptions,
  ) {}

  /** Number of keys waiting, blocked lanes included (not counting delayed or processing ones). */
  get length(): number {
    return this.waitingKeys;
  }

  /** Keys being processed in a lane (the workers it holds). */
  busyIn(lane: string): number {
    return this.busy.get(lane) ?? 0;
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
    const key = this.next();
    if (key !== undefined) return Promise.resolve(this.take(key));
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks a key as processed; if it was re-added meanwhile it is queued again. */
  done(key: string): void {
    this.processing.delete(key);
    this.startedAt.delete(key);
    const lane = this.laneOfProcessing.get(key);
    this.laneOfProcessing.delete(key);
    if (lane !== undefined) {
      const n = (this.busy.get(lane) ?? 1) - 1;
      if (n > 0) this.busy.set(lane, n);
      else this.busy.delete(lane);
    }
    if (this.dirty.has(key)) this.push(key);
    else this.wake(); // a lane below its share again may have keys waiting
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
    this.ready.clear();
    this.ring.length = 0;
    this.waitingKeys = 0;
    this.dirty.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  private push(key: string): void {
    this.enqueuedAt.set(key, Date.now());
    const lane = this.lanes?.laneOf(key) ?? NO_LANE;
    const keys = this.ready.get(lane);
    if (keys) keys.push(key);
    else {
      this.ready.set(lane, [key]);
      this.ring.push(lane);
    }
    this.waitingKeys++;
    this.wake();
    this.observer.onDepth?.(this.waitingKeys);
  }

  /** Hands waiting keys to idle workers for as long as there are both. */
  private wake(): void {
    while (this.waiters.length > 0) {
      const key = this.next();
      if (key === undefined) return;
      this.waiters.shift()?.(this.take(key));
    }
  }

  /**
   * Takes the next key that may run: lanes in turn from the cursor, skipping a blocked lane and a lane that holds
   * its fair share of the workers while other lanes have work.
   */
  private next(): string | undefined {
    if (this.waitingKeys === 0) return undefined;
    const share = this.fairShare();
    for (let i = 0; i < this.ring.length; i++) {
      const at = (this.cursor + i) % this.ring.length;
      const lane = this.ring[at]!;
      if (lane !== NO_LANE && (this.isBlocked(lane) || this.busyIn(lane) >= share)) continue;
      const keys = this.ready.get(lane)!;
      const key = keys.shift()!;
      this.waitingKeys--;
      // A lane keeps its turn for a few keys in a row, so that reconciles of one provider that run together
      // can share its batched writes; then the next lane's turn comes.
      this.turn = i === 0 ? this.turn + 1 : 1;
      if (keys.length === 0) {
        this.ready.delete(lane);
        this.ring.splice(at, 1);
        this.cursor = this.ring.length === 0 ? 0 : at % this.ring.length;
        this.turn = 0;
      } else if (this.turn >= this.minShare()) {
        this.cursor = (at + 1) % this.ring.length;
        this.turn = 0;
      } else this.cursor = at;
      if (lane !== NO_LANE) {
        this.busy.set(lane, this.busyIn(lane) + 1);
        this.laneOfProcessing.set(key, lane);
      }
      return key;
    }
    return undefined;
  }

  /** The share every lane may have whatever the number of lanes: a quarter of the workers, at least one. */
  private minShare(): number {
    return this.lanes ? Math.max(1, Math.floor(this.lanes.workers / 4)) : 1;
  }

  /**
   * The most workers one lane may hold now: the max-min fair share of the workers among the lanes that want some
   * (a lane wants the workers it holds plus one per waiting key, unless it is blocked), so that a lane wanting
   * little leaves the rest to the others, but never less than the minimum share (so that a provider's reconciles
   * still batch their writes among many tenants); and, once more than one lane was seen, never all of them, so that
   * work arriving for another provider finds a worker even while one provider's calls are slow.
   */
  private fairShare(): number {
    if (!this.lanes) return Number.POSITIVE_INFINITY;
    const workers = this.lanes.workers;
    const demands: number[] = [];
    for (const [lane, n] of this.busy)
      demands.push(n + (this.blocked.has(lane) ? 0 : (this.ready.get(lane)?.length ?? 0)));
    for (const lane of this.ring)
      if (lane !== NO_LANE && !this.busy.has(lane) && !this.blocked.has(lane))
        demands.push(this.ready.get(lane)?.length ?? 0);
    for (const lane of this.ring) if (lane !== NO_LANE && this.seen.size < 2) this.seen.add(lane);
    const ceiling = this.seen.size > 1 ? workers - Math.max(1, Math.floor(workers / 4)) : workers;
    demands.sort((a, b) => a - b);
    let left = workers;
    for (let i = 0; i < demands.length; i++) {
      const even = left / (demands.length - i);
      if (demands[i]! > even) return Math.max(this.minShare(), Math.min(ceiling, Math.ceil(even)));
      left -= demands[i]!;
    }
    return Math.max(1, ceiling);
  }

  /** Whether a lane is blocked; asks the lane's owner once, and hears back when the block ends. */
  private isBlocked(lane: string): boolean {
    if (this.blocked.has(lane)) return true;
    const until = this.lanes?.blockedUntil?.(lane);
    if (!until) return false;
    this.blocked.add(lane);
    const unblock = (): void => {
      this.blocked.delete(lane);
      if (!this.shuttingDown) this.wake();
    };
    until.then(unblock, unblock);
    return true;
  }

  private take(key: string): string {
    this.dirty.delete(key);
    this.processing.add(key);
    this.startedAt.set(key, Date.now());
    const at = this.enqueuedAt.get(key);
    if (at !== undefined) this.observer.onQueueLatency?.((Date.now() - at) / 1000);
    this.enqueuedAt.delete(key);
    this.observer.onDepth?.(this.waitingKeys);
    return key;
  }
}
