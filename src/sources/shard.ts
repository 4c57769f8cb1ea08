// A shard: the IdentityProviders a label selector picks, and the PrivilegedRoles whose providerRef names one of
// them. Several controllers, each with its own selector and Lease, split an estate between them the way Flux's
// controllers split theirs with --watch-label-selector; what a shard owns only it writes.
import { createHash } from 'node:crypto';
import { parseLabelSelector, type LabelRequirement } from '../kube/label-selector.js';

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
