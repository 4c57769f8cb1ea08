// Access tokens like Entra's for the emulator: the token endpoint issues JWTs carrying the audience (Graph or
// Azure Resource Manager), the tenant, the application id and the application permissions granted to that
// application (`roles`), signed with a key that lives only as long as the emulator, so that a token it did not
// issue (or one of another emulator) is refused. Graph and ARM check audience, tenant, lifetime and signature
// before anything else, as the real services do.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { EMULATOR_CLIENT_ID } from '../../providers/entra/credentials.js';
import { stableGuid } from './catalog.js';

/** The audience of Microsoft Graph tokens (app-only tokens carry it without a trailing slash). */
export const GRAPH_AUDIENCE = 'https://graph.microsoft.com';
/** The audience of Azure Resource Manager tokens. */
export const ARM_AUDIENCE = 'https://management.azure.com';

/** The API a token is meant for. */
export type Api = 'graph' | 'arm';

/** The audiences each API accepts (ARM also takes the classic service management URI, with or without slash). */
const ACCEPTED_AUDIENCES: Readonly<Record<Api, readonly string[]>> = {
  graph: [
    'https://graph.microsoft.com',
    'https://graph.microsoft.com/',
    '00000003-0000-0000-c000-000000000000',
  ],
  arm: [
    'https://management.azure.com',
    'https://management.azure.com/',
    'https://management.core.windows.net',
    'https://management.core.windows.net/',
  ],
};

/** The client id `Emulator` credentials use when the spec names none. */
export const DEFAULT_EMULATOR_CLIENT_ID = EMULATOR_CLIENT_ID;

/**
 * The Graph application permissions of the default client: everything rolegate does (read and write role
 * settings and PIM for Groups policies, read role definitions, read and refresh PIM alerts, read Conditional
 * Access policies).
 */
export const DEFAULT_GRAPH_ROLES: readonly string[] = [
  'RoleManagementPolicy.ReadWrite.Directory',
  'RoleManagement.Read.Directory',
  'RoleManagementAlert.ReadWrite.Directory',
  'Policy.Read.All',
  // Holders: directory role schedule instances (RoleManagement.Read.Directory above), PIM for Groups instances and
  // policies (read, and written for PrivilegedRoles naming a group access), group members and owners and the
  // names of principals.
  'PrivilegedEligibilitySchedule.Read.AzureADGroup',
  'PrivilegedAssignmentSchedule.Read.AzureADGroup',
  'RoleManagementPolicy.ReadWrite.AzureADGroup',
  'GroupMember.Read.All',
  'Directory.Read.All',
];

/** The Azure RBAC actions of the default client at every emulated scope. */
export const DEFAULT_ARM_ACTIONS: readonly string[] = [
  'Microsoft.Authorization/roleManagementPolicies/read',
  'Microsoft.Authorization/roleManagementPolicies/write',
  'Microsoft.Authorization/roleManagementPolicyAssignments/read',
  'Microsoft.Authorization/roleDefinitions/read',
  // Holders of Azure roles.
  'Microsoft.Authorization/roleEligibilityScheduleInstances/read',
  'Microsoft.Authorization/roleAssignmentScheduleInstances/read',
];

/** An application registered in the emulated tenant and what it was granted. */
export interface EmulatorClient {
  clientId: string;
  /** Microsoft Graph application permissions (admin-consented), carried in the token's `roles` claim. */
  graphRoles: string[];
  /**
   * Azure RBAC actions the application holds at every emulated ARM scope (`*` and `Provider/*` wildcards
   * allowed). ARM evaluates role assignments per request, so a change applies to tokens already issued.
   */
  armActions: string[];
  /** When set, the client secret the token endpoint requires; unset accepts any secret or assertion. */
  secret?: string;
}

/** The claims of an emulator access token. */
export interface TokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  tid: string;
  appid: string;
  azp: string;
  oid: string;
  sub: string;
  idtyp: 'app';
  ver: '1.0';
  roles?: string[];
}

/** Why a bearer token was refused. */
export type TokenProblem =
  'missing' | 'malformed' | 'signature' | 'expired' | 'audience' | 'tenant';

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

/** The registered applications of the emulated tenant. */
export class ClientRegistry {
  private readonly clients = new Map<string, EmulatorClient>();

  constructor(clients: readonly EmulatorClient[] | undefined) {
    this.set({
      clientId: DEFAULT_EMULATOR_CLIENT_ID,
      graphRoles: [...DEFAULT_GRAPH_ROLES],
      armActions: [...DEFAULT_ARM_ACTIONS],
    });
    for (const c of clients ?? []) this.set(c);
  }

