// Leader election on a coordination.k8s.io/v1 Lease, with client-go's semantics (client-node has no helper):
// - Expiry is judged by this process's clock from the moment it last saw the Lease *change*, never from the
//   holder's renewTime, so clock skew between replicas does not matter.
// - Every write carries the resourceVersion that was read; a race is a 409, and the loser simply tries again.
// - A leader that cannot renew within renewDeadline (API server down, network split) steps down *before* the
//   lease can expire for the others (renewDeadline < leaseDuration), so two leaders never act at once.
// - release() empties holderIdentity so a waiting replica takes over at its next retry instead of waiting out
//   the lease.
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { KubeApiError, apiErrorMessage } from './api-error.js';
import type { KubeClient } from './client.js';
import { microTime } from './micro-time.js';
import { sleepUnlessAborted as sleep } from '../util/sleep.js';

/** The fields of a coordination.k8s.io/v1 Lease that leader election reads and writes. */
interface Lease {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    annotations?: Record<string, string>;
    [k: string]: unknown;
  };
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
    [k: string]: unknown;
  };
}

/** Options of a LeaderElector. */
export interface LeaderElectionOptions {
  /** Namespace and name of the Lease. */
  namespace: string;
  name: string;
  /** This replica's identity, unique among replicas (default: POD_NAME or host name, plus the pid). */
  identity?: string;
  /** How long a lease lasts without renewal (default 15 s). */
  leaseDurationSeconds?: number;
  /** How long the leader keeps trying to renew before it steps down (default 10 s; less than the lease). */
  renewDeadlineMs?: number;
  /** How often to try to acquire or renew (default 2 s). */
  retryPeriodMs?: number;
  /** Called when this replica becomes leader; `signal` aborts when leadership is lost or released. */
  onStartedLeading: (signal: AbortSignal) => void | Promise<void>;
  /** Called when this replica stops being leader (lost, released or shut down). */
  onStoppedLeading: () => void;
  /**
   * Release the lease when `run`'s signal aborts (default true). False leaves it to expire, as a crash would;
   * only tests want that.
   */
  releaseOnCancel?: boolean;
  /** Called whenever the observed holder changes (including to this replica). */
  onNewLeader?: (identity: string) => void;
  /**
   * Annotations the holder keeps on the Lease (set when it creates, acquires or renews it): what a shard tells
   * the other shards about itself.
   */
  annotations?: Record<string, string>;
  log?: Logger;
}

/** A LeaderElector competes for one Lease until its run signal aborts. */
export class LeaderElector {
  readonly identity: string;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly log: Logger | undefined;
  /** The Lease as last read or written, and when (local clock) it was last seen to change. */
  private observed: Lease | undefined;
  private observedAt = 0;
  private observedHolder = '';
  private leading: AbortController | undefined;

  constructor(
    private readonly client: KubeClient,
    private readonly options: LeaderElectionOptions,
  ) {
    this.identity = options.identity ?? `${process.env.POD_NAME ?? hostname()}_${process.pid}`;
    this.leaseDurationMs = (options.leaseDurationSeconds ?? 15) * 1000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    this.log = options.log?.child({
      lease: `${options.namespace}/${options.name}`,
      identity: this.identity,
    });
    if (this.renewDeadlineMs >= this.leaseDurationMs) {
      throw new Error(
        'renewDeadline must be shorter than the lease duration, or two replicas could lead at once',
      );
    }
  }

  /** True while this replica holds the lease and has renewed it within the renew deadline. */
  isLeader(): boolean {
    return this.leading !== undefined;
  }

  /** The holder last observed ('' when none). */
  leader(): string {
    return this.observedHolder;
  }

