import { describe, expect, it } from 'vitest';
import { compareText } from '../../../src/api/compare-text.js';

describe('compareText', () => {
  it.each([
    { a: 'a', b: 'a', sign: 0, reason: 'equal strings' },
    { a: 'a', b: 'b', sign: -1, reason: 'code unit order' },
    { a: 'b', b: 'a', sign: 1, reason: 'antisymmetric' },
    { a: 'B', b: 'a', sign: -1, reason: 'upper case sorts before lower case, on every machine' },
    { a: 'ab', b: 'a', sign: 1, reason: 'a prefix sorts first' },
    { a: '', b: 'a', sign: -1, reason: 'the empty string sorts first' },
    { a: 'é', b: 'z', sign: 1, reason: 'no locale folding: é (U+00E9) is after z' },
    { a: 'role-10', b: 'role-9', sign: -1, reason: 'digits compare as text, not as numbers' },
  ])('$reason', ({ a, b, sign }) => {
    expect(Math.sign(compareText(a, b))).toBe(sign);
  });

  it('sorts the same as the < operator', () => {
    const words = ['Zeta', 'alpha', 'Éclair', 'beta', 'Alpha', '', 'ä'];
    const byOperator = [...words].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect([...words].sort(compareText)).toEqual(byOperator);
  });
});