  /** Registers or replaces an application. */
  set(c: EmulatorClient): void {
    if (typeof c.clientId !== 'string' || c.clientId === '')
      throw new Error('a client needs a clientId');
    const strings = (v: unknown, what: string): string[] => {
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
        throw new Error(`${what} must be a list of strings`);
      return [...(v as string[])];
    };
    this.clients.set(c.clientId.toLowerCase(), {
      clientId: c.clientId,
      graphRoles: strings(c.graphRoles ?? [], 'graphRoles'),
      armActions: strings(c.armActions ?? [], 'armActions'),
      ...(c.secret === undefined ? {} : { secret: c.secret }),
    });
  }

  remove(clientId: string): boolean {
    return this.clients.delete(clientId.toLowerCase());
  }

  get(clientId: string): EmulatorClient | undefined {
    const c = this.clients.get(clientId.toLowerCase());
    return c ? structuredClone(c) : undefined;
  }

  list(): EmulatorClient[] {
    return [...this.clients.values()].map((c) => structuredClone(c));
  }
}

/** Whether an Azure RBAC action is covered by a granted action (`*` matches any run of characters). */
export function actionGranted(granted: readonly string[], action: string): boolean {
  return granted.some((g) => {
    const pattern = g
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    return new RegExp(`^${pattern}$`, 'i').test(action);
  });
}

/** Issues and checks the emulator's access tokens. */
export class TokenService {
  /** The signing key: random per emulator, so a token of another emulator is refused. */
  private readonly key = randomBytes(32);

  constructor(
    readonly tenantId: string,
    /** The issuer's base, such as http://127.0.0.1:41234. */
    private readonly issuerBase: () => string,
  ) {}

  private sign(data: string): string {
    return createHmac('sha256', this.key).update(data).digest('base64url');
  }

  /** Issues a token for a client and an API; `lifetimeS` may be negative (an expired token, for tests). */
  issue(client: EmulatorClient, api: Api, lifetimeS: number, now = Date.now()): string {
    const t = Math.floor(now / 1000);
    const oid = stableGuid('service-principal', this.tenantId, client.clientId.toLowerCase());
    const claims: TokenClaims = {
      aud: api === 'graph' ? GRAPH_AUDIENCE : ARM_AUDIENCE,
      iss: `${this.issuerBase()}/${this.tenantId}/v2.0`,
      iat: t,
      nbf: t,
      exp: t + lifetimeS,
      tid: this.tenantId,
      appid: client.clientId,
      azp: client.clientId,
      oid,
      sub: oid,
      idtyp: 'app',
      ver: '1.0',
      // Graph carries application permissions in the token; ARM decides from role assignments per request.
      ...(api === 'graph' && client.graphRoles.length > 0 ? { roles: [...client.graphRoles] } : {}),
    };
    const head = `${b64({ typ: 'JWT', alg: 'HS256' })}.${b64(claims)}`;
    return `${head}.${this.sign(head)}`;
  }

  /** Checks an Authorization header for an API: the claims, or why the token is refused. */
  check(
    authorization: string | undefined,
    api: Api,
    now = Date.now(),
  ): { claims: TokenClaims } | { problem: TokenProblem; claims?: TokenClaims } {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!m) return { problem: 'missing' };
    const parts = m[1]!.split('.');
    if (parts.length !== 3) return { problem: 'malformed' };
    const [h, p, s] = parts as [string, string, string];
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as TokenClaims;
      if (typeof claims !== 'object' || claims === null) return { problem: 'malformed' };
    } catch {
      return { problem: 'malformed' };
    }
    const want = Buffer.from(this.sign(`${h}.${p}`));
    const got = Buffer.from(s);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return { problem: 'signature' };
    const t = Math.floor(now / 1000);
    if (typeof claims.exp !== 'number' || claims.exp <= t || claims.nbf > t)
      return { problem: 'expired', claims };
    if (!ACCEPTED_AUDIENCES[api].includes(claims.aud)) return { problem: 'audience', claims };
    if (claims.tid !== this.tenantId) return { problem: 'tenant', claims };
    return { claims };
  }
}

/**
 * The API a token request's scope names: `{resource}/.default` for Graph or ARM by their public URIs, or by this
 * emulator's own Graph or ARM origin (what rolegate asks for when pointed at the emulator).
 */
export function apiOfScope(
  scope: string,
  origins: { graph: readonly string[]; arm: readonly string[] },
): Api | undefined {
  const resource = scope
    .split(/\s+/)
    .find((s) => s.endsWith('/.default'))
    ?.slice(0, -'/.default'.length)
    .replace(/\/+$/, '')
    .toLowerCase();
  if (resource === undefined) return undefined;
  if (ACCEPTED_AUDIENCES.graph.includes(resource)) return 'graph';
  if (ACCEPTED_AUDIENCES.arm.includes(resource)) return 'arm';
  if (origins.graph.includes(resource)) return 'graph';
  if (origins.arm.includes(resource)) return 'arm';
  return undefined;
}
