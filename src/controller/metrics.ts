// Prometheus metrics with controller-runtime's names and labels, so existing dashboards and alerts work, plus
// rolegate's own counters for drift and provider calls. One Registry per controller (no global state).
import client from 'prom-client';

const RECONCILE_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1,
  1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];
const QUEUE_BUCKETS = client.exponentialBuckets(1e-8, 10, 12);

/** The metrics a controller exports. */
export class ControllerMetrics {
  readonly registry = new client.Registry();
  readonly reconcileTotal;
  readonly reconcileErrors;
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
  readonly providerRequests;

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
    this.providerRequests = new client.Gauge({
      name: 'rolegate_provider_requests',
      help: 'Requests sent to identity providers since start, by provider and type (read, write)',
      labelNames: ['provider', 'type'] as const,
      registers: r,
    });
  }
}
