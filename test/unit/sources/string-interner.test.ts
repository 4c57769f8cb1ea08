import { describe, expect, it } from 'vitest';
import { StringInterner } from '../../../src/sources/string-interner.js';

// Sharing itself cannot be seen from JavaScript (=== compares strings by value), so these tests check what the
// table holds (its size) and that interning never changes a value.
describe('StringInterner', () => {
  it.each([
    {
      reason: 'one entry per distinct value, however often it occurs',
      value: { a: 'x', b: 'x', c: ['x', 'y'], d: { e: 'y' } },
      size: 2,
    },
    {
      reason: 'uid and resourceVersion are unique per object and are skipped',
      value: { metadata: { uid: 'u-1', resourceVersion: '42', namespace: 'identity' } },
      size: 1,
    },
    {
      reason: 'strings longer than maxLength are left alone',
      value: { message: 'm'.repeat(257), reason: 'Ok' },
      size: 1,
    },
    {
      reason: 'numbers, booleans and null are not strings',
      value: { generation: 3, mfaRequired: true, x: null, list: [1, false, null] },
      size: 0,
    },
    {
      reason: 'strings directly in arrays, and arrays of objects',
      value: {
        finalizers: ['rolegate.io/reset'],
        conditions: [{ type: 'Ready' }, { type: 'Ready' }],
      },
      size: 2,
    },
  ])('$reason', ({ value, size }) => {
    const interner = new StringInterner();
    const before = structuredClone(value);
    expect(interner.internAll(value)).toBe(value);
    expect(value).toEqual(before);
    expect(interner.size).toBe(size);
  });

  it('starts again empty when the table is full, and still returns equal strings', () => {
    const interner = new StringInterner({ maxEntries: 3 });
    for (const s of ['a', 'b', 'c']) expect(interner.intern(s)).toBe(s);
    expect(interner.size).toBe(3);
    expect(interner.intern('d')).toBe('d');
    expect(interner.size).toBe(1);
    expect(interner.intern('a')).toBe('a');
    expect(interner.size).toBe(2);
  });

  it('counts a value seen twice once', () => {
    const interner = new StringInterner();
    interner.intern(['PrivilegedRole'].join(''));
    interner.intern(['Privileged', 'Role'].join(''));
    expect(interner.size).toBe(1);
  });
});
