import { describe, expect, it } from 'vitest';
import { ProviderSession } from '../../../src/controller/provider-session.js';
import type { ProviderSnapshot } from '../../../src/providers/types.js';
import type { Action } from '../../../src/reconcile/action.js';
import { switchEnabled } from '../../../src/api/observation.js';
import { FakeClient, GA, liveRole } from './fakes.js';

/** A FakeClient whose snapshot reads wait for release(), and whose Retry-After gate is set by the test. */
class SlowClient extends FakeClient {
  throttledMs = 0;
  private releases: (() => void)[] = [];
  override snapshot(): Promise<ProviderSnapshot> {
    return new Promise<void>((r) => this.releases.push(r)).then(() => super.snapshot());
  }
  release(): void {
    for (const r of this.releases.splice(0)) r();
  }
  throttledForMs(): number {
    return this.throttledMs;
  }
}

const settled = async (p: Promise<unknown> | undefined): Promise<boolean> => {
  if (!p) return true;
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
};

describe('ProviderSession.blockedUntil', () => {
  it.each([
    {
      reason: 'a provider with a snapshot and an open gate is not blocked',
      setup: async (s: ProviderSession, c: SlowClient) => {
        const p = s.snapshot();
        c.release();
        await p;
      },
      blocked: false,
    },
    {
      reason: 'nothing read yet and no read under way: the first reconcile must start the read',
      setup: () => Promise.resolve(),
      blocked: false,
    },
    {
      reason: 'a first read under way blocks: every other reconcile would only wait for it',
      setup: (s: ProviderSession) => {
        void s.snapshot();
        return Promise.resolve();
      },
      blocked: true,
    },
    {
      reason: 'a newer read under way does not block: the current snapshot serves meanwhile',
      setup: async (s: ProviderSession, c: SlowClient) => {
        const p = s.snapshot();
        c.release();
        await p;
        void s.snapshot(-1);
      },
      blocked: false,
    },
    {
      reason: 'a closed Retry-After gate blocks: nothing may be sent to the provider',
      setup: (_s: ProviderSession, c: SlowClient) => {
        c.throttledMs = 60_000;
        return Promise.resolve();
      },
      blocked: true,
    },
  ])('$reason', async ({ setup, blocked }) => {
    const client = new SlowClient();
    const s = new ProviderSession('tenant', client, { batchWindowMs: 1 });
    await setup(s, client);
    const until = s.blockedUntil();
    expect(until !== undefined).toBe(blocked);
    client.release();
  });

  it('ends the block of a first read when the read ends, and of a gate when it opens', async () => {
    const client = new SlowClient();
    const s = new ProviderSession('tenant', client, { batchWindowMs: 1 });
    void s.snapshot();
    const reading = s.blockedUntil();
    expect(await settled(reading)).toBe(false);
    client.release();
    await reading;
    expect(s.blockedUntil()).toBeUndefined();
    client.throttledMs = 5;
    const gate = s.blockedUntil();
    expect(await settled(gate)).toBe(false);
    await gate; // resolves once the 5 ms pass
  });

  it('drops the current snapshot when a newer read fails: nothing acts on what could not be confirmed', async () => {
    const client = new FakeClient();
    const s = new ProviderSession('tenant', client, { batchWindowMs: 1 });
    await s.snapshot();
    expect(s.snapshotTakenAt).toBeDefined();
    client.snapshotError = new Error('unavailable');
    await expect(s.snapshot(-1)).rejects.toThrow('unavailable');
    expect(s.snapshotTakenAt).toBeUndefined();
  });
});

/** A FakeClient whose snapshot reads see the roles as they were when the read started, and answer on release(). */
class StaleReadClient extends FakeClient {
  private releases: (() => void)[] = [];
  override snapshot(): Promise<ProviderSnapshot> {
    const read = super.snapshot();
    return new Promise<void>((r) => this.releases.push(r)).then(() => read);
  }
  release(): void {
    for (const r of this.releases.splice(0)) r();
  }
}

const requireMfa: Action = {
  kind: 'SetMfa',
  roleId: GA,
  roleDisplayName: 'Global Administrator',
  handle: 'p1',
  scope: '/',
  switchName: 'ActivationRule',
  enabled: true,
  before: 'off',
  after: 'on',
};

/** Whether the snapshot shows MFA required on activation of Global Administrator. */
function mfaShown(s: ProviderSnapshot): boolean | undefined {
  const l = s.resolve({ id: GA }, '/');
  return l.kind === 'Found' ? switchEnabled(l.role) : undefined;
}

describe('ProviderSession writes and snapshot reads under way', () => {
  it('a read that started before a write shows the write: a reconcile must not find the drift it just corrected', async () => {
    const client = new StaleReadClient();
    const s = new ProviderSession('tenant', client, { batchWindowMs: 1 });
    const first = s.snapshot();
    client.release();
    expect(mfaShown(await first)).toBe(false);
    const newer = s.snapshot(-1); // a resync's read, started before the write
    const [result] = await s.apply([requireMfa]);
    expect(result?.ok).toBe(true);
    client.release();
    expect(mfaShown(await newer)).toBe(true);
  });

  it('a read that started after a write shows the provider as it is: drift made after the write is seen', async () => {
    const client = new StaleReadClient();
    const s = new ProviderSession('tenant', client, { batchWindowMs: 1 });
    const first = s.snapshot();
    client.release();
    await first;
    const during = s.snapshot(-1);
    await s.apply([requireMfa]);
    client.release();
    expect(mfaShown(await during)).toBe(true);
    client.roles.set(GA, liveRole()); // an administrator removes MFA again
    await new Promise((r) => setTimeout(r, 2)); // a later read starts in a later millisecond
    const after = s.snapshot(-1);
    client.release();
    expect(mfaShown(await after)).toBe(false);
  });
});
