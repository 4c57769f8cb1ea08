// When to try a Graph call again and how long to wait: Retry-After (seconds, possibly fractional, or an HTTP
// date) when the server names a delay, else exponential backoff with full jitter. Bounded in attempts and in
// the longest wait, so that a long server-requested pause becomes a Throttled error the reconciler requeues
// instead of a worker that sleeps for minutes.

/** Retry tuning of a GraphClient. */
export interface RetryOptions {
  /** Attempts per call including the first (default 4). */
  maxAttempts?: number;
  /** The first backoff step (default 500 ms); doubles per attempt. */
  baseDelayMs?: number;
  /** The largest backoff step (default 8 s). */
  maxDelayMs?: number;
  /** The longest Retry-After honoured in place (default 30 s); longer ones surface as Throttled. */
  maxRetryAfterMs?: number;
}

/** RetryOptions with every default filled in. */
export type RetryPolicy = Required<RetryOptions>;

/** The defaults: four attempts, 0.5 s doubling to 8 s, Retry-After up to 30 s. */
export function retryPolicy(o: RetryOptions = {}): RetryPolicy {
  return {
    maxAttempts: Math.max(1, o.maxAttempts ?? 4),
    baseDelayMs: o.baseDelayMs ?? 500,
    maxDelayMs: o.maxDelayMs ?? 8_000,
    maxRetryAfterMs: o.maxRetryAfterMs ?? 30_000,
  };
}

/** Statuses Graph documents as transient: throttling, service unavailable, gateway timeout. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 503 || status === 504;
}

/** Parses Retry-After: delta seconds (Graph sends fractions such as `2.128`) or an HTTP date. */
export function parseRetryAfter(
  value: string | null | undefined,
  now = Date.now(),
): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.ceil(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Full-jitter exponential backoff for the given (1-based) attempt that just failed. */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * cap);
}

/** Waits, or rejects early when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      return;
    }
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
