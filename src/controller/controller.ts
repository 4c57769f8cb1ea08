// Runs the reconcile loop: a source fills stores and enqueues keys, a bounded pool of workers takes keys off
// one queue, and each IdentityProvider key re-arms itself at its resync interval (with jitter) because
// identity providers send no events.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { objectFields, withReconcileID } from '../log.js';
import type { Source, WatchedKind } from '../sources/types.js';
import { objectKey } from '../api/keys.js';
import { isStale } from '../status/stale-object-error.js';
import { WorkQueue } from './work-queue.js';
import { Reconciler, type ReconcilerDeps, type Result } from './reconciler.js';
import type { ControllerMetrics } from './metrics.js';

/** Options of the loop. */
export interface ControllerOptions {
  /** Concurrent workers; a key is never processed by two at once. */
  workers: number;
  /** Fraction of the resync interval added at random, so replicas and providers do not synchronise. */
  jitter: number;
  backoff?: { baseMs: number; maxMs: number };
}

const ROLE = 'PrivilegedRole/';
const PROVIDER = 'IdentityProvider/';

/** The log fields (kind, namespace, name) of a queue key `Kind/[namespace/]name`. */
function queueKeyFields(key: string): ReturnType<typeof objectFields> {
  const i = key.indexOf('/');
  return objectFields(key.slice(0, i), key.slice(i + 1));
}
const NAME = 'privilegedrole';

/** A Controller reconciles everything a Source delivers until stopped. */
export class Controller {
  readonly queue: WorkQueue;
  private readonly inflight = new Set<Promise<void>>();
  private running = false;
  private synced = false;
  private abort = new AbortController();
  private workersDone: Promise<void> | undefined;

  constructor(
    private readonly source: Source,
    private readonly reconciler: Reconciler,
    private readonly log: Logger,
    private readonly options: ControllerOptions,
    private readonly metrics?: ControllerMetrics,
  ) {
    const labels = { name: NAME, controller: NAME };
    this.queue = new WorkQueue(options.backoff ?? { baseMs: 1000, maxMs: 60_000 }, {
      onAdd: () => metrics?.queueAdds.inc(labels),
      onRetry: () => metrics?.queueRetries.inc(labels),
      onDepth: (d) => metrics?.queueDepth.set({ ...labels, priority: '' }, d),
      onQueueLatency: (s) => metrics?.queueLatency.observe(labels, s),
    });
    metrics?.maxConcurrent.set({ controller: NAME }, options.workers);
    metrics?.trackInProgress(labels, () => this.queue.processingAges());
    // Exported from the start, as controller-runtime does: a dashboard shows 0, not "no data".
    metrics?.reconcileErrors.inc({ controller: NAME }, 0);
    metrics?.reconcilePanics.inc({ controller: NAME }, 0);
  }

  /** Whether the stores are synced and workers run (readiness). */
  get ready(): boolean {
    return this.running && this.synced;
  }

  /** Enqueues a role for reconciliation. */
  enqueueRole(key: string): void {
    this.queue.add(ROLE + key);
  }

  /** Starts the source and the workers; resolves once the stores have synced. */
  async start(): Promise<void> {
    this.running = true;
    const signal = this.abort.signal;
    await this.source.start(
      (kind: WatchedKind, key: string) =>
        this.queue.add((kind === 'PrivilegedRole' ? ROLE : PROVIDER) + key),
      signal,
    );
    await this.source.waitForSync(signal);
    // stopped while the caches synced: no worker may start after stop()
    if (signal.aborted || !this.running) return;
    this.synced = true;
    for (const idp of this.source.providers.list())
      this.queue.add(PROVIDER + objectKey(idp.metadata));
    const workers = Array.from({ length: this.options.workers }, () => this.work(signal));
    this.workersDone = Promise.all(workers).then(() => undefined);
    this.log.info(
      {
        workers: this.options.workers,
        roles: this.source.roles.list().length,
        providers: this.source.providers.list().length,
      },
      'controller started',
    );
  }

