// A shard: the IdentityProviders a label selector picks, and the PrivilegedRoles whose providerRef names one of
// them. Several controllers, each with its own selector and Lease, split an estate between them the way Flux's
// controllers split theirs with --watch-label-selector; what a shard owns only it writes.
import { createHash } from 'node:crypto';
import { compareText } from '../api/compare-text.js';
import {
  matchesLabels,
  parseLabelSelector,
  type LabelRequirement,
} from '../kube/label-selector.js';

/** One shard of the estate. */
export interface Shard {
  /** Names the shard in logs, metrics, its Lease and its field manager. */
  name: string;
  /** The label selector of the shard's IdentityProviders, as given. */
  selector: string;
  /** The selector, parsed. */
  requirements: LabelRequirement[];
}

/** A shard name: a DNS label short enough to suffix a Lease, a Deployment and a field manager with. */
const SHARD_NAME = /^[a-z0-9]([-a-z0-9]{0,28}[a-z0-9])?$/;

/**
 * The shard of `--watch-label-selector` and `--shard-name`; undefined (the whole estate) without a selector.
 * Without a name, the shard is named after a hash of its selector, so replicas given the same selector share one
 * Lease. Throws a usage error naming the flag.
 */
export function shardOf(selector: string | undefined, name: string | undefined): Shard | undefined {
  if (selector === undefined) {
    if (name !== undefined)
      throw new Error('--shard-name needs --watch-label-selector: a shard is a label selector');
    return undefined;
  }
  let requirements: LabelRequirement[];
  try {
    requirements = parseLabelSelector(selector);
  } catch (err) {
    throw new Error(`--watch-label-selector: ${(err as Error).message}`);
  }
  const shardName =
    name ?? `s${createHash('sha256').update(selector.trim()).digest('hex').slice(0, 10)}`;
  if (!SHARD_NAME.test(shardName))
    throw new Error(
      `--shard-name ${shardName} is not a shard name: 1-30 lowercase letters, digits or '-', alphanumeric at both ends`,
    );
  return { name: shardName, selector: selector.trim(), requirements };
}

/** The Lease of a shard's leader election: `<base>-<shard>`, so each shard elects its own leader. */
export function shardLeaseName(base: string, shard: Shard | undefined): string {
  return shard ? `${base}-${shard.name}` : base;
}

/**
 * The User-Agent, and so the field manager in managedFields, of what a shard writes: `rolegate-<shard>`, or
 * `rolegate` for an unsharded controller.
 */
export function shardFieldManager(shard: Shard | undefined): string {
  return shard ? `rolegate-${shard.name}` : 'rolegate';
}

/** The Lease annotation in which a shard's leader publishes its name. */
export const SHARD_NAME_ANNOTATION = 'rolegate.io/shard';
/** The Lease annotation in which a shard's leader publishes its `--watch-label-selector`. */
export const SHARD_SELECTOR_ANNOTATION = 'rolegate.io/watch-label-selector';

/** The reason of the Warning Event a shard records on an IdentityProvider that a live shard ranked before it takes. */
export const SHARD_CONFLICT_EVENT = 'ShardConflict';

/** What a shard's leader keeps on its Lease, so that the other shards can tell whether their selectors overlap. */
export function shardLeaseAnnotations(shard: Shard): Record<string, string> {
  return { [SHARD_NAME_ANNOTATION]: shard.name, [SHARD_SELECTOR_ANNOTATION]: shard.selector };
}

/** Another shard, as its Lease shows it. */
export interface PeerShard {
  name: string;
  selector: string;
  requirements: LabelRequirement[];
}

/** The fields of a Lease that say which shard holds it and whether that holder is live. */
export interface ShardLease {
  metadata?: { annotations?: Record<string, string> };
  spec?: { holderIdentity?: string; renewTime?: string; leaseDurationSeconds?: number };
}

/**
 * The other shards that are live: their Lease is held and was renewed within twice its duration (the holder's
 * clock wrote renewTime; twice the duration allows for clocks that differ by less than one). A Lease whose
 * selector does not parse is ignored. Sorted by name.
 */
export function livePeers(leases: readonly ShardLease[], self: Shard, now: number): PeerShard[] {
  const out: PeerShard[] = [];
  for (const l of leases) {
    const a = l.metadata?.annotations ?? {};
    const name = a[SHARD_NAME_ANNOTATION];
    const selector = a[SHARD_SELECTOR_ANNOTATION];
    if (name === undefined || selector === undefined || name === self.name) continue;
    if (!l.spec?.holderIdentity || !l.spec.renewTime) continue;
    const renewed = Date.parse(l.spec.renewTime);
    const durationMs = (l.spec.leaseDurationSeconds ?? 15) * 1000;
    if (!(now - renewed < 2 * durationMs)) continue;
    try {
      out.push({ name, selector, requirements: parseLabelSelector(selector) });
    } catch {
      // not a selector rolegate wrote; nothing to compare with
    }
  }
  return out.sort((x, y) => compareText(x.name, y.name));
}

/**
 * The live shard that takes an IdentityProvider this shard selects too, if there is one: of all the live shards
 * whose selector matches its labels, the one whose name sorts first. Every shard computes the same answer from
 * the same Leases without writing anything, so exactly one of them reconciles the provider; the others stand
 * aside and say so (ShardConflict). Undefined when this shard takes it.
 */
export function outrankingPeer(
  peers: readonly PeerShard[],
  self: Shard,
  labels: Readonly<Record<string, string>> | undefined,
): PeerShard | undefined {
  return peers.find((p) => p.name < self.name && matchesLabels(p.requirements, labels));
}
