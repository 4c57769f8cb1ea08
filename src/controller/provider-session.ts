// One identity provider as the controller uses it: a shared snapshot (so that reconciling N roles costs
// one paged read, not N) and coalesced writes (so that K corrections that happen together go out as
// batches instead of K requests).
import type { LiveRole, RoleLookup } from '../api/observation.js';
import type { Action } from '../reconcile/action.js';
import type {
  ActionResult,
  ProviderClient,
  ProviderSnapshot,
  RoleReference,
} from '../providers/types.js';

/** Options of a ProviderSession. */
export interface ProviderSessionOptions {
  /** How long writes wait for company before they are sent together. */
  batchWindowMs: number;
  /** Clock, for snapshot ages. */
  now?: () => number;
}

/**
 * A snapshot with verified writes laid over it, so that later reconciles see what was just written. A read that
 * was under way while a write went out may or may not show that write; the session lays such writes over the
 * snapshot that read returns too (see ProviderSession.snapshot).
 */
class OverlaySnapshot implements ProviderSnapshot {
  readonly overrides = new Map<string, LiveRole>();
  constructor(
    readonly base: ProviderSnapshot,
    readonly takenAt: number,
  ) {}
  get observedAt(): string {
    return this.base.observedAt;
  }
  resolve(ref: RoleReference, scope: string): RoleLookup {
    const found = this.base.resolve(ref, scope);
    if (found.kind !== 'Found') return found;
    const o = this.overrides.get(overlayKey(found.role));
    return o ? { kind: 'Found', role: o } : found;
  }
  roles(): readonly LiveRole[] {
    return this.base.roles().map((r) => this.overrides.get(overlayKey(r)) ?? r);
  }
}

const overlayKey = (r: { roleId: string; scope: string; clientId?: string | undefined }): string =>
  `${r.clientId ?? ''}|${r.roleId}|${r.scope}`.toLowerCase();

/** A verified write and when its answer came. */
interface Written {
  role: LiveRole;
  at: number;
}

interface Pending {
  actions: Action[];
  signal: AbortSignal | undefined;
  resolve: (r: ActionResult[]) => void;
  reject: (e: unknown) => void;
}

/** A ProviderSession wraps a ProviderClient with a shared snapshot and coalesced writes. */
export class ProviderSession {
  private current: OverlaySnapshot | undefined;
  private inflight: Promise<OverlaySnapshot> | undefined;
  private pending: Pending[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  /**
   * Verified writes that a read under way (or the next one) may not show: without them a snapshot read that
   * started before a write and ended after it would show the role as it was before, and the next reconcile would
   * find the drift it had just corrected and correct it again (no write, since the provider skips a rule already
   * as wanted, but a second DriftCorrected Event and correction count). Kept until a read that started after
   * them is installed.
   */
  private readonly written = new Map<string, Written>();

  constructor(
    readonly name: string,
    readonly client: ProviderClient,
    private readonly options: ProviderSessionOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** When the current snapshot was read (ms since epoch), if there is one. */
  get snapshotTakenAt(): number | undefined {
    return this.current?.takenAt;
  }

  /**
   * Returns a snapshot no older than maxAgeMs, reading a new one if needed. Concurrent callers share one
   * read, and callers content with the current snapshot keep getting it while a newer one is read. A read that
   * fails drops the current snapshot: nothing acts on what the provider could not confirm.
   */
  async snapshot(
    maxAgeMs = Number.POSITIVE_INFINITY,
    signal?: AbortSignal,
  ): Promise<ProviderSnapshot> {
    if (this.current && this.now() - this.current.takenAt <= maxAgeMs) return this.current;
    if (!this.inflight) {
      const started = this.now();
      this.inflight = this.client
        .snapshot(signal)
        .then(
          (s) => {
            const next = new OverlaySnapshot(s, started);
            for (const [key, w] of this.written) {
              if (w.at >= started) next.overrides.set(key, w.role);
              else this.written.delete(key); // written before this read started: the read shows it
            }
            this.current = next;
            return next;
          },
          (err: unknown) => {
            this.current = undefined;
            throw err;
          },
        )
        .finally(() => {
          this.inflight = undefined;
        });
    }
    return this.inflight;
  }

  /**
   * Whether reconciles that need this provider should wait without holding a worker, and until when (the
   * queue's lane block): while the provider's Retry-After gate is closed, since nothing may be sent to it, and
   * while a snapshot is being read with none to use meanwhile, since whoever started the read waits for it and
   * everyone else would only wait too. Undefined when they may run.
   */
  blockedUntil(): Promise<unknown> | undefined {
    const wait = this.client.throttledForMs?.() ?? 0;
    if (wait > 0)
      return new Promise((resolve) => {
        setTimeout(resolve, wait).unref();
      });
    if (!this.current && this.inflight) return this.inflight.catch(() => undefined);
    return undefined;
  }

  /** Forgets the snapshot so that the next reader fetches a new one. */
  invalidate(): void {
    this.current = undefined;
  }

  /**
   * Applies actions, sent together with those of other callers within the batch window. Actions whose `signal`
   * is aborted before their batch goes out are never sent: they fail with the signal's reason.
   */
  apply(actions: readonly Action[], signal?: AbortSignal): Promise<ActionResult[]> {
    if (actions.length === 0) return Promise.resolve([]);
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise((resolve, reject) => {
      this.pending.push({ actions: [...actions], signal, resolve, reject });
      this.flushTimer ??= setTimeout(() => void this.flush(), this.options.batchWindowMs);
    });
  }

  private async flush(): Promise<void> {
    this.flushTimer = undefined;
    const batch: Pending[] = [];
    for (const p of this.pending.splice(0)) {
      if (p.signal?.aborted) p.reject(p.signal.reason);
      else batch.push(p);
    }
    if (batch.length === 0) return;
    const all = batch.flatMap((p) => p.actions);
    // The callers' stop signal goes to the client when they share one (the controller's), so that a stop keeps
    // requests of the batch that were not sent yet from being sent.
    const signal = batch.every((p) => p.signal === batch[0]?.signal) ? batch[0]?.signal : undefined;
    try {
      const results = await this.client.apply(all, signal);
      const at = this.now();
      for (const r of results) {
        if (!r.ok) continue;
        const key = overlayKey(r.role);
        this.current?.overrides.set(key, r.role);
        if (this.inflight) this.written.set(key, { role: r.role, at });
      }
      let i = 0;
      for (const p of batch) {
        p.resolve(results.slice(i, i + p.actions.length));
        i += p.actions.length;
      }
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }

  /** Closes the client. */
  async close(): Promise<void> {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      await this.flush();
    }
    await this.client.close?.();
  }
}
