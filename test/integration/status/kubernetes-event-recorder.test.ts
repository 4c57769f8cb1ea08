// Events against a real API server: valid events.k8s.io/v1 Events, repeats folded into one series, and a
// per-object cap on new Events.
import { EventsV1Api, type EventsV1Event } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  KubernetesEventRecorder,
  REPORTING_CONTROLLER,
} from '../../../src/status/kubernetes-event-recorder.js';
import { kubeClient, kubeConfig, kubectl, uniqueNamespace } from '../../harness/kube-client.js';
import {
  createProvider,
  createRole,
  providerManifest,
  roleManifest,
} from '../../harness/rolegate-objects.js';
import { randomBytes } from 'node:crypto';

async function eventsIn(namespace: string, regarding: string): Promise<EventsV1Event[]> {
  const list = await kubeConfig().makeApiClient(EventsV1Api).listNamespacedEvent({ namespace });
  return list.items.filter((e) => e.regarding?.name === regarding);
}

describe('KubernetesEventRecorder', () => {
  it('creates an Event that names the object and the reporter', async () => {
    const kc = kubeConfig();
    const ns = await uniqueNamespace('events');
    const role = await createRole(kc, roleManifest(ns, 'r'));
    const rec = new KubernetesEventRecorder(kubeClient(), { reportingInstance: 'rolegate-0' });
    rec.record(role, {
      type: 'Warning',
      reason: 'DriftDetected',
      note: 'mfaRequired is false at the provider',
      action: 'Detect',
    });
    await rec.flush();
    const [ev, ...rest] = await eventsIn(ns, 'r');
    expect(rest).toEqual([]);
    expect(ev).toMatchObject({
      reason: 'DriftDetected',
      type: 'Warning',
      action: 'Detect',
      note: 'mfaRequired is false at the provider',
      reportingController: REPORTING_CONTROLLER,
      reportingInstance: 'rolegate-0',
      regarding: {
        kind: 'PrivilegedRole',
        apiVersion: 'rolegate.io/v1alpha1',
        namespace: ns,
        uid: role.metadata.uid,
        resourceVersion: role.metadata.resourceVersion,
      },
    });
    expect(ev?.series).toBeUndefined();
    // kubectl describe shows it (the legacy core/v1 view of the same Event)
    const { stdout } = await kubectl(['describe', 'privilegedrole', '-n', ns, 'r']);
    expect(stdout).toMatch(/Warning\s+DriftDetected\s+.*mfaRequired is false at the provider/);
  });

  it('folds identical events into one Event with a series count', async () => {
    const kc = kubeConfig();
    const ns = await uniqueNamespace('series');
    const role = await createRole(kc, roleManifest(ns, 'r'));
    const rec = new KubernetesEventRecorder(kubeClient(), { seriesFlushMs: 50 });
    const event = {
      type: 'Normal',
      reason: 'Enforced',
      note: 'MFA is required',
      action: 'Update',
    } as const;
    for (let i = 0; i < 10; i++) rec.record(role, event);
    await rec.flush();
    // a later repeat, after the series was sent, updates the same Event again
    await new Promise((r) => setTimeout(r, 100));
    rec.record(role, event);
    await rec.flush();
    rec.record(role, { ...event, note: 'a different note' });
    await rec.flush();
    const events = await eventsIn(ns, 'r');
    expect(events).toHaveLength(2);
    const series = events.find((e) => e.note === 'MFA is required');
    expect(series?.series?.count).toBe(11);
    expect(series?.series?.lastObservedTime).toBeDefined();
    expect(events.find((e) => e.note === 'a different note')?.series).toBeUndefined();
  });

  it('drops new events beyond the per-object burst', async () => {
    const kc = kubeConfig();
    const ns = await uniqueNamespace('spam');
    const role = await createRole(kc, roleManifest(ns, 'flapping'));
    const rec = new KubernetesEventRecorder(kubeClient(), { burst: 3, refillMs: 3_600_000 });
    for (let i = 0; i < 8; i++)
      rec.record(role, {
        type: 'Warning',
        reason: 'Flapping',
        note: `change ${i}`,
        action: 'Detect',
      });
    await rec.flush();
    expect(await eventsIn(ns, 'flapping')).toHaveLength(3);
    expect(rec.dropped).toBe(5);
  });

  it('puts events about cluster-scoped IdentityProviders in default', async () => {
    const kc = kubeConfig();
    const name = `idp-${randomBytes(3).toString('hex')}`;
    const idp = await createProvider(kc, providerManifest(name));
    const rec = new KubernetesEventRecorder(kubeClient());
    rec.record(idp, {
      type: 'Warning',
      reason: 'Unreachable',
      note: 'connection refused',
      action: 'Observe',
    });
    await rec.flush();
    const [ev] = await eventsIn('default', name);
    expect(ev?.regarding?.kind).toBe('IdentityProvider');
    expect(ev?.regarding?.namespace).toBeUndefined();
  });
});
