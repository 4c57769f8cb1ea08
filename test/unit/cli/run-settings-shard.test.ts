// `rolegate run --watch-label-selector/--shard-name`: checked with the other run flags before anything starts, so
// that a bad selector is a usage error and not a controller that lists forever against a refusing API server.
import { describe, expect, it } from 'vitest';
import { runSettings } from '../../../src/cli/run-settings.js';
import { base } from './run-options-fixture.js';

describe('runSettings: shards', () => {
  it.each([
    { reason: 'no selector: the whole estate', extra: {}, want: undefined },
    {
      reason: 'a selector and a name',
      extra: { watchLabelSelector: 'rolegate.io/shard=gold', shardName: 'gold' },
      want: 'gold',
    },
  ])('accepts $reason', ({ extra, want }) => {
    expect(runSettings({ ...base, ...extra }).shard?.name).toBe(want);
  });

  it.each([
    {
      reason: 'a selector in directory mode',
      extra: { kubernetes: false, dir: ['x'], watchLabelSelector: 'a=b' },
      message: '--watch-label-selector is for --kubernetes',
    },
    {
      reason: 'a selector that does not parse, naming the flag',
      extra: { watchLabelSelector: 'a in b' },
      message: '--watch-label-selector: label selector "a in b"',
    },
    {
      reason: 'a name without a selector',
      extra: { shardName: 'gold' },
      message: '--shard-name needs --watch-label-selector',
    },
  ])('refuses $reason', ({ extra, message }) => {
    expect(() => runSettings({ ...base, ...extra })).toThrow(message);
  });
});
