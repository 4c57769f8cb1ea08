// Runs the reconcile loop: a source fills stores and enqueues requests, a bounded pool of workers takes requests
// off one queue and hands each to the reconciler of its kind, and each IdentityProvider request re-arms itself at
// its resync interval (with jitter) because identity providers send no events. Watches map a reconciled request
// of one kind to requests of another (controller-runtime's EnqueueRequestsFromMapFunc): a provider's resync
// brings its roles back, without either reconciler knowing about the other.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { objectFields, withReconcileID } from '../log.js';
import type { Source, WatchedKind } from '../sources/types.js';
import { objectKey, type ObjectKey } from '../api/keys.js';
import { isStale } from '../status/stale-object-error.js';
import { retry, type Result } from '../reconcile/result.js';
import { WorkQueue } from './work-queue.js';
import { parseRequestId, requestId, type Request, type RequestId } from './request.js';
import { Readiness } from './readiness.js';
import type { ControllerMetrics } from './metrics.js';
import type { IdentityProvider, PrivilegedRole } from '../api/v1alpha1/types.js';
import { PROVIDERS, type ProviderDescriptors } from '../providers/registry.js';
import { ValidationCache } from './validation-cache.js';
import type { EventRecorder, FinalizerWriter, StatusWriter } from '../status/types.js';
import type { ProviderRegistry } from './provider-registry.js';
import { RoleReconciler } from './role-reconciler.js';
import { ProviderReconciler, rolesOf } from './provider-reconciler.js';
import { StatusReporter } from './status-reporter.js';

export type { Result } from '../reconcile/result.js';

/** Options of the loop. */
export interface ControllerOptions {
  /** Concurrent workers; a request is never processed by two at once. */
  workers: number;
  /** Fraction of the resync interval added at random, so replicas and providers do not synchronise. */
  jitter: number;
  backoff?: { baseMs: number; maxMs: number };
}

/** Reconciles the objects of one kind. */
export interface KindReconciler {
  reconcile(key: ObjectKey, signal?: AbortSignal): Promise<Result>;
}

/** After a request of kind `from` was reconciled (whatever the result), enqueues what `map` returns. */
export interface Watch {
  from: WatchedKind;
  map: (key: ObjectKey) => Request[];
}

/** What a Controller runs. */
export interface ControllerParts {
  source: Source;
  reconcilers: Record<WatchedKind, KindReconciler>;
  watches: readonly Watch[];
  readiness: Readiness;
  log: Logger;
  metrics?: ControllerMetrics | undefined;
  /**
   * The IdentityProvider a request needs, the lane it waits in: lanes share the workers fairly, so that one slow
   * or throttled provider cannot hold them all (undefined: no lane).
   */
  laneOf?: ((r: Request) => string | undefined) | undefined;
  /** Whether a provider's requests must wait without a worker, and until when (see WorkQueue lanes). */
  blockedUntil?: ((provider: string) => Promise<unknown> | undefined) | undefined;
}

const NAME = 'privilegedrole';

/** A Controller reconciles everything a Source delivers until stopped. */
export class Controller {
  readonly queue: WorkQueue;
  /** Problems that keep a running controller from being ready (refused status writes). */
  readonly readiness: Readiness;
  private readonly inflight = new Set<Promise<void>>();
  private running = false;
  private synced = false;
  private abort = new AbortController();
  private workersDone: Promise<void> | undefined;

  constructor(
    private readonly parts: ControllerParts,
    private readonly options: ControllerOptions,
  ) {
    const metrics = parts.metrics;
    const labels = { name: NAME, controller: NAME };
    this.readiness = parts.readiness;
    const { laneOf, blockedUntil } = parts;
    this.queue = new WorkQueue(
      options.backoff ?? { baseMs: 1000, maxMs: 60_000 },
      {
        onAdd: () => metrics?.queueAdds.inc(labels),
        onRetry: () => metrics?.queueRetries.inc(labels),
        onDepth: (d) => metrics?.queueDepth.set({ ...labels, priority: '' }, d),
        onQueueLatency: (s) => metrics?.queueLatency.observe(labels, s),
      },
      laneOf
        ? {
            workers: options.workers,
            laneOf: (id) => laneOf(parseRequestId(id as RequestId)),
            ...(blockedUntil ? { blockedUntil } : {}),
          }
        : undefined,
    );
    metrics?.maxConcurrent.set({ controller: NAME }, options.workers);
    metrics?.trackInProgress(labels, () => this.queue.processingAges());
    // Exported from the start, as controller-runtime does: a dashboard shows 0, not "no data".
    metrics?.reconcileErrors.inc({ controller: NAME }, 0);
    metrics?.reconcilePanics.inc({ controller: NAME }, 0);
  }

