// Events in Kubernetes mode: events.k8s.io/v1 Events about PrivilegedRoles and IdentityProviders.
//
// A reconciler that runs every few minutes repeats itself, and a flapping role repeats itself fast. Two guards keep
// that from flooding the API server (and `kubectl describe`):
// - Series: the same (object uid, type, reason, action, note) within `seriesWindowMs` updates the existing Event's
//   `series.count` / `series.lastObservedTime` instead of creating another. Repeats are coalesced, so a burst
//   costs one PATCH per `seriesFlushMs`, not one per repeat.
// - Spam filter: each object has a token bucket (`burst` new Events, refilled one per `refillMs`) for Events that
//   are not repeats; beyond it they are dropped and counted.
import { hostname } from 'node:os';
import { KubeApiError, apiErrorMessage } from '../kube/api-error.js';
import type { KubeClient } from '../kube/client.js';
import { microTime } from '../kube/micro-time.js';
import type { Logger } from 'pino';
import { objectFields } from '../log.js';
import type { IdentityProvider, PrivilegedRole } from '../api/v1alpha1/types.js';
import type { EventRecorder, ObjectEvent } from './types.js';

/** The reportingController of every rolegate Event. */
export const REPORTING_CONTROLLER = 'rolegate.io/controller';

/** Options of a KubernetesEventRecorder. */
export interface KubernetesEventRecorderOptions {
  /** Who reports: the pod name (POD_NAME) or else the host name. At most 128 characters. */
  reportingInstance?: string;
  log?: Logger;
  /** How long a repeat still joins the existing series rather than starting a new Event (default 6 min). */
  seriesWindowMs?: number;
  /** How long repeats are gathered before the series is patched (default 10 s). */
  seriesFlushMs?: number;
  /** New Events per object before the spam filter drops them (default 25). */
  burst?: number;
  /** One more new Event per object per this many ms (default 5 min). */
  refillMs?: number;
}

interface Series {
  namespace: string;
  /** The Event's name once created. */
  name?: string;
  count: number;
  /** The count the API server has. */
  sentCount: number;
  firstSeen: number;
  lastSeen: number;
  flushTimer?: NodeJS.Timeout | undefined;
}

interface Bucket {
  tokens: number;
  updated: number;
}

/** The Event name suffix client-go uses: the time in hex nanoseconds, unique per reporter in practice. */
function nameSuffix(): string {
  return (BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n)).toString(16);
}

function eventsPath(namespace: string): string {
  return `/apis/events.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/events`;
}

/** How often expired series and full buckets are swept. */
const PRUNE_EVERY_MS = 1000;

/** A KubernetesEventRecorder writes deduplicated, rate-limited events.k8s.io/v1 Events. */
export class KubernetesEventRecorder implements EventRecorder {
  /** Events dropped by the spam filter, for metrics and tests. */
  dropped = 0;
  private readonly series = new Map<string, Series>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly reportingInstance: string;
  private readonly log: Logger | undefined;
  private readonly windowMs: number;
  private readonly flushMs: number;
  private readonly burst: number;
  private readonly refillMs: number;
  private lastPrune = 0;

  constructor(
    private readonly client: KubeClient,
    options: KubernetesEventRecorderOptions = {},
  ) {
    this.reportingInstance = (
      options.reportingInstance ??
      process.env.POD_NAME ??
      hostname()
    ).slice(0, 128);
    this.log = options.log;
    this.windowMs = options.seriesWindowMs ?? 6 * 60_000;
    this.flushMs = options.seriesFlushMs ?? 10_000;
    this.burst = options.burst ?? 25;
    this.refillMs = options.refillMs ?? 5 * 60_000;
  }

