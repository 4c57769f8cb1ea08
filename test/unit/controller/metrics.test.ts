// The metrics API the controller and the provider clients use: counters fed from running totals, the request
// observer, the panic classification, and the scrape-time work-queue gauges.
import { describe, expect, it } from 'vitest';
import { ControllerMetrics } from '../../../src/controller/metrics.js';
import { isPanic } from '../../../src/controller/controller.js';
import { WorkQueue } from '../../../src/controller/work-queue.js';
import { observeRequest } from '../../../src/providers/request-observer.js';

const value = async (m: ControllerMetrics, name: string, labels: Record<string, string>) => {
  const metric = (await m.registry.getMetricsAsJSON()).find((x) => x.name === name);
  const v = (metric?.values ?? []).find((x) =>
    Object.entries(labels).every(([k, l]) => (x.labels as Record<string, unknown>)[k] === l),
  );
  return v?.value;
};

describe('ControllerMetrics.recordProviderRequests', () => {
  it.each([
    {
      reason: 'running totals count once each: only the growth since the last report is added',
      totals: [
        { reads: 3, writes: 0 },
        { reads: 5, writes: 1 },
        { reads: 5, writes: 1 },
      ],
      want: { read: 5, write: 1 },
    },
    {
      reason: 'a total below the last one is a rebuilt client starting from zero: all of it is new',
      totals: [
        { reads: 10, writes: 2 },
        { reads: 4, writes: 0 },
      ],
      want: { read: 14, write: 2 },
    },
  ])('$reason', async ({ totals, want }) => {
    const m = new ControllerMetrics(false);
    for (const t of totals) m.recordProviderRequests('p', t);
    expect(
      await value(m, 'rolegate_provider_requests_total', { provider: 'p', type: 'read' }),
    ).toBe(want.read);
    expect(
      await value(m, 'rolegate_provider_requests_total', { provider: 'p', type: 'write' }),
    ).toBe(want.write);
  });
});

describe('the provider request observer', () => {
  it.each([
    {
      reason: 'an answered request is timed under its status code',
      send: () => Promise.resolve(new Response('{}', { status: 429 })),
      code: '429',
    },
    {
      reason:
        'a request that got no answer is timed under code 0, and its error still reaches the caller',
      send: () => Promise.reject(new Error('ECONNREFUSED')),
      code: '0',
    },
  ])('$reason', async ({ send, code }) => {
    const m = new ControllerMetrics(false);
    await observeRequest(m.providerRequestObserver('kc'), 'read', send).catch(() => undefined);
    const h = (await m.registry.getMetricsAsJSON()).find(
      (x) => x.name === 'rolegate_provider_request_duration_seconds',
    );
    const count = h?.values.find(
      (v) =>
        (v as { metricName?: string }).metricName ===
          'rolegate_provider_request_duration_seconds_count' &&
        v.labels.code === code &&
        v.labels.operation === 'read' &&
        v.labels.provider === 'kc',
    );
    expect(count?.value).toBe(1);
  });
});

describe('isPanic', () => {
  it.each([
    {
      reason: 'a TypeError is a bug (reading a property of undefined)',
      err: new TypeError('x'),
      want: true,
    },
    {
      reason: 'a RangeError is a bug (an index or size out of range)',
      err: new RangeError('x'),
      want: true,
    },
    {
      reason: 'a plain Error is an ordinary reconcile error (the API server refused)',
      err: new Error('x'),
      want: false,
    },
    { reason: 'a thrown non-Error is an ordinary reconcile error', err: 'conflict', want: false },
  ])('$reason', ({ err, want }) => expect(isPanic(err)).toBe(want));
});

describe('the work-queue gauges computed at scrape time', () => {
  it('report the unfinished work and the longest running key, and drop a key once done', async () => {
    const m = new ControllerMetrics(false);
    const q = new WorkQueue();
    const labels = { name: 'privilegedrole', controller: 'privilegedrole' };
    m.trackInProgress(labels, () => q.processingAges(Date.now() + 2000));
    q.add('a');
    q.add('b');
    await q.get();
    await q.get();
    // Two keys processing for (at least) 2 s each at the clock the probe uses.
    expect(await value(m, 'workqueue_unfinished_work_seconds', labels)).toBeGreaterThanOrEqual(4);
    expect(
      await value(m, 'workqueue_longest_running_processor_seconds', labels),
    ).toBeGreaterThanOrEqual(2);
    q.done('a');
    q.done('b');
    expect(await value(m, 'workqueue_unfinished_work_seconds', labels)).toBe(0);
    expect(await value(m, 'workqueue_longest_running_processor_seconds', labels)).toBe(0);
  });
});

describe('rolegate_roles_without_mfa', () => {
  it('is dropped with its provider, so a deleted IdentityProvider stops being exported', async () => {
    const m = new ControllerMetrics(false);
    m.rolesWithoutMfa.set({ provider: 'gone' }, 3);
    m.rolesWithoutMfa.set({ provider: 'kept' }, 1);
    m.forgetProvider('gone');
    expect(await value(m, 'rolegate_roles_without_mfa', { provider: 'gone' })).toBeUndefined();
    expect(await value(m, 'rolegate_roles_without_mfa', { provider: 'kept' })).toBe(1);
  });
});