  /** Whether the stores are synced, workers run, and nothing reported a problem (readiness). */
  get ready(): boolean {
    return this.notReady().length === 0;
  }

  /** Why the controller is not ready, one line per reason, for /readyz; empty when it is ready. */
  notReady(): string[] {
    if (!this.running) return ['the controller is not running'];
    const out = this.synced ? [] : ['waiting for the first list of objects (caches not synced)'];
    return [...out, ...this.readiness.describe()];
  }

  /** Enqueues a request. */
  enqueue(r: Request): void {
    this.queue.add(requestId(r));
  }

  /** Starts the source and the workers; resolves once the stores have synced. */
  async start(): Promise<void> {
    this.running = true;
    const { source, log } = this.parts;
    const signal = this.abort.signal;
    await source.start((kind, key) => this.enqueue({ kind, key }), signal);
    await source.waitForSync(signal);
    // stopped while the caches synced: no worker may start after stop()
    if (signal.aborted || !this.running) return;
    this.synced = true;
    for (const idp of source.providers.list())
      this.enqueue({ kind: 'IdentityProvider', key: objectKey(idp.metadata) });
    const workers = Array.from({ length: this.options.workers }, () => this.work(signal));
    this.workersDone = Promise.all(workers).then(() => undefined);
    log.info(
      {
        workers: this.options.workers,
        roles: source.roles.list().length,
        providers: source.providers.list().length,
      },
      'controller started',
    );
  }

