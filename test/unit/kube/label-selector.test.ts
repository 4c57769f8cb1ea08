// Label selectors as the API server reads them: the shard a controller owns is one, so a typo must fail at start
// and the requirements must select what the API server selects.
import { describe, expect, it } from 'vitest';
import { matchesLabels, parseLabelSelector } from '../../../src/kube/label-selector.js';

describe('parseLabelSelector', () => {
  it.each([
    {
      reason: 'equality, the Flux-style shard key',
      selector: 'rolegate.io/shard=a',
      want: [{ key: 'rolegate.io/shard', op: 'in', values: ['a'] }],
    },
    {
      reason: 'double equals is equality too',
      selector: 'tier==gold',
      want: [{ key: 'tier', op: 'in', values: ['gold'] }],
    },
    {
      reason: 'inequality',
      selector: 'tier != gold',
      want: [{ key: 'tier', op: 'notin', values: ['gold'] }],
    },
    {
      reason: 'absence: the catch-all shard of everything unlabelled',
      selector: '!rolegate.io/shard',
      want: [{ key: 'rolegate.io/shard', op: 'notexists' }],
    },
    {
      reason: 'set-based requirements, commas inside parentheses do not split',
      selector: 'rolegate.io/shard in (a, b),env notin (dev),team',
      want: [
        { key: 'rolegate.io/shard', op: 'in', values: ['a', 'b'] },
        { key: 'env', op: 'notin', values: ['dev'] },
        { key: 'team', op: 'exists' },
      ],
    },
    {
      reason: 'numeric comparison',
      selector: 'weight>3',
      want: [{ key: 'weight', op: 'gt', value: 3 }],
    },
    {
      reason: 'an empty value is a value',
      selector: 'shard=',
      want: [{ key: 'shard', op: 'in', values: [''] }],
    },
  ])('reads $reason', ({ selector, want }) => {
    expect(parseLabelSelector(selector)).toEqual(want);
  });

  it.each([
    { reason: 'empty selects everything: no shard', selector: ' ', message: 'is empty' },
    { reason: 'a dangling comma', selector: 'a=b,', message: 'empty requirement' },
    { reason: 'a value with a space', selector: 'a=b c', message: 'not a requirement' },
    {
      reason: 'a key with an uppercase prefix',
      selector: 'Rolegate.IO/shard=a',
      message: 'DNS subdomain',
    },
    { reason: 'a value too long', selector: `a=${'x'.repeat(64)}`, message: 'not a label value' },
    { reason: 'a comparison with no number', selector: 'a>b', message: 'not an integer' },
  ])('refuses $reason', ({ selector, message }) => {
    expect(() => parseLabelSelector(selector)).toThrow(message);
  });
});

describe('matchesLabels', () => {
  it.each([
    {
      reason: 'equality holds',
      selector: 'rolegate.io/shard=a',
      labels: { 'rolegate.io/shard': 'a' },
      want: true,
    },
    {
      reason: 'another shard',
      selector: 'rolegate.io/shard=a',
      labels: { 'rolegate.io/shard': 'b' },
      want: false,
    },
    { reason: 'no labels at all', selector: 'rolegate.io/shard=a', labels: undefined, want: false },
    {
      reason: 'the catch-all takes the unlabelled',
      selector: '!rolegate.io/shard',
      labels: {},
      want: true,
    },
    {
      reason: 'the catch-all leaves the labelled',
      selector: '!rolegate.io/shard',
      labels: { 'rolegate.io/shard': 'a' },
      want: false,
    },
    {
      reason: '!= holds for a missing key, as in Kubernetes',
      selector: 'tier!=gold',
      labels: {},
      want: true,
    },
    {
      reason: 'every requirement must hold',
      selector: 'a=1,b in (2,3)',
      labels: { a: '1', b: '4' },
      want: false,
    },
    {
      reason: 'a number above the bound',
      selector: 'weight>3',
      labels: { weight: '10' },
      want: true,
    },
    {
      reason: 'a value that is no number fails a comparison',
      selector: 'weight<3',
      labels: { weight: 'x' },
      want: false,
    },
  ])('$reason', ({ selector, labels, want }) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(want);
  });
});
