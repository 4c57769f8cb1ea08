import { describe, expect, it } from 'vitest';
import { jsonEqual } from '../../../src/api/json-equal.js';

describe('jsonEqual', () => {
  it.each([
    { a: 1, b: 1, same: true, reason: 'equal numbers' },
    { a: '1', b: 1, same: false, reason: 'a string is not a number' },
    { a: null, b: {}, same: false, reason: 'null is not an empty object' },
    { a: null, b: undefined, same: false, reason: 'null is a value, undefined is not' },
    { a: { x: 1, y: 2 }, b: { y: 2, x: 1 }, same: true, reason: 'key order does not count' },
    { a: { x: 1, y: undefined }, b: { x: 1 }, same: true, reason: 'an undefined key is absent' },
    { a: { x: 1 }, b: { x: 1, y: undefined }, same: true, reason: 'absent either way round' },
    { a: { x: 1 }, b: { x: 1, y: null }, same: false, reason: 'a null key is present' },
    { a: { x: 1 }, b: { y: 1 }, same: false, reason: 'same count, different keys' },
    { a: [1, 2], b: [2, 1], same: false, reason: 'array order counts' },
    { a: [1, 2], b: [1, 2, 3], same: false, reason: 'array length counts' },
    { a: [], b: {}, same: false, reason: 'an array is not an object' },
    { a: {}, b: [], same: false, reason: 'an object is not an array' },
    {
      a: { c: [{ type: 'Ready', status: 'True' }] },
      b: { c: [{ status: 'True', type: 'Ready' }] },
      same: true,
      reason: 'nested objects in arrays compare by value',
    },
    {
      a: { c: [{ type: 'Ready', status: 'True' }] },
      b: { c: [{ type: 'Ready', status: 'False' }] },
      same: false,
      reason: 'a nested difference',
    },
  ])('$reason', ({ a, b, same }) => {
    expect(jsonEqual(a, b)).toBe(same);
    // agrees with sorted-key JSON, which it replaced on the status path
    expect(jsonEqual(b, a)).toBe(same);
  });
});