  /** Records an event; never throws and never blocks (sending failures are logged). */
  record(object: PrivilegedRole | IdentityProvider, event: ObjectEvent): void {
    const now = Date.now();
    this.prune(now);
    const uid =
      object.metadata.uid ??
      `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    const id = `${uid}|${event.type}|${event.reason}|${event.action}|${event.note}`;
    const existing = this.series.get(id);
    if (existing && now - existing.firstSeen < this.windowMs) {
      existing.count++;
      existing.lastSeen = now;
      // before the Event exists, the create in flight picks up the count when it finishes
      if (existing.name !== undefined && !existing.flushTimer) {
        existing.flushTimer = setTimeout(() => this.flushSeries(existing), this.flushMs);
        existing.flushTimer.unref();
      }
      return;
    }
    if (!this.take(uid, now)) {
      this.dropped++;
      this.log?.debug(
        { ...objectFields(object.kind, object.metadata), reason: event.reason },
        'event dropped by the per-object rate limit',
      );
      return;
    }
    const namespace = object.metadata.namespace || 'default';
    const s: Series = { namespace, count: 1, sentCount: 0, firstSeen: now, lastSeen: now };
    this.series.set(id, s);
    this.track(this.create(object, event, s));
  }

  /** Sends pending series updates now and waits until every send has finished. */
  async flush(): Promise<void> {
    for (const s of this.series.values()) {
      if (s.flushTimer) this.flushSeries(s);
    }
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private take(uid: string, now: number): boolean {
    const b = this.buckets.get(uid) ?? { tokens: this.burst, updated: now };
    b.tokens = Math.min(this.burst, b.tokens + (now - b.updated) / this.refillMs);
    b.updated = now;
    this.buckets.set(uid, b);
    if (b.tokens < 1) return false;
    b.tokens--;
    return true;
  }

  private prune(now: number): void {
    // a sweep visits every series and bucket: once per record it made a first convergence of N roles cost O(N²)
    // (seen in a CPU profile at 1,000 roles). Expired entries are harmless for a second: record() checks the
    // series window itself, and an expired bucket is as full as a missing one.
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    for (const [id, s] of this.series) {
      if (now - s.firstSeen >= this.windowMs && !s.flushTimer) this.series.delete(id);
    }
    for (const [uid, b] of this.buckets) {
      if (b.tokens + (now - b.updated) / this.refillMs >= this.burst) this.buckets.delete(uid);
    }
  }

  private async create(
    object: PrivilegedRole | IdentityProvider,
    event: ObjectEvent,
    s: Series,
  ): Promise<void> {
    const m = object.metadata;
    const regarding: Record<string, string> = {
      apiVersion: object.apiVersion,
      kind: object.kind,
      name: m.name,
    };
    if (m.namespace) regarding.namespace = m.namespace;
    if (m.uid) regarding.uid = m.uid;
    if (m.resourceVersion) regarding.resourceVersion = m.resourceVersion;
    const name = `${m.name}.${nameSuffix()}`;
    try {
      await this.client.post(eventsPath(s.namespace), {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name, namespace: s.namespace },
        eventTime: microTime(s.firstSeen),
        reportingController: REPORTING_CONTROLLER,
        reportingInstance: this.reportingInstance,
        action: event.action.slice(0, 128),
        reason: event.reason.slice(0, 128),
        type: event.type,
        note: event.note.length > 1024 ? `${event.note.slice(0, 1021)}...` : event.note,
        regarding,
      });
      s.name = name;
      s.sentCount = 1;
      // repeats that arrived while the create was in flight
      if (s.count > 1) this.flushSeries(s);
    } catch (err) {
      this.log?.warn(
        { err: apiErrorMessage(err), ...objectFields(object.kind, m), reason: event.reason },
        'could not create Event',
      );
    }
  }

  private flushSeries(s: Series): void {
    if (s.flushTimer) clearTimeout(s.flushTimer);
    // Cleared, not deleted: a deleted property turns the series object into a slower, larger hash table.
    s.flushTimer = undefined;
    if (s.name === undefined || s.count === s.sentCount) return;
    this.track(this.patchSeries(s, s.name));
  }

  private async patchSeries(s: Series, name: string): Promise<void> {
    const count = s.count;
    try {
      await this.client.mergePatch(`${eventsPath(s.namespace)}/${encodeURIComponent(name)}`, {
        series: { count, lastObservedTime: microTime(s.lastSeen) },
      });
      s.sentCount = Math.max(s.sentCount, count);
    } catch (err) {
      // 404: the Event expired (the API server keeps them for --event-ttl, 1 h); the next repeat starts anew
      if (err instanceof KubeApiError && err.code === 404) s.firstSeen = 0;
      this.log?.warn({ err: apiErrorMessage(err), event: name }, 'could not update Event series');
    }
  }
}