  /**
   * Competes for the lease until `signal` aborts: acquires, renews while leading, steps down when renewal fails
   * past the deadline, and competes again. On abort, a leader releases the lease. Never rejects.
   */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (!(await this.attempt())) {
        await sleep(this.untilNextAttempt(), signal);
        continue;
      }
      await this.lead(signal);
    }
    if (this.options.releaseOnCancel === false) this.stepDown('shut down');
    else await this.release();
  }

  /**
   * Gives the lease up now if this replica holds it, so another replica takes over at its next retry. Called by
   * `run` on shutdown; safe to call at any time.
   */
  async release(): Promise<void> {
    if (!this.leading) return;
    this.stepDown('released');
    const lease = this.observed;
    if (!lease?.spec || lease.spec.holderIdentity !== this.identity) return;
    const now = microTime();
    try {
      this.observed = await this.client.put<Lease>(this.path(), {
        ...lease,
        spec: {
          ...lease.spec,
          holderIdentity: '',
          leaseDurationSeconds: 1,
          renewTime: now,
          acquireTime: now,
        },
      });
      this.log?.info('released the lease');
    } catch (err) {
      // the others take over when the lease expires
      this.log?.warn({ err: apiErrorMessage(err) }, 'could not release the lease');
    }
  }

  /** Renews every retryPeriod while leading; returns once leadership ended. */
  private async lead(signal: AbortSignal): Promise<void> {
    const leading = new AbortController();
    this.leading = leading;
    this.log?.info('became leader');
    try {
      void Promise.resolve(this.options.onStartedLeading(leading.signal)).catch((err: unknown) =>
        this.log?.error({ err }, 'onStartedLeading failed'),
      );
    } catch (err) {
      this.log?.error({ err }, 'onStartedLeading failed');
    }
    let lastRenew = Date.now();
    while (!signal.aborted && !leading.signal.aborted) {
      await sleep(this.retryPeriodMs, signal);
      if (signal.aborted || leading.signal.aborted) break;
      const left = this.renewDeadlineMs - (Date.now() - lastRenew);
      // an unanswered request must not hold leadership past the deadline
      const renewed = left > 0 && (await withTimeout(this.attempt(), left, false));
      if (renewed) {
        lastRenew = Date.now();
      } else if (Date.now() - lastRenew >= this.renewDeadlineMs || !this.holdsObserved()) {
        this.stepDown(
          this.holdsObserved() ? 'renew deadline passed' : `lease taken by ${this.observedHolder}`,
        );
      }
    }
  }

  /**
   * The wait before the next acquire attempt: a retry period with jitter, but no later than the moment the
   * observed lease expires (by this process's clock), so that a standby takes over a dead leader's lease as soon
   * as it may rather than up to a retry period after.
   */
  private untilNextAttempt(): number {
    const retry = this.retryPeriodMs * (1 + Math.random() * 0.2);
    const spec = this.observed?.spec;
    if (!spec?.holderIdentity) return retry;
    const duration = (spec.leaseDurationSeconds ?? this.leaseDurationMs / 1000) * 1000;
    const expiresIn = this.observedAt + duration - Date.now();
    // a few milliseconds past the expiry, so that the attempt does not land just before it
    return expiresIn > 0 ? Math.min(retry, expiresIn + 5) : retry;
  }

  private holdsObserved(): boolean {
    return this.observed?.spec?.holderIdentity === this.identity;
  }

  private stepDown(why: string): void {
    const leading = this.leading;
    if (!leading) return;
    this.leading = undefined;
    this.log?.warn({ why }, 'stopped leading');
    leading.abort(new Error(`leadership lost: ${why}`));
    try {
      this.options.onStoppedLeading();
    } catch (err) {
      this.log?.error({ err }, 'onStoppedLeading failed');
    }
  }

  /** One acquire-or-renew attempt; true when this replica holds the lease afterwards. */
  private async attempt(): Promise<boolean> {
    const { namespace, name } = this.options;
    const leaseDurationSeconds = Math.round(this.leaseDurationMs / 1000);
    let current: Lease;
    try {
      current = await this.client.get<Lease>(this.path());
    } catch (err) {
      if (!(err instanceof KubeApiError && err.code === 404)) {
        this.log?.debug({ err: apiErrorMessage(err) }, 'could not read the lease');
        return false;
      }
      const now = microTime();
      try {
        const created = await this.client.post<Lease>(this.path(''), {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: {
            name,
            namespace,
            ...(this.options.annotations ? { annotations: this.options.annotations } : {}),
          },
          spec: {
            holderIdentity: this.identity,
            leaseDurationSeconds,
            acquireTime: now,
            renewTime: now,
            leaseTransitions: 0,
          },
        });
        this.observe(created);
        return true;
      } catch (createErr) {
        // 409: another replica created it first
        this.log?.debug({ err: apiErrorMessage(createErr) }, 'could not create the lease');
        return false;
      }
    }
    this.observe(current);
    const spec = current.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const duration = (spec.leaseDurationSeconds ?? leaseDurationSeconds) * 1000;
    if (holder !== '' && holder !== this.identity && Date.now() < this.observedAt + duration)
      return false;
    const now = microTime();
    const mine = holder === this.identity;
    try {
      const updated = await this.client.put<Lease>(this.path(), {
        // carries metadata.resourceVersion: the write fails with 409 if anybody wrote in between
        ...current,
        spec: {
          ...spec,
          holderIdentity: this.identity,
          leaseDurationSeconds,
          renewTime: now,
          acquireTime: mine && spec.acquireTime ? spec.acquireTime : now,
          leaseTransitions: (spec.leaseTransitions ?? 0) + (mine ? 0 : 1),
        },
      });
      this.observe(updated);
      return true;
    } catch (err) {
      this.log?.debug({ err: apiErrorMessage(err) }, 'could not update the lease');
      return false;
    }
  }

  /** The Lease's path, or with `name` '' its collection's. */
  private path(name: string = this.options.name): string {
    const base = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.options.namespace)}/leases`;
    return name ? `${base}/${encodeURIComponent(name)}` : base;
  }

  private observe(lease: Lease): void {
    if (lease.metadata?.resourceVersion !== this.observed?.metadata?.resourceVersion)
      this.observedAt = Date.now();
    this.observed = lease;
    const holder = lease.spec?.holderIdentity ?? '';
    if (holder !== this.observedHolder) {
      this.observedHolder = holder;
      if (holder !== '') this.options.onNewLeader?.(holder);
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      () => {
        clearTimeout(timer);
        resolve(fallback);
      },
    );
  });
}
