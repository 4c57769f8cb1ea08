// The other shards of the estate, as their Leases show them: each shard's leader keeps its name and selector on
// its Lease (see shardLeaseAnnotations), and every shard lists the Leases of its namespace now and then to find
// the live ones. Two shards whose selectors both pick one IdentityProvider would both reconcile it; with the
// peers known, only the one whose name sorts first does (see outrankingPeer).
import type { Logger } from 'pino';
import { apiErrorMessage } from '../kube/api-error.js';
import type { KubeClient } from '../kube/client.js';
import { sleepUnlessAborted } from '../util/sleep.js';
import { livePeers, outrankingPeer, type PeerShard, type Shard, type ShardLease } from './shard.js';

/** Options of ShardPeers. */
export interface ShardPeersOptions {
  /** The namespace of the shards' Leases. */
  namespace: string;
  /** How often the Leases are listed. */
  intervalMs: number;
  log?: Logger;
  /** Called after a list that changed the live peers (names or selectors). */
  onChange?: () => void;
  now?: () => number;
}

/** ShardPeers keeps the live peers of one shard up to date. */
export class ShardPeers {
  private peers: PeerShard[] = [];
  private readonly stop = new AbortController();
  private loop: Promise<void> | undefined;
  private warned = false;
  private readonly now: () => number;

  constructor(
    private readonly client: KubeClient,
    readonly self: Shard,
    private readonly options: ShardPeersOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The live shard that takes an IdentityProvider with these labels instead of this one, if any. */
  outranking(labels: Readonly<Record<string, string>> | undefined): PeerShard | undefined {
    return outrankingPeer(this.peers, this.self, labels);
  }

  /** Lists the Leases once (so that the first reconciles know the peers), then again every interval. */
  async start(): Promise<void> {
    await this.poll();
    this.loop = (async () => {
      while (!this.stop.signal.aborted) {
        await sleepUnlessAborted(this.options.intervalMs, this.stop.signal);
        if (!this.stop.signal.aborted) await this.poll();
      }
    })();
  }

  /** Stops listing. */
  async close(): Promise<void> {
    this.stop.abort();
    await this.loop;
  }

  private async poll(): Promise<void> {
    let leases: ShardLease[];
    try {
      const list = await this.client.get<{ items?: ShardLease[] }>(
        `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.options.namespace)}/leases`,
        { signal: this.stop.signal },
      );
      leases = list.items ?? [];
      this.warned = false;
    } catch (err) {
      if (this.stop.signal.aborted) return;
      // Without the list the peers last seen stay: a shard that could not look does not take providers over.
      if (!this.warned)
        this.options.log?.warn(
          { err: apiErrorMessage(err), namespace: this.options.namespace },
          'could not list the Leases of the other shards: overlapping shard selectors go unnoticed until it can',
        );
      this.warned = true;
      return;
    }
    const next = livePeers(leases, this.self, this.now());
    const key = (ps: PeerShard[]): string => JSON.stringify(ps.map((p) => [p.name, p.selector]));
    const changed = key(next) !== key(this.peers);
    this.peers = next;
    if (changed) {
      this.options.log?.info(
        { peers: next.map((p) => ({ shard: p.name, selector: p.selector })) },
        'live shards',
      );
      this.options.onChange?.();
    }
  }
}
