// The shard flags: a selector makes a shard with a name of its own, which names its Lease and field manager; a
// bad selector or name is a usage error naming the flag.
import { describe, expect, it } from 'vitest';
import { shardFieldManager, shardLeaseName, shardOf } from '../../../src/sources/shard.js';

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