  /**
   * Stops taking new requests and aborts the reconciles' signal at once: in-flight reads are abandoned and no new
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
    await this.parts.source.stop();
    this.parts.log.info('controller stopped');
  }

  /**
   * Waits until nothing is queued, in flight or waiting to be retried (one-shot runs, tests). Resyncs that are
   * merely scheduled do not count. Resolves false if the deadline passes first.
   */
  async idle(deadlineMs = Number.POSITIVE_INFINITY, pollMs = 20): Promise<boolean> {
    const end = Date.now() + deadlineMs;
    // Two quiet polls in a row: a finished reconcile may enqueue more (a provider resync maps to its roles).
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
      const id = (await this.queue.get()) as RequestId | undefined;
      if (id === undefined) return;
      const p = this.process(id, signal).finally(() => {
        this.inflight.delete(p);
        this.queue.done(id);
      });
      this.inflight.add(p);
      await p;
    }
  }

  private async process(id: RequestId, signal: AbortSignal): Promise<void> {
    const { metrics, log } = this.parts;
    const request = parseRequestId(id);
    const started = performance.now();
    metrics?.activeWorkers.inc({ controller: NAME });
    let result: Result;
    try {
      // every line logged by this reconcile carries one reconcileID, as controller-runtime's do
      result = await withReconcileID(randomUUID(), () =>
        this.parts.reconcilers[request.kind].reconcile(request.key, signal),
      );
    } catch (err) {
      if (isPanic(err)) metrics?.reconcilePanics.inc({ controller: NAME });
      // Conflicts and vanished objects are normal in a level-based loop, and so is a write cut short by a stop:
      // requeue without noise.
      if (!isStale(err) && !signal.aborted)
        log.error(
          {
            ...objectFields(request.kind, request.key),
            err: err instanceof Error ? { type: err.name, message: err.message } : String(err),
          },
          'reconcile failed',
        );
      result = retry(err instanceof Error ? err.message : String(err));
    } finally {
      metrics?.activeWorkers.dec({ controller: NAME });
      const secs = (performance.now() - started) / 1000;
      metrics?.reconcileTime.observe({ controller: NAME }, secs);
      metrics?.workDuration.observe({ name: NAME, controller: NAME }, secs);
    }
    for (const w of this.parts.watches)
      if (w.from === request.kind) for (const r of w.map(request.key)) this.enqueue(r);
    this.requeue(id, result);
  }

  private requeue(id: RequestId, result: Result): void {
    const metrics = this.parts.metrics;
    if (result.kind === 'retry') {
      metrics?.reconcileTotal.inc({ controller: NAME, result: 'error' });
      metrics?.reconcileErrors.inc({ controller: NAME });
      const delay = this.queue.addRateLimited(id, result.afterMs);
      this.parts.log.debug(
        {
          ...objectFields(parseRequestId(id).kind, parseRequestId(id).key),
          delayMs: delay,
          error: result.error,
        },
        'requeued with backoff',
      );
      return;
    }
    this.queue.forget(id);
    if (result.requeueAfterMs !== undefined) {
      const jittered = Math.round(
        result.requeueAfterMs * (1 + Math.random() * this.options.jitter),
      );
      this.queue.addAfter(id, jittered);
      metrics?.reconcileTotal.inc({ controller: NAME, result: 'requeue_after' });
    } else {
      metrics?.reconcileTotal.inc({ controller: NAME, result: 'success' });
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

/** What every mode (directory, Kubernetes) gives the controller. */
export interface ControllerDeps {
  registry: ProviderRegistry;
  status: StatusWriter;
  events: EventRecorder;
  /** Adds and removes rolegate's finalizer; without one (one-shot CLI runs) deletion policies are not acted on. */
  finalizers?: FinalizerWriter;
  log: Logger;
  options: {
    allowWeakening: boolean;
    /** for providers that set no resyncInterval */ defaultResyncMs: number;
  };
  metrics?: ControllerMetrics;
  now?: () => Date;
  /** The validation errors of an object; by default the checks of `rolegate validate`, once per generation. */
  problems?: (obj: PrivilegedRole | IdentityProvider) => string[];
  /** The identity providers rolegate knows (default: those it ships). */
  descriptors?: ProviderDescriptors;
}

/**
 * Builds a Controller over a source with its two reconcilers and the watch from providers to their roles: the one
 * assembly every mode uses.
 */
export function newController(
  source: Source,
  deps: ControllerDeps,
  options: ControllerOptions,
): { controller: Controller; reconciler: RoleReconciler; providers: ProviderReconciler } {
  const readiness = new Readiness();
  deps.metrics?.trackProviderTotals(() =>
    deps.registry.built().map((s) => ({ name: s.name, totals: s.client.stats?.() })),
  );
  const descriptors = deps.descriptors ?? PROVIDERS;
  const validation = new ValidationCache(descriptors.descriptors);
  const problems =
    deps.problems ??
    ((obj: PrivilegedRole | IdentityProvider): string[] =>
      validation.errors(obj).map((p) => `${p.pointer || '/'}: ${p.message}`));
  const status = new StatusReporter({
    writer: deps.status,
    events: deps.events,
    log: deps.log,
    readiness,
    metrics: deps.metrics,
  });
  const common = {
    roles: source.roles,
    providers: source.providers,
    registry: deps.registry,
    status,
    problems,
    descriptors,
    forget: (kind: string, key: string) => validation.forget(kind, key),
    log: deps.log,
    metrics: deps.metrics,
    ...(deps.now ? { now: deps.now } : {}),
  };
  const reconciler = new RoleReconciler({
    ...common,
    events: deps.events,
    finalizers: deps.finalizers,
    sourceProblem: source.sourceProblem
      ? (key: string) => source.sourceProblem?.('PrivilegedRole', key)
      : undefined,
    options: { allowWeakening: deps.options.allowWeakening },
  });
  const providers = new ProviderReconciler({
    ...common,
    defaultResyncMs: deps.options.defaultResyncMs,
  });
  const watches: Watch[] = [
    {
      from: 'IdentityProvider',
      map: (name) =>
        rolesOf(source.roles, name).map((r) => ({
          kind: 'PrivilegedRole',
          key: objectKey(r.metadata),
        })),
    },
  ];
  const controller = new Controller(
    {
      source,
      reconcilers: { PrivilegedRole: reconciler, IdentityProvider: providers },
      watches,
      readiness,
      log: deps.log,
      metrics: deps.metrics,
      laneOf: (r) =>
        r.kind === 'IdentityProvider'
          ? r.key
          : (source.roles.get(r.key)?.spec?.providerRef?.name ?? undefined),
      blockedUntil: (provider) => deps.registry.blockedUntil(provider),
    },
    options,
  );
  return { controller, reconciler, providers };
}
