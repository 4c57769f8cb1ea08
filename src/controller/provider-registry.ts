// Keeps one ProviderSession per IdentityProvider, rebuilt when the IdentityProvider's spec changes.
import type { IdentityProvider } from '../api/v1alpha1/types.js';
import { canonical } from '../reconcile/status.js';
import {
  ProviderConfigError,
  type ProviderClient,
  type SecretResolver,
} from '../providers/types.js';
import { ProviderSession } from './provider-session.js';

export { ProviderConfigError };
export type { SecretKeyRef, SecretResolver } from '../providers/types.js';

/** Builds a ProviderClient for an IdentityProvider. */
export type ProviderFactory = (
  idp: IdentityProvider,
  secrets: SecretResolver,
) => Promise<ProviderClient>;

/** A ProviderRegistry hands out the session of an IdentityProvider, building it on first use. */
export class ProviderRegistry {
  private readonly sessions = new Map<
    string,
    { hash: string; session: Promise<ProviderSession>; built?: ProviderSession }
  >();

  constructor(
    private readonly factory: ProviderFactory,
    private readonly secrets: SecretResolver,
    private readonly batchWindowMs = 20,
  ) {}

  /** Returns the session for an IdentityProvider, rebuilding it if the spec changed since it was built. */
  session(idp: IdentityProvider): Promise<ProviderSession> {
    const hash = canonical(idp.spec);
    const existing = this.sessions.get(idp.metadata.name);
    if (existing && existing.hash === hash) return existing.session;
    if (existing) void existing.session.then((s) => s.close()).catch(() => undefined);
    const entry: { hash: string; session: Promise<ProviderSession>; built?: ProviderSession } = {
      hash,
      session: this.factory(idp, this.secrets).then((client) => {
        entry.built = new ProviderSession(idp.metadata.name, client, {
          batchWindowMs: this.batchWindowMs,
        });
        return entry.built;
      }),
    };
    const session = entry.session;
    // A failed build is not cached, so that a fixed Secret is picked up on the next try.
    session.catch(() => {
      if (this.sessions.get(idp.metadata.name)?.session === session)
        this.sessions.delete(idp.metadata.name);
    });
    this.sessions.set(idp.metadata.name, entry);
    return session;
  }

  /**
   * Whether the work of a provider should wait without a worker, and until when (see
   * {@link ProviderSession.blockedUntil}); undefined when it may run or its session is not built yet.
   */
  blockedUntil(name: string): Promise<unknown> | undefined {
    return this.sessions.get(name)?.built?.blockedUntil();
  }

  /** Every session built so far, for metrics read at scrape time. */
  built(): ProviderSession[] {
    return [...this.sessions.values()].flatMap((e) => (e.built ? [e.built] : []));
  }

  /** The session of a provider if it was built and is ready. */
  async peek(name: string): Promise<ProviderSession | undefined> {
    const e = this.sessions.get(name);
    if (!e) return undefined;
    return e.session.catch(() => undefined);
  }

  /** Drops the session of a deleted IdentityProvider. */
  async remove(name: string): Promise<void> {
    const e = this.sessions.get(name);
    this.sessions.delete(name);
    if (e) await e.session.then((s) => s.close()).catch(() => undefined);
  }

  /** Closes every session. */
  async close(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((n) => this.remove(n)));
  }
}
