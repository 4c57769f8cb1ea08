// The shard flags: a selector makes a shard with a name of its own, which names its Lease and field manager; a
// bad selector or name is a usage error naming the flag.
import { describe, expect, it } from 'vitest';
import {
  livePeers,
  outrankingPeer,
  shardFieldManager,
  shardLeaseAnnotations,
  shardLeaseName,
  shardOf,
  type ShardLease,
} from '../../../src/sources/shard.js';

describe('shardOf', () => {
  it('is no shard without a selector: the whole estate, the Lease and field manager of today', () => {
    expect(shardOf(undefined, undefined)).toBeUndefined();
    expect(shardLeaseName('rolegate-controller', undefined)).toBe('rolegate-controller');
    expect(shardFieldManager(undefined)).toBe('rolegate');
  });

  it('names the Lease and field manager after --shard-name', () => {
    const s = shardOf('rolegate.io/shard=a', 'a');
    expect(s?.name).toBe('a');
    expect(shardLeaseName('rolegate-controller', s)).toBe('rolegate-controller-a');
    expect(shardFieldManager(s)).toBe('rolegate-a');
  });

  it('names an unnamed shard after its selector, the same for every replica given it', () => {
    const one = shardOf('rolegate.io/shard=a', undefined);
    const two = shardOf(' rolegate.io/shard=a ', undefined);
    const other = shardOf('rolegate.io/shard=b', undefined);
    expect(one?.name).toMatch(/^s[0-9a-f]{10}$/);
    expect(two?.name).toBe(one?.name);
    expect(other?.name).not.toBe(one?.name);
  });

  it.each([
    {
      reason: 'a name without a selector',
      selector: undefined,
      name: 'a',
      message: '--shard-name needs --watch-label-selector',
    },
    {
      reason: 'a selector that does not parse',
      selector: 'a=b c',
      name: undefined,
      message: '--watch-label-selector: label selector "a=b c"',
    },
    {
      reason: 'a name that cannot suffix a Lease',
      selector: 'a=b',
      name: 'Shard_A',
      message: '--shard-name Shard_A is not a shard name',
    },
    {
      reason: 'a name too long',
      selector: 'a=b',
      name: 'x'.repeat(31),
      message: 'is not a shard name',
    },
  ])('refuses $reason', ({ selector, name, message }) => {
    expect(() => shardOf(selector, name)).toThrow(message);
  });
});

describe('livePeers and outrankingPeer', () => {
  const now = Date.parse('2026-01-01T00:01:00Z');
  const self = shardOf('team=b', 'b')!;
  const lease = (
    name: string,
    selector: string,
    over: Partial<ShardLease['spec']> = {},
  ): ShardLease => ({
    metadata: { annotations: shardLeaseAnnotations(shardOf(selector, name)!) },
    spec: {
      holderIdentity: `${name}-0`,
      renewTime: '2026-01-01T00:00:55.000000Z',
      leaseDurationSeconds: 15,
      ...over,
    },
  });

  it.each([
    {
      reason: 'a held, recently renewed Lease is a live peer',
      leases: [lease('a', 'x=1')],
      live: ['a'],
    },
    { reason: "this shard's own Lease is not a peer", leases: [lease('b', 'team=b')], live: [] },
    {
      reason: 'a released Lease (no holder) is not live: that shard is gone',
      leases: [lease('a', 'x=1', { holderIdentity: '' })],
      live: [],
    },
    {
      reason:
        'a Lease not renewed for twice its duration is not live: every replica of that shard is down',
      leases: [lease('a', 'x=1', { renewTime: '2026-01-01T00:00:29.000000Z' })],
      live: [],
    },
    {
      reason: 'a Lease renewed within twice its duration is live (clocks may differ a little)',
      leases: [lease('a', 'x=1', { renewTime: '2026-01-01T00:00:31.000000Z' })],
      live: ['a'],
    },
    {
      reason:
        'a Lease without the shard annotations is not a shard (the unsharded controller, another app)',
      leases: [{ spec: { holderIdentity: 'x', renewTime: '2026-01-01T00:00:59.000000Z' } }],
      live: [],
    },
    {
      reason: 'peers are sorted by name',
      leases: [lease('c', 'x=1'), lease('a', 'x=2')],
      live: ['a', 'c'],
    },
  ])('$reason', ({ leases, live }) => {
    expect(livePeers(leases, self, now).map((p) => p.name)).toEqual(live);
  });

  it.each([
    {
      reason: 'a live peer named before this shard that selects the provider takes it',
      peers: [lease('a', 'team=b')],
      labels: { team: 'b' },
      taker: 'a',
    },
    {
      reason:
        'a peer named after this shard does not: this shard takes it, and the peer stands aside',
      peers: [lease('c', 'team=b')],
      labels: { team: 'b' },
      taker: undefined,
    },
    {
      reason: 'a peer whose selector does not match the provider is no conflict',
      peers: [lease('a', 'team=a')],
      labels: { team: 'b' },
      taker: undefined,
    },
    {
      reason: 'overlap through a different selector: set-based against equality',
      peers: [lease('a', 'team in (a, b)')],
      labels: { team: 'b' },
      taker: 'a',
    },
    {
      reason: 'of several that select it, the first by name takes it',
      peers: [lease('aa', 'team'), lease('a', 'team=b')],
      labels: { team: 'b' },
      taker: 'a',
    },
  ])('$reason', ({ peers, labels, taker }) => {
    expect(outrankingPeer(livePeers(peers, self, now), self, labels)?.name).toBe(taker);
  });
});
