import { describe, expect, it } from 'vitest';
import { claimTarget, electOwners, type Claim } from '../../../src/reconcile/claims.js';

const t = claimTarget('emulator', '62E90394-69F5-4237-9190-012177145E10', '/');

const cases: { name: string; reason: string; claims: Claim[]; want: Record<string, string> }[] = [
  {
    name: 'Unique',
    reason: 'a single claim has no conflict',
    claims: [{ key: 'a/x', target: t, createdAt: '2026-01-01T00:00:00Z' }],
    want: {},
  },
  {
    name: 'OlderWins',
    reason: 'the older object wins regardless of key order',
    claims: [
      { key: 'a/new', target: t, createdAt: '2026-02-01T00:00:00Z' },
      { key: 'z/old', target: t, createdAt: '2026-01-01T00:00:00Z' },
    ],
    want: { 'a/new': 'z/old' },
  },
  {
    name: 'TieByKey',
    reason: 'same creation time: the smaller key wins, so the answer is stable',
    claims: [
      { key: 'b/y', target: t, createdAt: '2026-01-01T00:00:00Z' },
      { key: 'a/x', target: t, createdAt: '2026-01-01T00:00:00Z' },
    ],
    want: { 'b/y': 'a/x' },
  },
  {
    name: 'CaseInsensitiveTarget',
    reason: 'role ids differing only in case are the same role',
    claims: [
      { key: 'a/x', target: claimTarget('emulator', '62e90394-69f5-4237-9190-012177145e10', '/') },
      { key: 'b/y', target: t },
    ],
    want: { 'b/y': 'a/x' },
  },
  {
    name: 'DifferentScope',
    reason: 'the same role at another scope is another claim',
    claims: [
      { key: 'a/x', target: t },
      {
        key: 'b/y',
        target: claimTarget('emulator', '62e90394-69f5-4237-9190-012177145e10', '/subscriptions/1'),
      },
    ],
    want: {},
  },
];

describe('electOwners', () => {
  it.each(cases)('$name: $reason', (c) => {
    expect(Object.fromEntries(electOwners(c.claims)), c.reason).toEqual(c.want);
  });
});
