// `rolegate run --optimize-for`: which V8 flags the controller sets before it starts, checked with the other run
// flags so that a bad value is a usage error.
import { describe, expect, it } from 'vitest';
import { runSettings } from '../../../src/cli/run-settings.js';
import { base } from './run-options-fixture.js';

describe('runSettings: --optimize-for', () => {
  it.each([
    {
      reason: 'memory (the default): V8 optimizes for size, which NODE_OPTIONS cannot ask for',
      optimizeFor: 'memory',
      want: ['--optimize-for-size'],
    },
    { reason: "speed: V8's own defaults, no flag set", optimizeFor: 'speed', want: [] },
  ])('$reason', ({ optimizeFor, want }) => {
    expect(runSettings({ ...base, optimizeFor }).v8Flags).toEqual(want);
  });

  it('refuses any other goal, naming the flag', () => {
    expect(() => runSettings({ ...base, optimizeFor: 'size' })).toThrow(
      '--optimize-for size is neither memory nor speed',
    );
  });
});
