// Leader election against a real API server: one leader at a time, takeover after the lease expires when the
// leader vanishes, immediate takeover after a release, and a leader that steps down when it cannot renew.
import { CoordinationV1Api } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { LeaderElector } from '../../../src/kube/leader-election.js';
import {
  eventually,
  kubeClient,
  kubeConfig,
  startApiServer,
  stopApiServer,
  uniqueNamespace,
} from '../../harness/kube-client.js';

interface Replica {
  elector: LeaderElector;
  stop: AbortController;
  running: Promise<void>;
  started: number;
  stopped: number;
}

const replicas: Replica[] = [];
afterEach(async () => {
  for (const r of replicas.splice(0)) {
    r.stop.abort();
    await r.running;
  }
});

function replica(namespace: string, identity: string, releaseOnCancel = true): Replica {
  const r = { stop: new AbortController(), started: 0, stopped: 0 } as Replica;
  r.elector = new LeaderElector(kubeClient(), {
    namespace,
    name: 'rolegate-controller',
    identity,
    leaseDurationSeconds: 3,
    renewDeadlineMs: 2000,
    retryPeriodMs: 300,
    releaseOnCancel,
    onStartedLeading: () => void r.started++,
    onStoppedLeading: () => void r.stopped++,
  });
  r.running = r.elector.run(r.stop.signal);
  replicas.push(r);
  return r;
}

const leaders = (): string[] =>
  replicas.filter((r) => r.elector.isLeader()).map((r) => r.elector.identity);

describe('LeaderElector', () => {
  it('elects exactly one leader and records it in the Lease', async () => {
    const ns = await uniqueNamespace('lease');
    replica(ns, 'a');
    replica(ns, 'b');
    await eventually(() => expect(leaders()).toHaveLength(1), 10_000);
    // stays at one over several renewals
    for (let i = 0; i < 10; i++) {
      expect(leaders()).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 200));
    }
    const lease = await kubeConfig()
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ namespace: ns, name: 'rolegate-controller' });
    expect(lease.spec?.holderIdentity).toBe(leaders()[0]);
    expect(lease.spec?.leaseDurationSeconds).toBe(3);
    expect(lease.spec?.leaseTransitions).toBe(0);
  });

  it('takes over within the lease duration when the leader vanishes without releasing', async () => {
    const ns = await uniqueNamespace('lease');
    const a = replica(ns, 'a', false);
    await eventually(() => expect(a.elector.isLeader()).toBe(true), 10_000);
    const b = replica(ns, 'b');
    await new Promise((r) => setTimeout(r, 1000));
    expect(b.elector.isLeader()).toBe(false);
    a.stop.abort();
    await a.running;
    const gone = Date.now();
    await eventually(() => expect(b.elector.isLeader()).toBe(true), 10_000, 50);
    const took = Date.now() - gone;
    // lease (3 s) plus at most one retry period of slack
    expect(took).toBeLessThan(3000 + 300 * 1.2 + 500);
    const lease = await kubeConfig()
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ namespace: ns, name: 'rolegate-controller' });
    expect(lease.spec?.holderIdentity).toBe('b');
    expect(lease.spec?.leaseTransitions).toBe(1);
  });

  it('hands over at the next retry when the leader releases', async () => {
    const ns = await uniqueNamespace('lease');
    const a = replica(ns, 'a');
    await eventually(() => expect(a.elector.isLeader()).toBe(true), 10_000);
    const b = replica(ns, 'b');
    await new Promise((r) => setTimeout(r, 500));
    a.stop.abort();
    await a.running;
    expect(a.stopped).toBe(1);
    const released = Date.now();
    await eventually(() => expect(b.elector.isLeader()).toBe(true), 10_000, 20);
    expect(Date.now() - released).toBeLessThan(1500);
  });

  it('steps down within the renew deadline while the API server is away, and leads again after', async () => {
    const ns = await uniqueNamespace('lease');
    const a = replica(ns, 'a');
    await eventually(() => expect(a.elector.isLeader()).toBe(true), 10_000);
    await stopApiServer();
    const down = Date.now();
    try {
      await eventually(() => expect(a.elector.isLeader()).toBe(false), 10_000, 50);
      // renew deadline (2 s) plus one retry period; the stop itself takes part of that
      expect(Date.now() - down).toBeLessThan(2000 + 300 + 500);
      expect(a.stopped).toBe(1);
    } finally {
      await startApiServer();
    }
    await eventually(() => expect(a.elector.isLeader()).toBe(true), 20_000);
    expect(a.started).toBe(2);
  });
});
