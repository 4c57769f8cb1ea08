import { describe, expect, it } from 'vitest';
import {
  canonicalBoolean,
  canonicalSet,
  isoDurationSeconds,
  sameEnum,
  sameIsoDuration,
  sameSet,
} from '../../../src/api/canonical.js';

describe('canonical comparison', () => {
  it.each([
    { a: 'PT8H', b: 'PT480M', same: true, reason: 'hours and minutes of the same length' },
    { a: 'P1D', b: 'PT24H', same: true, reason: 'a day is 24 hours' },
    { a: 'P365D', b: 'P1Y', same: true, reason: 'PIM writes a year as 365 days' },
    { a: 'PT8H', b: 'PT9H', same: false, reason: 'different lengths' },
    { a: 'pt30m', b: 'PT1800S', same: true, reason: 'lower case designators are accepted' },
    { a: 'P', b: 'P', same: false, reason: 'an empty duration is not a duration' },
    { a: 'PT', b: 'PT', same: false, reason: 'a T with nothing after it is not a duration' },
    { a: '8h', b: 'PT8H', same: false, reason: 'Go durations are not ISO-8601' },
  ])('durations $a vs $b: $reason', ({ a, b, same }) => {
    expect(sameIsoDuration(a, b)).toBe(same);
  });

  it('parses fractional seconds', () => {
    expect(isoDurationSeconds('PT1.5S')).toBe(1.5);
  });

  it.each([
    {
      a: 'all',
      b: 'All',
      same: true,
      reason: 'Graph returns lower case, clients send Pascal case',
    },
    { a: 'EndUser', b: 'enduser', same: true, reason: 'case never matters for enums' },
    { a: 'Admin', b: 'EndUser', same: false, reason: 'different values' },
  ])('enums $a vs $b: $reason', ({ a, b, same }) => {
    expect(sameEnum(a, b)).toBe(same);
  });

  it.each([
    { v: true, want: true, reason: 'a boolean is itself' },
    { v: 'true', want: true, reason: 'booleans sent as strings' },
    { v: 'False', want: false, reason: 'in any case' },
    { v: 'yes', want: undefined, reason: 'YAML 1.1 words are not booleans here' },
    { v: 1, want: undefined, reason: 'numbers are not booleans' },
  ])('boolean $v: $reason', ({ v, want }) => {
    expect(canonicalBoolean(v)).toBe(want);
  });

  it('treats rule lists as sets', () => {
    expect(
      sameSet(
        ['Justification', 'MultiFactorAuthentication'],
        ['multifactorauthentication', 'Justification', 'Justification'],
      ),
    ).toBe(true);
    expect(sameSet(['Justification'], ['Justification', 'Ticketing'])).toBe(false);
    expect(canonicalSet(['Ticketing', 'Justification', 'ticketing'])).toEqual([
      'Justification',
      'Ticketing',
    ]);
  });
});
