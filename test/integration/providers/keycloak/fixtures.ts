// Test fixtures against the real Keycloak the harness started: a realm per test file, roles, users with
// passwords, a public login client, rolegate's least-privilege service account, admin-side drift, and a
// browser login driven with plain HTTP form posts.
import { createHmac } from 'node:crypto';
import { inject } from 'vitest';
import { createServiceAccountClient } from '../../../../scripts/keycloak/server.mjs';
import {
  createKeycloakProvider,
  type KeycloakProvider,
} from '../../../../src/providers/keycloak/index.js';
import type { SetMfaAction } from '../../../../src/reconcile/action.js';
import { useRequirement, type LiveRole } from '../../../../src/api/observation.js';
import type { ExecutionRow } from '../../../../src/providers/keycloak/flow-model.js';

/** The Keycloak the harness started; fails loudly when it was not started. */
export function keycloakEnv(): { url: string; clientId: string; secret: string } {
  const env = inject('env');
  const url = env.KEYCLOAK_URL;
  if (!url || !env.KEYCLOAK_ADMIN_CLIENT_ID || !env.KEYCLOAK_ADMIN_CLIENT_SECRET) {
    throw new Error(
      `Keycloak was not started for this run (components: ${env.components ?? 'none'}); run with ROLEGATE_TEST_COMPONENTS=keycloak`,
    );
  }
  return { url, clientId: env.KEYCLOAK_ADMIN_CLIENT_ID, secret: env.KEYCLOAK_ADMIN_CLIENT_SECRET };
}

/** The login client's redirect URI; nothing listens there, the test only reads the Location. */
export const REDIRECT_URI = 'http://127.0.0.1:9/cb';
export const ROLEGATE_SECRET = 'rolegate-test-secret';
export const PASSWORD = 'Passw0rd!x';

/** An admin session on the test server (the bootstrap service account of master). */
export class KeycloakAdmin {
  private token: { value: string; at: number } | undefined;
  constructor(
    readonly url: string,
    private readonly clientId: string,
    private readonly secret: string,
  ) {}

  static fromEnv(): KeycloakAdmin {
    const e = keycloakEnv();
    return new KeycloakAdmin(e.url, e.clientId, e.secret);
  }

