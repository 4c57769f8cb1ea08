// Validation runs once per object generation, not on every reconcile; anything else that can change the verdict
// (labels, annotations, a recreated object) validates again.
import { describe, expect, it } from 'vitest';
import { ValidationCache } from '../../../src/controller/validation-cache.js';
import { PROVIDERS } from '../../../src/providers/registry.js';

type Meta = {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number | undefined;
  annotations?: Record<string, string>;
};

const role = (meta: Partial<Meta> = {}, mfaRequired: unknown = true) => ({
  apiVersion: 'rolegate.io/v1alpha1',
  kind: 'PrivilegedRole',
  metadata: { name: 'ga', namespace: 'identity', uid: 'u1', generation: 1, ...meta },
  spec: {
    providerRef: { name: 'emulator' },
    role: { displayName: 'Global Administrator' },
    mfaRequired,
  },
});

describe('ValidationCache', () => {
  it.each([
    {
      reason: 'the same generation again is answered from the cache',
      next: role(),
      validations: 1,
    },
    {
      reason: 'a new generation (the spec changed) validates again',
      next: role({ generation: 2 }, 'yes'),
      validations: 2,
      errors: 1,
    },
    {
      reason: 'an annotation change does not move the generation but can change the verdict',
      next: role({ annotations: { 'rolegate.io/reconcile-interval': 'soon' } }),
      validations: 2,
      errors: 1,
    },
    {
      reason: 'a recreated object (new uid) with the same name and generation validates again',
      next: role({ uid: 'u2' }),
      validations: 2,
    },
    {
      reason: 'an object without a generation cannot be told apart: validated every time',
      first: role({ generation: undefined }),
      next: role({ generation: undefined }),
      validations: 2,
    },
  ])('$reason', ({ first = role(), next, validations, errors = 0 }) => {
    const cache = new ValidationCache(PROVIDERS.descriptors);
    expect(cache.errors(first)).toEqual([]);
    expect(cache.errors(next)).toHaveLength(errors);
    expect(cache.validationCount).toBe(validations);
  });

  it('answers the same object instance again without validating or comparing', () => {
    const cache = new ValidationCache(PROVIDERS.descriptors);
    const obj = role({}, 'yes');
    const first = cache.problems(obj);
    expect(cache.problems(obj)).toBe(first);
    expect(cache.validationCount).toBe(1);
  });

  it('forgets a deleted object', () => {
    const cache = new ValidationCache(PROVIDERS.descriptors);
    cache.problems(role());
    cache.forget('PrivilegedRole', 'identity/ga');
    cache.problems(role());
    expect(cache.validationCount).toBe(2);
  });
});
