// Shared setup of the Entra provider tests: a real Graph emulator on loopback and a provider that talks to it
// over HTTP with Emulator credentials and fast, deterministic retries.
import { afterEach } from 'vitest';
import {
  switchEnabled,
  useRequirement,
  type AuthenticationContextState,
  type LiveRole,
} from '../../../../src/api/observation.js';
import type { SetMfaAction } from '../../../../src/reconcile/action.js';
import {
  startGraphEmulator,
  type GraphEmulator,
  type GraphEmulatorOptions,
} from '../../../../src/emulator/graph/index.js';
import {
  createEntraProvider,
  type EntraProvider,
  type EntraProviderOptions,
} from '../../../../src/providers/entra/index.js';

const running: GraphEmulator[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

/** Starts an emulator that is closed after the test. */
export async function emulator(opts: GraphEmulatorOptions = {}): Promise<GraphEmulator> {
  const e = await startGraphEmulator(opts);
  running.push(e);
  return e;
}

/** A provider for the emulator: Emulator credentials, retries without real waiting beyond Retry-After. */
export function provider(e: GraphEmulator, opts: EntraProviderOptions = {}): EntraProvider {
  return createEntraProvider(
    { tenantId: e.tenantId, graphBaseUrl: e.url, credentials: { type: 'Emulator' } },
    { retry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 4 }, random: () => 0.5, ...opts },
  );
}

/**
 * The requirement a PIM policy gives eligible holders, as a LiveRole carries it: the MFA rule on activation (on
 * or off) and the authentication context, if one is enabled. For toMatchObject.
 */
export function pim(
  mfaRule: boolean,
  context?: AuthenticationContextState,
): Pick<LiveRole, 'requirements'> {
  return { requirements: [useRequirement('Eligible', 'ActivationRule', mfaRule, context)] };
}

/** The SetMfa action plan() would make to turn MFA on for a live role. */
export function requireMfa(role: LiveRole): SetMfaAction {
  return {
    kind: 'SetMfa',
    roleId: role.roleId,
    roleDisplayName: role.roleDisplayName,
    handle: role.handle,
    scope: role.scope,
    switchName: 'ActivationRule',
    enabled: true,
    before: switchEnabled(role) ? 'on' : 'off',
    after: 'on',
  };
}

/**
 * Graph (or ARM, for `/subscriptions/…` and `/providers/…` paths) requests with the default client's token for
 * that API, straight to the emulator (for emulator-level checks).
 */
export async function graphFetch(
  e: GraphEmulator,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: unknown }> {
  const arm = /^\/(subscriptions|providers)\//i.test(path);
  const res = await fetch(`${arm ? e.armUrl : e.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${arm ? e.armToken : e.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    json: text === '' ? undefined : (JSON.parse(text) as unknown),
  };
}
