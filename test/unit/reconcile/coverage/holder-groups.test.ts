import { describe, expect, it } from 'vitest';
import type { CoverageFacts, Holding } from '../../../../src/api/coverage.js';
import { holderGroups } from '../../../../src/reconcile/coverage/holder-groups.js';
import { holding, user, viaGroup } from './fixtures.js';

interface Case {
  name: string;
  reason: string;
  holding: Holding;
  memberOf: CoverageFacts['memberOf'];
  want: string[];
}

const alice = user('alice');

const cases: Case[] = [
  {
    name: 'no groups',
    reason: 'a holder in no group is in no group',
    holding: holding(alice, 'Active'),
    memberOf: {},
    want: [],
  },
  {
    name: 'direct',
    reason: 'the groups memberOf lists for the holder',
    holding: holding(alice, 'Active'),
    memberOf: { 'u-alice': ['g-a', 'g-b'] },
    want: ['g-a', 'g-b'],
  },
  {
    name: 'nested',
    reason: 'a group of a group counts: Conditional Access evaluates nested membership',
    holding: holding(alice, 'Active'),
    memberOf: { 'u-alice': ['g-a'], 'g-a': ['g-parent'], 'g-parent': ['g-root'] },
    want: ['g-a', 'g-parent', 'g-root'],
  },
  {
    name: 'cycle',
    reason: 'a membership cycle ends',
    holding: holding(alice, 'Active'),
    memberOf: { 'u-alice': ['g-a'], 'g-a': ['g-b'], 'g-b': ['g-a'] },
    want: ['g-a', 'g-b'],
  },
  {
    name: 'via group',
    reason:
      "the group a role is held through is one of the holder's groups, and so are its parents",
    holding: holding(alice, 'GroupActive', { via: viaGroup('ops') }),
    memberOf: { 'g-ops': ['g-it'] },
    want: ['g-it', 'g-ops'],
  },
  {
    name: 'group principal',
    reason: 'a group holding the role is in itself: a policy naming it names its members',
    holding: holding({ id: 'G-Ops', type: 'Group', displayName: 'ops' }, 'Active'),
    memberOf: {},
    want: ['g-ops'],
  },
  {
    name: 'case',
    reason: 'ids are compared lower case',
    holding: holding(alice, 'Active'),
    memberOf: { 'u-alice': ['G-A'], 'g-a': ['G-B'] },
    want: ['g-a', 'g-b'],
  },
];

describe('holderGroups', () => {
  it.each(cases)('$name: $reason', (c) => {
    expect([...holderGroups(c.holding, c.memberOf)].sort()).toEqual(c.want);
  });
});
