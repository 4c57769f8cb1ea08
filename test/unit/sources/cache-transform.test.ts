import { describe, expect, it } from 'vitest';
import { LAST_APPLIED_ANNOTATION, stripForCache } from '../../../src/sources/cache-transform.js';
import {
  PAUSED_ANNOTATION,
  RECONCILE_INTERVAL_ANNOTATION,
  RESET_FINALIZER,
} from '../../../src/api/v1alpha1/types.js';

/** A PrivilegedRole as the API server sends it: every field the reconciler, status writer and events read. */
function served(): Record<string, unknown> {
  return {
    apiVersion: 'rolegate.io/v1alpha1',
    kind: 'PrivilegedRole',
    metadata: {
      name: 'global-administrator',
      namespace: 'identity',
      uid: '6f1c2a8e-0000-4000-8000-000000000001',
      resourceVersion: '4711',
      generation: 3,
      creationTimestamp: '2026-11-28T10:00:00Z',
      deletionTimestamp: '2026-11-28T11:00:00Z',
      finalizers: [RESET_FINALIZER],
      labels: { team: 'identity' },
      annotations: {
        [PAUSED_ANNOTATION]: 'false',
        [RECONCILE_INTERVAL_ANNOTATION]: '10m',
        [LAST_APPLIED_ANNOTATION]: '{"apiVersion":"rolegate.io/v1alpha1","kind":"PrivilegedRole"}',
      },
      ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'u' }],
      managedFields: [
        { manager: 'kubectl', operation: 'Apply', fieldsV1: { 'f:spec': {} } },
        { manager: 'rolegate', operation: 'Update', subresource: 'status', fieldsV1: {} },
      ],
    },
    spec: {
      providerRef: { name: 'contoso' },
      role: { id: '62e90394-69f5-4237-9190-012177145e10' },
      mfaRequired: true,
      enforcement: 'Enforce',
      deletionPolicy: 'ResetToDefault',
    },
    status: {
      observedGeneration: 3,
      conditions: [{ type: 'Ready', status: 'True', reason: 'InSync', message: 'ok' }],
      atProvider: { policyId: 'p', enabledRules: ['MultiFactorAuthentication'] },
    },
  };
}

/** What stripForCache must leave: the served object without managedFields and the last-applied annotation. */
function kept(): Record<string, unknown> {
  const o = served();
  const meta = o.metadata as Record<string, unknown>;
  delete meta.managedFields;
  delete (meta.annotations as Record<string, string>)[LAST_APPLIED_ANNOTATION];
  return o;
}

describe('stripForCache', () => {
  it.each([
    {
      reason:
        'managedFields and the last-applied copy are dropped; spec, status, finalizers, rolegate annotations, labels and every metadata field the reconciler, status writer and event recorder read are kept',
      input: served,
      want: kept,
    },
    {
      reason: 'an object without annotations gains none',
      input: () => {
        const o = served();
        delete (o.metadata as Record<string, unknown>).annotations;
        return o;
      },
      want: () => {
        const o = kept();
        delete (o.metadata as Record<string, unknown>).annotations;
        return o;
      },
    },
    {
      reason:
        'annotations that were only the last-applied copy stay an (empty) map, as the API would show it',
      input: () => {
        const o = served();
        (o.metadata as Record<string, unknown>).annotations = { [LAST_APPLIED_ANNOTATION]: '{}' };
        return o;
      },
      want: () => {
        const o = kept();
        (o.metadata as Record<string, unknown>).annotations = {};
        return o;
      },
    },
    {
      reason: 'an object without managedFields is left as it is',
      input: kept,
      want: kept,
    },
    {
      reason: 'a watch ERROR carries a Status without object metadata: passed through untouched',
      input: () => ({ kind: 'Status', code: 410, reason: 'Expired' }),
      want: () => ({ kind: 'Status', code: 410, reason: 'Expired' }),
    },
    {
      reason: 'a BOOKMARK carries only a resourceVersion: kept, since the informer resumes from it',
      input: () => ({ kind: 'PrivilegedRole', metadata: { resourceVersion: '99' } }),
      want: () => ({ kind: 'PrivilegedRole', metadata: { resourceVersion: '99' } }),
    },
  ])('$reason', ({ input, want }) => {
    const obj = input();
    expect(stripForCache(obj)).toEqual(want());
  });

  it('strips in place and returns the same object, so a cache never holds a second copy', () => {
    const obj = served();
    expect(stripForCache(obj)).toBe(obj);
    expect((obj.metadata as Record<string, unknown>).managedFields).toBeUndefined();
  });

  it.each([
    { reason: 'null (a missing watch object)', input: null },
    { reason: 'undefined', input: undefined },
    { reason: 'metadata: null', input: { metadata: null } },
  ])('tolerates $reason', ({ input }) => {
    expect(stripForCache(input)).toBe(input);
  });
});