  /**
   * Stops taking new keys and aborts the reconciles' signal at once: in-flight reads are abandoned and no new
   * provider write is sent (a write already on the wire finishes within its request deadline, so that its
   * outcome is logged). Then waits for the in-flight reconciles and stops the source.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.queue.shutDown();
    this.abort.abort(new Error('the controller is stopping'));
    await Promise.allSettled([...this.inflight]);
    await this.workersDone;
    await this.source.stop();
    this.log.info('controller stopped');
  }

  /**
   * Waits until nothing is queued, in flight or waiting to be retried (one-shot runs, tests). Resyncs that are
   * merely scheduled do not count. Resolves false if the deadline passes first.
   */
  async idle(deadlineMs = Number.POSITIVE_INFINITY, pollMs = 20): Promise<boolean> {
    const end = Date.now() + deadlineMs;
    // Two quiet polls in a row: a finished reconcile may enqueue more keys (a provider resync enqueues roles).
    let quiet = 0;
    while (quiet < 2) {
      if (Date.now() > end) return false;
      const busy =
        this.queue.length > 0 || this.inflight.size > 0 || this.queue.pendingRetries() > 0;
      quiet = busy ? 0 : quiet + 1;
      await new Promise((r) => setTimeout(r, pollMs));
    }
    return true;
  }

  private async work(signal: AbortSignal): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      const p = this.process(key, signal).finally(() => {
        this.inflight.delete(p);
        this.queue.done(key);
      });
      this.inflight.add(p);
      await p;
    }
  }

  private async process(key: string, signal: AbortSignal): Promise<void> {
    const started = performance.now();
    this.metrics?.activeWorkers.inc({ controller: NAME });
    let result: Result;
    try {
      // every line logged by this reconcile carries one reconcileID, as controller-runtime's do
      result = await withReconcileID(randomUUID(), () =>
        key.startsWith(PROVIDER)
          ? this.reconciler.reconcileProvider(key.slice(PROVIDER.length), signal)
          : this.reconciler.reconcileRole(key.slice(ROLE.length), signal),
      );
    } catch (err) {
      if (isPanic(err)) this.metrics?.reconcilePanics.inc({ controller: NAME });
      // Conflicts and vanished objects are normal in a level-based loop: requeue without noise.
      if (!isStale(err))
        this.log.error(
          {
            ...queueKeyFields(key),
            err: err instanceof Error ? { type: err.name, message: err.message } : String(err),
          },
          'reconcile failed',
        );
      result = { kind: 'retry', error: err instanceof Error ? err.message : String(err) };
    } finally {
      this.metrics?.activeWorkers.dec({ controller: NAME });
      const secs = (performance.now() - started) / 1000;
      this.metrics?.reconcileTime.observe({ controller: NAME }, secs);
      this.metrics?.workDuration.observe({ name: NAME, controller: NAME }, secs);
    }
    if (result.kind === 'retry') {
      this.metrics?.reconcileTotal.inc({ controller: NAME, result: 'error' });
      this.metrics?.reconcileErrors.inc({ controller: NAME });
      const delay = this.queue.addRateLimited(key, result.afterMs);
      this.log.debug(
        { ...queueKeyFields(key), delayMs: delay, error: result.error },
        'requeued with backoff',
      );
      return;
    }
    this.queue.forget(key);
    if (result.requeueAfterMs !== undefined) {
      const jittered = Math.round(
        result.requeueAfterMs * (1 + Math.random() * this.options.jitter),
      );
      this.queue.addAfter(key, jittered);
      this.metrics?.reconcileTotal.inc({ controller: NAME, result: 'requeue_after' });
    } else {
      this.metrics?.reconcileTotal.inc({ controller: NAME, result: 'success' });
    }
  }
}

/**
 * Whether a thrown error is a programming error (what a Go controller would panic on: a nil dereference, an index
 * out of range), counted as controller_runtime_reconcile_panics_total. Errors the reconciler throws on purpose
 * (API server refusals, conflicts, provider errors) are ordinary reconcile errors.
 */
export function isPanic(err: unknown): boolean {
  return (
    err instanceof TypeError ||
    err instanceof RangeError ||
    err instanceof ReferenceError ||
    err instanceof SyntaxError ||
    err instanceof EvalError
  );
}

/**
 * Builds a Controller and its Reconciler over a source: the one assembly every mode (directory, Kubernetes)
 * uses. The reconciler enqueues roles through the controller, which is why the two are made together.
 */
export function newController(
  source: Source,
  deps: Omit<ReconcilerDeps, 'roles' | 'providers' | 'enqueueRole'>,
  options: ControllerOptions,
): { controller: Controller; reconciler: Reconciler } {
  const ref: { controller?: Controller } = {};
  const reconciler = new Reconciler({
    ...deps,
    roles: source.roles,
    providers: source.providers,
    enqueueRole: (key) => ref.controller?.enqueueRole(key),
  });
  const controller = new Controller(source, reconciler, deps.log, options, deps.metrics);
  ref.controller = controller;
  return { controller, reconciler };
}