  async accessToken(): Promise<string> {
    // Master tokens live 60 s; renew well before.
    if (this.token && Date.now() - this.token.at < 30_000) return this.token.value;
    const r = await fetch(`${this.url}/realms/master/protocol/openid-connect/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: this.clientId,
        client_secret: this.secret,
      }),
    });
    if (!r.ok) throw new Error(`admin token: ${r.status} ${await r.text()}`);
    const value = ((await r.json()) as { access_token: string }).access_token;
    this.token = { value, at: Date.now() };
    return value;
  }

  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const r = await fetch(`${this.url}/admin/realms${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await this.accessToken()}`,
        'content-type': 'application/json',
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

/** A throwaway realm with roles, users and the clients the tests need. */
export interface TestRealm {
  admin: KeycloakAdmin;
  realm: string;
  /** Role name → id. */
  roles: Record<string, string>;
  provider: KeycloakProvider;
  /** A new provider (fresh counters). */
  newProvider(): KeycloakProvider;
  executions(flowAlias: string): Promise<ExecutionRow[]>;
  browserFlow(): Promise<string>;
  destroy(): Promise<void>;
}

/**
 * Creates realm `realm` with the given realm roles, users (name → roles) that all share PASSWORD, a public
 * login client `app`, and the `rolegate` service account with manage-realm, view-clients, query-groups and
 * view-users.
 */
export async function createTestRealm(
  realm: string,
  roles: readonly string[],
  users: Record<string, readonly string[]> = {},
): Promise<TestRealm> {
  const admin = KeycloakAdmin.fromEnv();
  await admin.call('DELETE', `/${realm}`).catch(() => undefined);
  await admin.call('POST', '', { realm, enabled: true });
  const r = `/${realm}`;
  for (const name of roles) await admin.call('POST', `${r}/roles`, { name });
  const all = await admin.call<{ id: string; name: string }[]>('GET', `${r}/roles`);
  const ids = Object.fromEntries(all.map((x) => [x.name, x.id]));
  for (const [username, held] of Object.entries(users)) {
    await admin.call('POST', `${r}/users`, {
      username,
      enabled: true,
      email: `${username}@example.test`,
      emailVerified: true,
      firstName: username,
      lastName: 'Test',
      credentials: [{ type: 'password', value: PASSWORD, temporary: false }],
    });
    const [u] = await admin.call<{ id: string }[]>(
      'GET',
      `${r}/users?username=${username}&exact=true`,
    );
    if (held.length > 0) {
      await admin.call(
        'POST',
        `${r}/users/${u!.id}/role-mappings/realm`,
        held.map((n) => ({ id: ids[n], name: n })),
      );
    }
  }
  await admin.call('POST', `${r}/clients`, {
    clientId: 'app',
    publicClient: true,
    standardFlowEnabled: true,
    directAccessGrantsEnabled: false,
    redirectUris: [REDIRECT_URI],
  });
  await createServiceAccountClient({
    url: admin.url,
    token: await admin.accessToken(),
    realm,
    clientId: 'rolegate',
    secret: ROLEGATE_SECRET,
  });
  const newProvider = (): KeycloakProvider =>
    createKeycloakProvider(
      { url: admin.url, realm, adminRealm: realm, credentials: { clientId: 'rolegate' } },
      { clientSecret: ROLEGATE_SECRET },
    );
  return {
    admin,
    realm,
    roles: ids,
    provider: newProvider(),
    newProvider,
    executions: (alias) =>
      admin.call<ExecutionRow[]>(
        'GET',
        `${r}/authentication/flows/${encodeURIComponent(alias)}/executions`,
      ),
    browserFlow: async () => (await admin.call<{ browserFlow: string }>('GET', r)).browserFlow,
    destroy: () => admin.call('DELETE', r).then(() => undefined),
  };
}

/**
 * Adds an admin's own sub-flow, not rolegate's: CONDITIONAL under `parent` (inside top-level flow `topFlow`), with
 * a REQUIRED role condition naming `condUserRole` and a REQUIRED second-factor `step`.
 */
export async function addRoleSubflow(
  t: TestRealm,
  o: { topFlow: string; parent: string; alias: string; step: string; condUserRole: string },
): Promise<void> {
  const r = `/${t.realm}`;
  const flowPath = (alias: string): string =>
    `${r}/authentication/flows/${encodeURIComponent(alias)}`;
  await t.admin.call('POST', `${flowPath(o.parent)}/executions/flow`, {
    alias: o.alias,
    type: 'basic-flow',
    description: 'hand-made',
    priority: 500,
  });
  for (const [provider, priority] of [
    ['conditional-user-role', 10],
    [o.step, 20],
  ] as const) {
    await t.admin.call('POST', `${flowPath(o.alias)}/executions/execution`, { provider, priority });
  }
  // New executions start DISABLED; PUT takes the whole row (a missing priority would move it to 0).
  const rows = await t.executions(o.topFlow);
  const i = rows.findIndex((x) => x.displayName === o.alias);
  for (const row of [rows[i]!, ...rows.slice(i + 1, i + 3)]) {
    await t.admin.call('PUT', `${flowPath(o.topFlow)}/executions`, {
      ...row,
      requirement: row.authenticationFlow ? 'CONDITIONAL' : 'REQUIRED',
    });
  }
  const cond = rows.slice(i + 1).find((x) => x.providerId === 'conditional-user-role')!;
  await t.admin.call('POST', `${r}/authentication/executions/${cond.id}/config`, {
    alias: `${o.alias}-role`,
    config: { condUserRole: o.condUserRole, negate: 'false' },
  });
}

/** The requirement a role's holders meet at browser login, as a LiveRole carries it (for toMatchObject). */
export function otp(forced: boolean): Pick<LiveRole, 'requirements'> {
  return { requirements: [useRequirement('All', 'OtpStep', forced)] };
}

/** A SetMfa action as plan() would emit it. */
export function setMfa(roleId: string, roleDisplayName: string, enabled: boolean): SetMfaAction {
  return {
    kind: 'SetMfa',
    roleId: roleId.toLowerCase(),
    roleDisplayName,
    handle: '',
    scope: '/',
    switchName: 'OtpStep',
    enabled,
    before: enabled ? 'off' : 'on',
    after: enabled ? 'on' : 'off',
  };
}

/** Where a browser login ended. */
export type LoginOutcome =
  | { kind: 'code'; location: string }
  | { kind: 'page'; url: string; html: string; formAction: string | undefined };

const decode = (s: string): string =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&#x3d;/gi, '=')
    .replace(/&#61;/g, '=')
    .replace(/&quot;/g, '"');

/** The action of the first form on a page. */
export function formAction(html: string): string | undefined {
  const m = /<form[^>]*\saction="([^"]+)"/i.exec(html);
  return m ? decode(m[1]!) : undefined;
}

/** A browser without a browser: fetch with a cookie jar, following redirects by hand. */
export class Browser {
  private readonly cookies = new Map<string, string>();

  private remember(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      if (i > 0) this.cookies.set(pair!.slice(0, i).trim(), pair!.slice(i + 1));
    }
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** Sends a request and follows redirects until a page or the client's redirect URI. */
  async go(url: string, form?: Record<string, string>): Promise<LoginOutcome> {
    let next: { url: string; form?: Record<string, string> | undefined } = { url, form };
    for (let hops = 0; hops < 10; hops++) {
      const res = await fetch(next.url, {
        method: next.form ? 'POST' : 'GET',
        redirect: 'manual',
        headers: {
          cookie: this.cookieHeader(),
          ...(next.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(next.form ? { body: new URLSearchParams(next.form).toString() } : {}),
      });
      this.remember(res);
      if (res.status >= 300 && res.status < 400) {
        const loc = new URL(res.headers.get('location') ?? '', next.url).toString();
        await res.body?.cancel();
        if (loc.startsWith(REDIRECT_URI)) return { kind: 'code', location: loc };
        next = { url: loc };
        continue;
      }
      const html = await res.text();
      if (res.status !== 200)
        throw new Error(`login: ${res.status} at ${next.url}: ${html.slice(0, 300)}`);
      return { kind: 'page', url: next.url, html, formAction: formAction(html) };
    }
    throw new Error('login: too many redirects');
  }
}

/** Starts a login of `app` in the realm and submits username and password. */
export async function loginWithPassword(
  url: string,
  realm: string,
  username: string,
): Promise<{ browser: Browser; outcome: LoginOutcome }> {
  const browser = new Browser();
  const q = new URLSearchParams({
    client_id: 'app',
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: 'openid',
  });
  const first = await browser.go(`${url}/realms/${realm}/protocol/openid-connect/auth?${q}`);
  if (first.kind !== 'page' || !first.formAction) throw new Error('login: no login form');
  const outcome = await browser.go(first.formAction, {
    username,
    password: PASSWORD,
    credentialId: '',
  });
  return { browser, outcome };
}

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s) over the key bytes Keycloak shows as totpSecret. */
export function totp(secret: string, now = Date.now()): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(now / 1000 / 30)));
  const h = createHmac('sha1', Buffer.from(secret, 'utf8')).update(counter).digest();
  const off = h[h.length - 1]! & 0xf;
  const bin = ((h[off]! & 0x7f) << 24) | (h[off + 1]! << 16) | (h[off + 2]! << 8) | h[off + 3]!;
  return String(bin % 1_000_000).padStart(6, '0');
}

/**
 * Whether a login ended at a second-factor prompt: the OTP form, or OTP enrolment (CONFIGURE_TOTP) for a holder
 * without OTP.
 */
export function isOtpPrompt(o: LoginOutcome): boolean {
  return (
    o.kind === 'page' &&
    /execution=CONFIGURE_TOTP|name="otp"/.test(`${o.formAction ?? ''} ${o.html}`)
  );
}

/** The password grant (OAuth resource owner password credentials) of a public client, optionally with `scope`. */
export async function passwordGrant(
  t: TestRealm,
  clientId: string,
  username: string,
  scope?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${t.admin.url}/realms/${t.realm}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: clientId,
      username,
      password: PASSWORD,
      ...(scope ? { scope } : {}),
    }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The realm roles (`realm_access.roles`) an access token carries. */
export function realmRolesIn(token: unknown): string[] {
  const payload = JSON.parse(Buffer.from(String(token).split('.')[1]!, 'base64url').toString()) as {
    realm_access?: { roles?: string[] };
  };
  return payload.realm_access?.roles ?? [];
}

/** A realm role as a fresh snapshot sees it. */
export async function liveRole(t: TestRealm, name: string): Promise<LiveRole> {
  const l = (await t.newProvider().snapshot()).resolve({ displayName: name }, '/');
  if (l.kind !== 'Found') throw new Error(`${name}: ${JSON.stringify(l)}`);
  return l.role;
}
