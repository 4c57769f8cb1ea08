// `rolegate run --optimize-for`: which V8 flags the controller sets before it starts, with `auto` resolved against
// V8's heap limit, checked with the other run flags so that a bad value is a usage error.
import { describe, expect, it } from 'vitest';
import { AUTO_MEMORY_HEAP_LIMIT_MIB, runSettings } from '../../../src/cli/run-settings.js';
import { base } from './run-options-fixture.js';

const MiB = 1024 * 1024;
const CHART_DEFAULT = 134 * MiB; // 256Mi limit: 128 MiB old generation plus the young one
const LARGE = 390 * MiB; // --max-old-space-size=384, as for 50,000 roles
const NO_LIMIT = 4144 * MiB; // V8's own limit on a large machine

describe('runSettings: --optimize-for', () => {
  it.each([
    {
      reason: 'memory: V8 optimizes for size, which NODE_OPTIONS cannot ask for',
      goal: 'memory',
      heap: LARGE,
      want: 'memory',
      flags: ['--optimize-for-size'],
    },
    {
      reason: "speed: V8's own defaults, no flag set",
      goal: 'speed',
      heap: CHART_DEFAULT,
      want: 'speed',
      flags: [],
    },
    {
      reason: "auto under the chart's default memory limit: a memory-bound pod",
      goal: 'auto',
      heap: CHART_DEFAULT,
      want: 'memory',
      flags: ['--optimize-for-size'],
    },
    {
      reason: 'auto at exactly the threshold: still memory',
      goal: 'auto',
      heap: AUTO_MEMORY_HEAP_LIMIT_MIB * MiB,
      want: 'memory',
      flags: ['--optimize-for-size'],
    },
    {
      reason: 'auto with a heap raised for a large estate: a tighter heap would only cost CPU',
      goal: 'auto',
      heap: LARGE,
      want: 'speed',
      flags: [],
    },
    {
      reason: "auto without a heap flag on a large machine (V8's own limit)",
      goal: 'auto',
      heap: NO_LIMIT,
      want: 'speed',
      flags: [],
    },
  ])('$reason', ({ goal, heap, want, flags }) => {
    const s = runSettings({ ...base, optimizeFor: goal }, heap);
    expect(s.optimizeFor).toBe(want);
    expect(s.v8Flags).toEqual(flags);
    expect(s.heapLimitMiB).toBe(Math.round(heap / MiB));
  });

  it('refuses any other goal, naming the flag', () => {
    expect(() => runSettings({ ...base, optimizeFor: 'size' })).toThrow(
      '--optimize-for size is none of auto, memory, speed',
    );
  });
});
