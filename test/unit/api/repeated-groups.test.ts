import { describe, expect, it } from 'vitest';
import { repeatedGroups } from '../../../src/api/repeated-groups.js';

interface Item {
  key: string;
  n: number;
}
const item = (key: string, n: number): Item => ({ key, n });

describe('repeatedGroups', () => {
  it.each([
    { why: 'nothing in, nothing out', input: [], want: [] },
    { why: 'keys seen once are no group', input: [item('a', 1), item('b', 2)], want: [] },
    {
      why: 'a key seen twice is one group, in the order of its values',
      input: [item('a', 1), item('b', 2), item('a', 3)],
      want: [[1, 3]],
    },
    {
      why: 'groups come in the order their key first occurred, and take every later value',
      input: [item('b', 1), item('a', 2), item('a', 3), item('b', 4), item('b', 5)],
      want: [
        [1, 4, 5],
        [2, 3],
      ],
    },
  ])('$why', ({ input, want }) => {
    const groups = repeatedGroups(input, (i) => i.key);
    expect(groups.map((g) => g.map((i) => i.n))).toEqual(want);
  });

  it('takes any iterable, read once (a generator)', () => {
    function* gen(): Generator<Item> {
      yield item('x', 1);
      yield item('x', 2);
    }
    expect(repeatedGroups(gen(), (i) => i.key)).toEqual([[item('x', 1), item('x', 2)]]);
  });
});
