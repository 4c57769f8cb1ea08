// The IdentityProvider reconciler (the resync) and the watch that maps a provider to its roles, driven by fakes of
// rolegate's own interfaces.
import { describe, expect, it } from 'vitest';
import { ProviderConfigError, ProviderError } from '../../../src/providers/types.js';
import { GA, harness, liveRole, provider, role } from './fakes.js';

type H = ReturnType<typeof harness>;
const conditions = (h: H): string[] =>
  (h.source.providers.get('tenant')?.status?.conditions ?? []).map(
    (c) => `${c.type}=${c.status} ${c.reason}`,
  );

const cases: {
  name: string;
  reason: string;
  setup: (h: H) => void;
  invalid?: boolean;
  conditions: string[];
  result: string;
}[] = [
  {
    name: 'Observed',
    reason: 'a read snapshot: Ready, and the key comes back at the resync interval',
    setup: () => undefined,
    conditions: ['Ready=True CredentialsReady'],
    result: 'done after 60000',
  },
  {
    name: 'Unavailable',
    reason: 'an unavailable provider is Reconciling and retried with backoff',
    setup: (h) => (h.client.snapshotError = new ProviderError('Unavailable', 'HTTP 503')),
    conditions: ['Ready=False ProviderError', 'Reconciling=True ProgressingWithRetry'],
    result: 'retry',
  },
  {
    name: 'Timeout',
    reason: 'a provider that does not answer in time is Reconciling, with a reason that says so',
    setup: (h) =>
      (h.client.snapshotError = new ProviderError('Unavailable', 'no answer within 30s', {
        code: 'Timeout',
      })),
    conditions: ['Ready=False ProviderError', 'Reconciling=True ProgressingWithRetry'],
    result: 'retry',
  },
  {
    name: 'Credentials',
    reason: 'missing credentials stall until the Secret changes; the resync still comes back',
    setup: (h) => (h.client.snapshotError = new ProviderConfigError('Secret s has no key k')),
    conditions: ['Ready=False CredentialsMissing', 'Stalled=True CredentialsMissing'],
    result: 'done after 60000',
  },
  {
    name: 'Invalid',
    reason: 'schema errors: not used (no client is built), not Ready, Stalled with the error',
    setup: () => undefined,
    invalid: true,
    conditions: ['Ready=False InvalidSpec', 'Stalled=True InvalidSpec'],
    result: 'done',
  },
];

describe('ProviderReconciler', () => {
  it.each(cases)('$name: $reason', async (c) => {
    const h = harness({ invalid: c.invalid ? ['tenant'] : [] });
    h.source.providers.set('tenant', provider());
    c.setup(h);
    const r = await h.providers.reconcile('tenant');
    expect(
      r.kind === 'done' && r.requeueAfterMs !== undefined
        ? `done after ${r.requeueAfterMs}`
        : r.kind,
      c.reason,
    ).toBe(c.result);
    expect(conditions(h), c.reason).toEqual(c.conditions);
    if (c.invalid) expect(h.builds()).toBe(0);
  });

  it('lists the roles without MFA, marking those a PrivilegedRole declares', async () => {
    const h = harness();
    h.source.providers.set('tenant', provider());
    h.source.roles.set(
      'identity/ga',
      role('ga', { role: { displayName: 'Global Administrator' } }),
    );
    h.client.roles.set('other', liveRole({ roleId: 'other', roleDisplayName: 'Other' }));
    await h.providers.reconcile('tenant');
    expect(h.source.providers.get('tenant')?.status?.alerts).toEqual({
      rolesWithoutMfa: 2,
      roles: [
        { roleId: GA, roleDisplayName: 'Global Administrator', severity: 'medium', declared: true },
        { roleId: 'other', roleDisplayName: 'Other', severity: 'medium', declared: false },
      ],
    });
  });

  it('a deleted provider drops its session', async () => {
    const h = harness();
    h.source.providers.set('tenant', provider());
    await h.providers.reconcile('tenant');
    expect(await h.registry.peek('tenant')).toBeDefined();
    h.source.providers.delete('tenant');
    expect((await h.providers.reconcile('tenant')).kind).toBe('done');
    expect(await h.registry.peek('tenant')).toBeUndefined();
  });
});

describe('Controller watch: provider to roles', () => {
  it('a provider resync brings its roles back through the mapping, and only its own', async () => {
    const h = harness();
    // the source enqueues no role: roles are reached only through the provider's watch
    h.source.enqueueAtStart = [];
    h.source.providers.set('tenant', provider());
    h.source.roles.set('identity/ga', role('ga'));
    h.source.roles.set('identity/elsewhere', role('elsewhere', { providerRef: { name: 'other' } }));
    await h.controller.start();
    expect(await h.controller.idle(5000)).toBe(true);
    await h.controller.stop();
    expect(h.conditions('identity/ga')[0]).toBe('Ready=True InSync');
    expect(h.source.roles.get('identity/elsewhere')?.status).toBeUndefined();
    expect(h.controller.ready).toBe(false); // stopped
  });
});
