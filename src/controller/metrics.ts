// Prometheus metrics with controller-runtime's names and labels, so existing dashboards and alerts work, plus
// rolegate's own counters for drift and provider calls. One Registry per controller (no global state).
import client from 'prom-client';

const RECONCILE_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1,
  1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];
const QUEUE_BUCKETS = client.exponentialBuckets(1e-8, 10, 12);
// Identity provider calls: tens of milliseconds when healthy, tens of seconds when throttled or timing out.
const PROVIDER_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Labels of one work queue: controller-runtime names the queue after its controller. */
export interface QueueLabels {
  name: string;
  controller: string;
}

/** One finished request to an identity provider, as a provider client reports it. */
export interface ProviderRequestSample {
  /** What the call did: read, write, batch (a Graph $batch) or token. */
  operation: string;
  /** The HTTP status, or 0 when no response came (connection refused, reset, timeout). */
  status: number;
  seconds: number;
}

/** Receives every request a provider client sends (the client does not know its IdentityProvider's name). */
export type ProviderRequestObserver = (sample: ProviderRequestSample) => void;

/** The metrics a controller exports. */
export class ControllerMetrics {
  readonly registry = new client.Registry();
  readonly reconcileTotal;
  readonly reconcileErrors;
  readonly reconcilePanics;
  readonly reconcileTime;
  readonly maxConcurrent;
  readonly activeWorkers;
  readonly queueDepth;
  readonly queueAdds;
  readonly queueRetries;
  readonly queueLatency;
  readonly workDuration;
  readonly leader;
  readonly driftDetected;
  readonly driftCorrected;
  readonly writesRefused;
  readonly statusWrites;
  readonly rolesWithoutMfa;
  private readonly providerRequests;
  private readonly providerRequestDuration;
  /** Request counts already published, per provider and type: clients keep running totals. */
  private readonly published = new Map<string, number>();
  /** How long each key being processed has been processing (seconds), per queue; read at scrape time. */
  private readonly inProgress = new Map<string, { labels: QueueLabels; ages: () => number[] }>();

