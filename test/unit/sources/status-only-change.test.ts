import { describe, expect, it } from 'vitest';
import { isStatusOnlyChange } from '../../../src/sources/status-only-change.js';

const base = {
  apiVersion: 'rolegate.io/v1alpha1',
  kind: 'PrivilegedRole',
  metadata: {
    name: 'r',
    namespace: 'ns',
    uid: 'u1',
    generation: 1,
    resourceVersion: '10',
    annotations: { team: 'identity' },
    labels: { tier: '0' },
  },
  spec: { providerRef: { name: 'entra' }, role: { id: 'x' }, mfaRequired: true },
  status: { observedGeneration: 1 },
};

type Obj = Record<string, unknown> & {
  metadata: Record<string, unknown>;
  spec: { mfaRequired: boolean };
  status: unknown;
};
const edit = (f: (o: Obj) => void): Obj => {
  const o = structuredClone(base) as Obj;
  f(o);
  return o;
};

describe('isStatusOnlyChange', () => {
  it.each([
    {
      after: edit((o) => {
        o.status = { observedGeneration: 1, conditions: [] };
        o.metadata.resourceVersion = '11';
      }),
      only: true,
      reason: 'the echo of a status write: status and resourceVersion',
    },
    {
      after: edit((o) => {
        o.metadata.resourceVersion = '11';
        o.metadata.managedFields = [{ manager: 'rolegate' }];
      }),
      only: true,
      reason: 'managedFields are bookkeeping',
    },
    { after: edit(() => undefined), only: true, reason: 'nothing changed (a relist)' },
    {
      after: edit((o) => {
        o.spec.mfaRequired = false;
        o.metadata.generation = 2;
      }),
      only: false,
      reason: 'a spec change',
    },
    {
      after: edit((o) => {
        o.metadata.annotations = { team: 'identity', 'rolegate.io/paused': 'true' };
      }),
      only: false,
      reason: 'an annotation (pause) changes no generation but matters',
    },
    {
      after: edit((o) => {
        o.metadata.labels = { tier: '1' };
      }),
      only: false,
      reason: 'a label change',
    },
    {
      after: edit((o) => {
        o.metadata.finalizers = ['rolegate.io/reset-to-default'];
      }),
      only: false,
      reason: 'a finalizer was added',
    },
    {
      after: edit((o) => {
        o.metadata.deletionTimestamp = '2026-11-28T00:00:00Z';
      }),
      only: false,
      reason: 'the object is being deleted',
    },
    {
      after: edit((o) => {
        o.metadata.uid = 'u2';
      }),
      only: false,
      reason: 'a new object under the same name',
    },
    {
      after: edit((o) => {
        o.extra = { x: 1 };
      }),
      only: false,
      reason: 'an unknown top-level field appeared',
    },
  ])('$reason', ({ after, only }) => {
    expect(isStatusOnlyChange(base, after)).toBe(only);
  });
});
