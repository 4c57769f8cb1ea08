import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/sources/memory-store.js';

interface Obj {
  name: string;
  tags: string[];
}
const store = (): MemoryStore<Obj> => {
  const s = new MemoryStore<Obj>();
  s.set('a', { name: 'a', tags: ['x'] });
  s.addIndex('tag', (o) => o.tags);
  s.set('b', { name: 'b', tags: ['x', 'y'] });
  return s;
};
const names = (objs: Obj[]): string[] => objs.map((o) => o.name).sort();

describe('MemoryStore indexes', () => {
  it.each([
    {
      reason: 'objects present before the index was added are indexed',
      op: (_s: MemoryStore<Obj>) => undefined,
      tag: 'x',
      want: ['a', 'b'],
    },
    {
      reason: 'an update moves the object to its new index values',
      op: (s: MemoryStore<Obj>) => s.set('a', { name: 'a', tags: ['y'] }),
      tag: 'x',
      want: ['b'],
    },
    {
      reason: 'a delete removes the object from the index',
      op: (s: MemoryStore<Obj>) => void s.delete('b'),
      tag: 'y',
      want: [],
    },
    {
      reason: 'an unknown value gives nothing',
      op: (_s: MemoryStore<Obj>) => undefined,
      tag: 'z',
      want: [],
    },
  ])('$reason', ({ op, tag, want }) => {
    const s = store();
    op(s);
    expect(names(s.byIndex('tag', tag))).toEqual(want);
  });
});
