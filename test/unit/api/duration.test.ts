import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  MIN_INTERVAL_MS,
  parseDuration,
  parseInterval,
} from '../../../src/api/duration.js';

describe('parseDuration', () => {
  it.each([
    { text: '5m', want: 300_000, reason: 'minutes' },
    { text: '1h30m', want: 5_400_000, reason: 'compound, as Go writes it' },
    { text: '1.5s', want: 1500, reason: 'fractions' },
    { text: '250ms', want: 250, reason: 'milliseconds are not minutes' },
    { text: '5', want: undefined, reason: 'a unit is required' },
    { text: '5m junk', want: undefined, reason: 'trailing text is rejected' },
    { text: '', want: undefined, reason: 'empty is not a duration' },
    { text: '1d', want: undefined, reason: 'days are not a Go unit' },
  ])('$text: $reason', ({ text, want }) => {
    expect(parseDuration(text)).toBe(want);
  });
  it('formats what it parses', () => {
    for (const t of ['5m', '2h', '30s', '250ms']) expect(formatDuration(parseDuration(t)!)).toBe(t);
  });
});

describe('parseInterval', () => {
  it.each([
    { text: '5m', want: 300_000, reason: 'above the minimum: as written' },
    {
      text: '0s',
      want: MIN_INTERVAL_MS,
      reason: 'zero would be a tight loop: raised to the minimum',
    },
    { text: '1ms', want: MIN_INTERVAL_MS, reason: 'below the minimum: raised' },
    { text: 'often', want: undefined, reason: 'not a duration: left to the caller default' },
    { text: undefined, want: undefined, reason: 'absent' },
  ])('$text: $reason', ({ text, want }) => {
    expect(parseInterval(text)).toBe(want);
  });
});