  constructor(withDefaults = true) {
    const r = [this.registry];
    if (withDefaults) client.collectDefaultMetrics({ register: this.registry });
    this.reconcileTotal = new client.Counter({
      name: 'controller_runtime_reconcile_total',
      help: 'Total number of reconciliations per controller',
      labelNames: ['controller', 'result'] as const,
      registers: r,
    });
    this.reconcileErrors = new client.Counter({
      name: 'controller_runtime_reconcile_errors_total',
      help: 'Total number of reconciliation errors per controller',
      labelNames: ['controller'] as const,
      registers: r,
    });
    this.reconcilePanics = new client.Counter({
      name: 'controller_runtime_reconcile_panics_total',
      help: 'Total number of reconciliation panics per controller',
      labelNames: ['controller'] as const,
      registers: r,
    });
    this.reconcileTime = new client.Histogram({
      name: 'controller_runtime_reconcile_time_seconds',
      help: 'Length of time per reconciliation per controller',
      labelNames: ['controller'] as const,
      buckets: RECONCILE_BUCKETS,
      registers: r,
    });
    this.maxConcurrent = new client.Gauge({
      name: 'controller_runtime_max_concurrent_reconciles',
      help: 'Maximum number of concurrent reconciles per controller',
      labelNames: ['controller'] as const,
      registers: r,
    });
    this.activeWorkers = new client.Gauge({
      name: 'controller_runtime_active_workers',
      help: 'Number of currently used workers per controller',
      labelNames: ['controller'] as const,
      registers: r,
    });
    this.queueDepth = new client.Gauge({
      name: 'workqueue_depth',
      help: 'Current depth of workqueue',
      labelNames: ['name', 'controller', 'priority'] as const,
      registers: r,
    });
    this.queueAdds = new client.Counter({
      name: 'workqueue_adds_total',
      help: 'Total number of adds handled by workqueue',
      labelNames: ['name', 'controller'] as const,
      registers: r,
    });
    this.queueRetries = new client.Counter({
      name: 'workqueue_retries_total',
      help: 'Total number of retries handled by workqueue',
      labelNames: ['name', 'controller'] as const,
      registers: r,
    });
    this.queueLatency = new client.Histogram({
      name: 'workqueue_queue_duration_seconds',
      help: 'How long in seconds an item stays in workqueue before being requested',
      labelNames: ['name', 'controller'] as const,
      buckets: QUEUE_BUCKETS,
      registers: r,
    });
    this.workDuration = new client.Histogram({
      name: 'workqueue_work_duration_seconds',
      help: 'How long in seconds processing an item from workqueue takes',
      labelNames: ['name', 'controller'] as const,
      buckets: QUEUE_BUCKETS,
      registers: r,
    });
    // Both are computed when scraped, from the keys in progress at that moment, as client-go does.
    const inProgress = this.inProgress;
    new client.Gauge({
      name: 'workqueue_unfinished_work_seconds',
      help:
        "How many seconds of work has been done that is in progress and hasn't been observed by work_duration. " +
        'Large values indicate stuck threads. One can deduce the number of stuck threads by observing the rate ' +
        'at which this increases.',
      labelNames: ['name', 'controller'] as const,
      registers: r,
      collect() {
        for (const q of inProgress.values())
          this.set(
            { ...q.labels },
            q.ages().reduce((a, b) => a + b, 0),
          );
      },
    });
    new client.Gauge({
      name: 'workqueue_longest_running_processor_seconds',
      help: 'How many seconds has the longest running processor for workqueue been running.',
      labelNames: ['name', 'controller'] as const,
      registers: r,
      collect() {
        for (const q of inProgress.values()) this.set({ ...q.labels }, Math.max(0, ...q.ages()));
      },
    });
    this.leader = new client.Gauge({
      name: 'leader_election_master_status',
      help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master',
      labelNames: ['name'] as const,
      registers: r,
    });
    this.driftDetected = new client.Counter({
      name: 'rolegate_drift_detected_total',
      help: 'Times a PrivilegedRole was found out of sync with its provider',
      labelNames: ['provider'] as const,
      registers: r,
    });
    this.driftCorrected = new client.Counter({
      name: 'rolegate_drift_corrected_total',
      help: 'Drift corrections written and verified',
      labelNames: ['provider'] as const,
      registers: r,
    });
    this.writesRefused = new client.Counter({
      name: 'rolegate_writes_refused_total',
      help: 'Corrections refused for safety (weakening MFA without --allow-weakening)',
      labelNames: ['provider'] as const,
      registers: r,
    });
    this.statusWrites = new client.Counter({
      name: 'rolegate_status_writes_total',
      help: 'Status writes, by kind',
      labelNames: ['kind'] as const,
      registers: r,
    });
    this.rolesWithoutMfa = new client.Gauge({
      name: 'rolegate_roles_without_mfa',
      help: 'Roles at an identity provider whose activation does not require MFA, as of its last resync',
      labelNames: ['provider'] as const,
      registers: r,
    });
    this.providerRequests = new client.Counter({
      name: 'rolegate_provider_requests_total',
      help: 'Requests sent to identity providers, by provider and type (read, write)',
      labelNames: ['provider', 'type'] as const,
      registers: r,
      // Read the clients' running totals at each scrape too: a provider's holder listing runs in the background
      // between reconciles, and its requests must not wait for the next reconcile to be counted.
      collect: () => {
        for (const { name, totals } of this.providerTotals?.() ?? [])
          if (totals) this.recordProviderRequests(name, totals);
      },
    });
    this.providerRequestDuration = new client.Histogram({
      name: 'rolegate_provider_request_duration_seconds',
      help: 'Duration of HTTP requests to identity providers, by provider, operation and status code (0: no response)',
      labelNames: ['provider', 'operation', 'code'] as const,
      buckets: PROVIDER_BUCKETS,
      registers: r,
    });
  }

  /** Where the provider clients' running totals are read at each scrape (see rolegate_provider_requests_total). */
  trackProviderTotals(
    fn: () => Iterable<{ name: string; totals: { reads: number; writes: number } | undefined }>,
  ): void {
    this.providerTotals = fn;
  }

  private providerTotals:
    | (() => Iterable<{ name: string; totals: { reads: number; writes: number } | undefined }>)
    | undefined;

  /**
   * Adds a provider client's running request totals to rolegate_provider_requests_total: only what was sent since
   * the last call counts. A total lower than the last one means a new client (rebuilt after a spec change).
   */
  recordProviderRequests(provider: string, totals: { reads: number; writes: number }): void {
    for (const [type, total] of [
      ['read', totals.reads],
      ['write', totals.writes],
    ] as const) {
      const key = `${provider}\u0000${type}`;
      const last = this.published.get(key) ?? 0;
      const delta = total >= last ? total - last : total;
      this.published.set(key, total);
      if (delta > 0) this.providerRequests.inc({ provider, type }, delta);
      else this.providerRequests.inc({ provider, type }, 0);
    }
  }

  /** An observer that records each request of the named provider in the duration histogram. */
  providerRequestObserver(provider: string): ProviderRequestObserver {
    return (s) =>
      this.providerRequestDuration.observe(
        { provider, operation: s.operation, code: String(s.status) },
        s.seconds,
      );
  }

  /** Forgets an IdentityProvider that was deleted, so that its series stop being exported. */
  forgetProvider(provider: string): void {
    this.rolesWithoutMfa.remove({ provider });
    for (const type of ['read', 'write']) this.published.delete(`${provider}\u0000${type}`);
  }

  /** Reports the keys a queue is processing, for the unfinished-work and longest-running gauges. */
  trackInProgress(labels: QueueLabels, ages: () => number[]): void {
    this.inProgress.set(`${labels.name}\u0000${labels.controller}`, { labels, ages });
  }
}
