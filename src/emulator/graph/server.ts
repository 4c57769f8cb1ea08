// The emulator's HTTP front: node:http (or https with a given key pair) on loopback, request ids, latency,
// faults, bearer-token checks and the request log around the Graph routes, $batch, identity and control APIs.
import { randomUUID } from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { AlertsState, type NoMfaIncident } from './alerts.js';
import {
  ArmState,
  DEFAULT_SUBSCRIPTION_ID,
  armError,
  isArmPath,
  type ArmAuthorizer,
  type ArmInstanceSeed,
  type ArmRule,
} from './arm.js';
import { handleBatch, type BatchItem } from './batch.js';
import {
  DEFAULT_TENANT_ID,
  type Policy,
  type PolicyRule,
  type RoleDefinition,
  type SeedSpec,
  type TenantData,
} from './catalog.js';
import {
  ConditionalAccessState,
  routeConditionalAccess,
  type ConditionalAccessPolicy,
  type ConditionalAccessPolicyInput,
} from './conditional-access.js';
import { routeControl, type ControlTarget } from './control.js';
import {
  forbidden,
  methodNotAllowed,
  serverError,
  throttled,
  unauthenticated,
  unknownSegment,
  type GraphResponse,
  type RequestIds,
} from './errors.js';
import { FaultInjector, type FaultAction, type FaultSpec } from './faults.js';
import { routeIdentity, TOKEN_LIFETIME_S } from './identity.js';
import { graphPermissionsFor } from './permissions.js';
import {
  RequestLog,
  type ListOptions,
  type LogStats,
  type LoggedRequest,
  type RequestCounts,
} from './request-log.js';
import { DEFAULT_RULE_ORDER_SEED, RuleOrder } from './rule-order.js';
import { routeGraph, type RouteContext } from './routes.js';
import { routeDirectory } from './directory-routes.js';
import type { DirectorySeed } from './directory.js';
import { TenantState } from './state.js';
import {
  actionGranted,
  ClientRegistry,
  DEFAULT_EMULATOR_CLIENT_ID,
  TokenService,
  type Api,
  type EmulatorClient,
  type TokenClaims,
  type TokenProblem,
} from './tokens.js';

/** Options of {@link startGraphEmulator}. */
export interface GraphEmulatorOptions {
  /** The port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** The address to listen on: loopback only (default 127.0.0.1), since the emulator has no real authentication. */
  host?: string;
  tenantId?: string;
  /** A JSON file to load the tenant from (if it exists) and to save every change to. */
  stateFile?: string;
  /**
   * The page size of collections when the client sends no `$top` (default 25, small so that paging is
   * exercised).
   */
  pageSize?: number;
  /**
   * The largest page a client gets by asking with `$top` (default 999, Graph's usual maximum; never below
   * pageSize). What real Graph grants on the PIM lists is not documented.
   */
  maxPageSize?: number;
  /**
   * Answer `$top` on the PIM listings (role definitions, policy assignments, policies) with 400
   * `Request_UnsupportedQuery`, as a server that does not support the option would: their docs list only
   * `$select`, `$filter` and `$expand` (default off).
   */
  refuseTop?: boolean;
  /** The built-in role catalog (default) or N synthetic roles. */
  seed?: SeedSpec;
  /**
   * Users, groups and role holders to add to a newly seeded tenant (after the default tenant's own, which only
   * the built-in catalog has). See directory.ts.
   */
  directory?: DirectorySeed;
  /** A delay added to every response, to make latency visible in benchmarks. */
  latencyMs?: number;
  /** Serve HTTPS with this PEM key pair (needed for @azure/identity's authorityHost, which must be https). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Status of a PATCH with a missing or wrong @odata.type: 500 like the real service (default) or 400. */
  wrongTypeStatus?: 400 | 500;
  /** Refuse MFA and an authentication context on the same role (unverified in the real API; default off). */
  strictMfaOrAuthContext?: boolean;
  /**
   * Conditional Access seed: contexts c1, c2 and an enabled policy requiring MFA for c2 (default), or nothing.
   * Not persisted in the state file.
   */
  conditionalAccess?: 'default' | 'empty';
  /** How many polls of a PIM alert refresh operation answer `running` before it succeeds (default 1). */
  alertRefreshPolls?: number;
  /**
   * Azure scopes (`/subscriptions/{id}`, `/providers/Microsoft.Management/managementGroups/{id}`) to serve ARM's
   * PIM for Azure resources at, each seeded with five built-in roles (default: one subscription,
   * {@link DEFAULT_SUBSCRIPTION_ID}). Not persisted in the state file.
   */
  armScopes?: string[];
  /** The port of the Azure Resource Manager listener (0, the default, picks a free one). */
  armPort?: number;
  /**
   * Applications registered in the tenant besides the default one ({@link DEFAULT_EMULATOR_CLIENT_ID}, which
   * `Emulator` credentials use and which holds everything rolegate needs); a client of the same id replaces it.
   */
  clients?: EmulatorClient[];
  /** How many requests the request log keeps (the oldest are dropped and counted; default 50,000). */
  requestLogLimit?: number;
  /**
   * The seed rules are shuffled with, per policy (default a fixed seed, so the order is the same on every run but
   * not the documentation's); null lists them in the documentation's order.
   */
  ruleOrderSeed?: string | null;
}

/** What {@link GraphEmulator.issueToken} issues. */
export interface TokenRequest {
  /** The application (default: the default client). */
  clientId?: string;
  /** Graph (default) or ARM. */
  api?: Api;
  /** Seconds until expiry (default about an hour; negative gives an expired token). */
  lifetimeS?: number;
}

/** A running emulator. */
export interface GraphEmulator extends ControlTarget {
  /** The base URL without version, such as http://127.0.0.1:41234 (clients append /v1.0). */
  readonly url: string;
  /** The Azure Resource Manager base URL (its own listener, as ARM is its own host). */
  readonly armUrl: string;
  readonly tenantId: string;
  /** A Graph token of the default client (valid for a day), for tests that call Graph directly. */
  readonly token: string;
  /** An ARM token of the default client (valid for a day). */
  readonly armToken: string;
  /** Issues a token as the token endpoint would, or with any lifetime (tests of expiry). */
  issueToken(request?: TokenRequest): string;
  close(): Promise<void>;
  /** Role definitions as stored. */
  roleDefinitions(): RoleDefinition[];
  /** The policy of a role (or by policy id), a copy. */
  getPolicy(policyIdOrRoleId: string): Policy | undefined;
  /** The policy of a role, a copy (the same as getPolicy with a role id; tests read it this way). */
  getPolicyOfRole(roleId: string): Policy | undefined;
  /** One rule of a role's policy (or by policy id), a copy. */
  getRule(policyIdOrRoleId: string, ruleId: string): PolicyRule | undefined;
  /** Creates or replaces a Conditional Access policy, as an administrator would. */
  setConditionalAccessPolicy(policy: ConditionalAccessPolicyInput): void;
  /** Removes a Conditional Access policy; returns whether it existed. */
  removeConditionalAccessPolicy(id: string): boolean;
  /** The Conditional Access policies, copies. */
  conditionalAccessPolicies(): ConditionalAccessPolicy[];
  /** The NoMfaOnRoleActivationAlert incidents as last scanned. */
  noMfaAlertIncidents(): NoMfaIncident[];
  /** Rescans the PIM alerts now, without an operation. */
  refreshAlertsNow(): void;
  /** A rule of an Azure role's policy at an ARM scope (role definition GUID), a copy. */
  getArmRule(scope: string, roleGuid: string, ruleId: string): ArmRule | undefined;
  /** Sets the activation enabledRules of an Azure role at a scope, out of band. */
  setArmEnabledRules(scope: string, roleGuid: string, enabledRules: string[]): void;
  /** Adds role eligibility and assignment schedule instances (holders of Azure roles) at a scope. */
  seedArmInstances(scope: string, seed: ArmInstanceSeed): void;
}

/** Graph's WWW-Authenticate and body for a refused token, or ARM's. */
function armUnauthenticated(
  problem: TokenProblem,
  claims: TokenClaims | undefined,
  tenantId: string,
  authority: string,
): GraphResponse {
  const [code, message] = ((): [string, string] => {
    switch (problem) {
      case 'missing':
        return [
          'AuthenticationFailed',
          "Authentication failed. The 'Authorization' header is missing.",
        ];
      case 'expired':
        return [
          'ExpiredAuthenticationToken',
          `The access token expiry UTC time '${new Date((claims?.exp ?? 0) * 1000).toUTCString()}' is earlier than current UTC time '${new Date().toUTCString()}'.`,
        ];
      case 'audience':
        return [
          'InvalidAuthenticationTokenAudience',
          `The access token has been obtained for wrong audience or resource '${claims?.aud ?? ''}'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.`,
        ];
      case 'tenant':
        return [
          'InvalidAuthenticationTokenTenant',
          `The access token is from the wrong issuer '${claims?.iss ?? ''}'. It must match the tenant '${tenantId}' associated with this subscription.`,
        ];
      default:
        return ['InvalidAuthenticationToken', 'The access token is invalid.'];
    }
  })();
  const r = armError(401, code, message);
  r.headers['WWW-Authenticate'] =
    `Bearer authorization_uri="${authority}", error="invalid_token", error_description="${code}"`;
  return r;
}

function idsOf(req: IncomingMessage): RequestIds {
  const c = req.headers['client-request-id'];
  return {
    requestId: randomUUID(),
    clientRequestId: typeof c === 'string' && c.length > 0 ? c : randomUUID(),
  };
}

function faultResponse(f: FaultAction & { kind: 'status' }, ids: RequestIds): GraphResponse {
  if (f.status === 429) return throttled(ids, f.retryAfter);
  if (f.status === 403) return forbidden(ids);
  if (f.status === 401) return unauthenticated(ids);
  const r = serverError(f.status, ids);
  if (f.retryAfter !== undefined) r.headers['Retry-After'] = f.retryAfter;
  return r;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(raw: string): { body: unknown; malformed: boolean } {
  if (raw.trim() === '') return { body: undefined, malformed: false };
  try {
    return { body: JSON.parse(raw) as unknown, malformed: false };
  } catch {
    return { body: undefined, malformed: true };
  }
}

function send(res: ServerResponse, r: GraphResponse, ids: RequestIds | undefined): void {
  const headers: Record<string, string> = { ...r.headers };
  if (ids) {
    headers['request-id'] = ids.requestId;
    headers['client-request-id'] = ids.clientRequestId;
  }
  const text = r.body === undefined ? '' : JSON.stringify(r.body);
  headers['Content-Length'] = String(Buffer.byteLength(text));
  res.writeHead(r.status, headers);
  res.end(text);
}

/** Starts a Graph-compatible emulator of Entra PIM for directory roles. */
/** A listening server and the Host header values it answers to. */
interface Listener {
  server: Server;
  port: number;
  /** `host:port` spellings that name this listener (loopback address and localhost). */
  hosts: Set<string>;
  /** The origins a browser would send for a page of this listener. */
  origins: Set<string>;
}

async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  opts: GraphEmulatorOptions,
  host: string,
  port: number,
  scheme: string,
): Promise<Listener> {
  const server: Server = opts.tls
    ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key }, handler)
    : createHttpServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const hosts = new Set([`${host}:${bound}`, `localhost:${bound}`]);
  return {
    server,
    port: bound,
    hosts,
    origins: new Set([...hosts].map((h) => `${scheme}://${h}`)),
  };
}

/**
 * Why a request is refused before it reaches any route, or undefined. A Host that names another server is how a
 * DNS-rebinding page reaches a loopback service; an Origin other than the emulator's own on a state-changing
 * request is a browser page posting cross-site (a text/plain POST needs no CORS preflight).
 */
function hostileRequest(
  req: IncomingMessage,
  method: string,
  l: Listener,
): GraphResponse | undefined {
  const refuse = (status: number, code: string, message: string): GraphResponse => ({
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
    body: { error: { code, message } },
  });
  const hostHeader = (req.headers.host ?? '').toLowerCase();
  if (!l.hosts.has(hostHeader)) {
    return refuse(
      421,
      'MisdirectedRequest',
      `The Host header '${hostHeader}' does not name this emulator (${[...l.hosts].join(', ')}).`,
    );
  }
  if (!['GET', 'HEAD', 'OPTIONS'].includes(method)) {
    const origin = req.headers.origin;
    const site = req.headers['sec-fetch-site'];
    const foreignOrigin =
      origin !== undefined && origin !== 'null'
        ? !l.origins.has(origin.toLowerCase())
        : origin === 'null';
    if (foreignOrigin || site === 'cross-site' || site === 'same-site') {
      return refuse(
        403,
        'CrossOriginRequestRefused',
        `A ${method} from origin '${origin ?? String(site)}' is refused: the emulator takes state changes from its own origin or from non-browser clients only.`,
      );
    }
  }
  return undefined;
}

/** Starts a Graph-compatible emulator of Entra PIM for directory roles. */
export async function startGraphEmulator(opts: GraphEmulatorOptions = {}): Promise<GraphEmulator> {
  const host = opts.host ?? '127.0.0.1';
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) {
    throw new Error(`the Graph emulator listens on a 127.0.0.0/8 address only, not ${host}`);
  }
  const state = TenantState.open({
    tenantId: opts.tenantId ?? DEFAULT_TENANT_ID,
    seed: opts.seed ?? 'default',
    stateFile: opts.stateFile,
    directory: opts.directory,
  });
  const log = new RequestLog(opts.requestLogLimit);
  const faults = new FaultInjector();
  const ca = new ConditionalAccessState(opts.conditionalAccess ?? 'default');
  const alerts = new AlertsState(state, { refreshPolls: Math.max(0, opts.alertRefreshPolls ?? 1) });
  const ruleOrder = new RuleOrder(
    opts.ruleOrderSeed === undefined ? DEFAULT_RULE_ORDER_SEED : opts.ruleOrderSeed,
  );
  const arm = new ArmState(
    opts.armScopes ?? [`/subscriptions/${DEFAULT_SUBSCRIPTION_ID}`],
    ruleOrder,
  );
  const clients = new ClientRegistry(opts.clients);
  const ctx: RouteContext = {
    state,
    limits: {
      pageSize: Math.max(1, opts.pageSize ?? 25),
      maxPageSize: Math.max(1, opts.maxPageSize ?? 999),
    },
    refuseTop: opts.refuseTop ?? false,
    rules: { strictMfaOrAuthContext: opts.strictMfaOrAuthContext ?? false },
    wrongTypeStatus: opts.wrongTypeStatus ?? 500,
    ruleOrder,
  };
  const scheme = opts.tls ? 'https' : 'http';
  let graphUrl = '';
  let armListener: Listener | undefined;
  const tokens = new TokenService(state.tenantId, () => graphUrl);
  const authority = (): string => `${graphUrl}/${state.tenantId}/oauth2/v2.0/authorize`;

  const mustPolicy = (roleId: string): Policy => {
    const p = state.policyOf(roleId);
    if (!p) throw new Error(`no role or policy ${roleId}`);
    return p;
  };
  const setRule = (roleId: string, ruleId: string, change: Partial<PolicyRule>): void => {
    const p = mustPolicy(roleId);
    const rule = state.rule(p, ruleId);
    if (!rule) throw new Error(`policy ${p.id} has no rule ${ruleId}`);
    state.replaceRules(
      p,
      p.rules.map((r) => (r === rule ? { ...r, ...change } : r)),
      'out-of-band change',
    );
  };

  const control: ControlTarget = {
    requests: (o?: ListOptions): LoggedRequest[] => log.list(o),
    counts: (): RequestCounts => log.counts(),
    logStats: (): LogStats => log.stats(),
    resetLog: () => log.reset(),
    injectFault: (f: FaultSpec) => faults.inject(f),
    clearFaults: () => faults.clear(),
    pendingFaults: () => faults.pending(),
    setEnabledRules: (roleId, rules) =>
      setRule(roleId, 'Enablement_EndUser_Assignment', { enabledRules: [...rules] }),
    setAuthenticationContext: (roleId, claimValue) =>
      setRule(roleId, 'AuthenticationContext_EndUser_Assignment', {
        isEnabled: claimValue !== null,
        claimValue,
      }),
    exportState: (): TenantData => state.export(),
    seedDirectory: (seed) => state.seedDirectory(seed),
    clearDirectory: () => state.clearDirectory(),
    setClient: (c) => clients.set(c),
    removeClient: (id) => clients.remove(id),
    clients: () => clients.list(),
  };

  /**
   * Runs one Graph operation (top-level or a batch item) after faults; the token was checked by the caller, the
   * permission the operation needs is checked here, per operation, so that a batch item can be refused alone.
   */
  const graph = async (
    method: string,
    url: URL,
    body: unknown,
    malformedBody: boolean,
    ids: RequestIds,
    claims: TokenClaims,
    batchItemId?: string,
  ): Promise<GraphResponse | 'reset'> => {
    const fault = faults.take(
      method,
      url.pathname + url.search,
      batchItemId !== undefined,
      claims.appid,
    );
    let r: GraphResponse | undefined;
    if (fault?.kind === 'reset') {
      // A reset cannot happen to one item of a batch; inside a batch it becomes a 503 for that item.
      if (batchItemId === undefined) return 'reset';
      r = serverError(503, ids);
    } else if (fault?.kind === 'delay') {
      await sleep(fault.delayMs);
    } else if (fault?.kind === 'status') {
      if (fault.delayMs) await sleep(fault.delayMs);
      r = faultResponse(fault, ids);
    }
    if (!r) {
      const m = /^\/(v1\.0|beta)(\/.*)?$/.exec(url.pathname);
      const version = m?.[1];
      const rest = decodeURIComponent(m?.[2] ?? '/');
      const isAlerts = /^\/identityGovernance\/roleManagementAlerts(\/|$)/.test(rest);
      const needed = graphPermissionsFor(method, rest);
      if (needed && !needed.some((p) => claims.roles?.includes(p))) {
        r = forbidden(ids);
      } else if (
        version !== undefined &&
        rest === '/$batch' &&
        batchItemId === undefined &&
        method === 'POST'
      ) {
        const base = url.origin;
        r = await handleBatch(body, ids, async (item: BatchItem) => {
          if (/^https?:/i.test(item.url) || /\$batch/.test(item.url)) {
            return unknownSegment(item.url, ids);
          }
          // Alerts exist in beta only; a v1.0 batch refuses them as Graph does (graph-pim.md §3).
          if (version === 'v1.0' && /^\/*identityGovernance\/roleManagementAlerts/.test(item.url)) {
            return methodNotAllowed(ids);
          }
          const u = new URL(`/${version}/${item.url.replace(/^\/+/, '')}`, base);
          const res = await graph(item.method, u, item.body, false, ids, claims, item.id);
          return res === 'reset' ? serverError(503, ids) : res;
        });
      } else if (version === 'beta' && isAlerts) {
        const req = { method, url, body, malformedBody, ids };
        r = alerts.route(req, rest.split('/').slice(3), ctx.limits);
      } else if (version === 'v1.0' && /^\/identity\/conditionalAccess\//.test(rest)) {
        r =
          routeConditionalAccess(ca, ctx.limits, { method, url, body, malformedBody, ids }, rest) ??
          unknownSegment(rest.split('/')[3] ?? rest, ids);
      } else if (version === 'v1.0') {
        const req = { method, url, body, malformedBody, ids };
        r = routeDirectory(ctx, req, rest) ?? routeGraph(ctx, req, rest);
      } else {
        r = unknownSegment(m?.[2]?.split('/')[1] ?? url.pathname, ids);
      }
    }
    log.add({
      method,
      path: url.pathname,
      query: url.search,
      status: r.status,
      ...(batchItemId === undefined ? {} : { batchItemId }),
    });
    return r;
  };

  /** ARM: its own token check, error shape, ids and per-request RBAC; the same log and faults as Graph. */
  const serveArm = async (
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    url: URL,
    raw: string,
    ids: RequestIds,
  ): Promise<void> => {
    const entry = (status: number): void =>
      log.add({ method, path: url.pathname, query: url.search, status });
    const respond = (r: GraphResponse): void => {
      entry(r.status);
      // ARM names its ids differently from Graph.
      r.headers['x-ms-request-id'] = ids.requestId;
      r.headers['x-ms-correlation-request-id'] = ids.clientRequestId;
      send(res, r, undefined);
    };
    if (!isArmPath(url.pathname)) {
      respond(armError(404, 'NotFound', `The requested path ${url.pathname} was not found.`));
      return;
    }
    const checked = tokens.check(req.headers.authorization, 'arm');
    if ('problem' in checked) {
      respond(armUnauthenticated(checked.problem, checked.claims, state.tenantId, authority()));
      return;
    }
    const { claims } = checked;
    const fault = faults.take(method, url.pathname + url.search, false, claims.appid);
    if (fault?.kind === 'reset') {
      entry(0);
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'delay' || (fault?.kind === 'status' && fault.delayMs)) {
      await sleep(fault.kind === 'delay' ? fault.delayMs : (fault.delayMs ?? 0));
    }
    let r: GraphResponse;
    if (fault?.kind === 'status') {
      const codes: Record<number, [string, string]> = {
        401: ['InvalidAuthenticationToken', 'The access token is invalid.'],
        403: [
          'AuthorizationFailed',
          "The client does not have authorization to perform action 'Microsoft.Authorization/roleManagementPolicies/read' over scope.",
        ],
        429: ['TooManyRequests', 'The request is being throttled.'],
        503: ['ServiceUnavailable', 'The service is unavailable.'],
        504: ['GatewayTimeout', 'The gateway did not receive a response in time.'],
      };
      const [code, message] = codes[fault.status] ?? [
        'InternalServerError',
        'Encountered an internal server error.',
      ];
      r = armError(fault.status, code, message);
      if (fault.retryAfter !== undefined) r.headers['Retry-After'] = fault.retryAfter;
    } else {
      const { body, malformed } = parseJson(raw);
      // Azure RBAC is evaluated per request from the application's role assignments, not from the token.
      const authorize: ArmAuthorizer = (action, scope) => {
        const client = clients.get(claims.appid);
        if (client && actionGranted(client.armActions, action)) return undefined;
        return armError(
          403,
          'AuthorizationFailed',
          `The client '${claims.appid}' with object id '${claims.oid}' does not have authorization to perform action '${action}' over scope '${scope}/providers/Microsoft.Authorization' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
        );
      };
      // ARM's list-for-scope documents no $top: its pages are the default size.
      r = arm.route(method, url, body, malformed, ctx.limits.pageSize, authorize);
    }
    respond(r);
  };

  /** A request past the common front: Host and Origin checked, body read, latency added. */
  interface Incoming {
    req: IncomingMessage;
    res: ServerResponse;
    l: Listener;
    method: string;
    url: URL;
    raw: string;
  }

  const graphHandler = async ({ req, res, l, method, url, raw }: Incoming): Promise<void> => {
    if (url.pathname.startsWith('/_emulator/')) {
      const { body } = parseJson(raw);
      send(res, routeControl(control, method, url.pathname, url.searchParams, body), undefined);
      return;
    }
    const ids = idsOf(req);
    const identity = routeIdentity(method, url.pathname, raw, url.origin, {
      tenantId: state.tenantId,
      clients,
      tokens,
      origins: {
        graph: [...l.origins],
        arm: armListener ? [...armListener.origins] : [],
      },
    });
    if (identity) {
      log.add({ method, path: url.pathname, query: url.search, status: identity.status });
      send(res, identity, ids);
      return;
    }
    if (!/^\/(v1\.0|beta)\//.test(url.pathname)) {
      send(res, { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'not found' }, ids);
      return;
    }
    const checked = tokens.check(req.headers.authorization, 'graph');
    if ('problem' in checked) {
      const r = unauthenticated(ids, checked.problem, authority());
      log.add({ method, path: url.pathname, query: url.search, status: r.status });
      send(res, r, ids);
      return;
    }
    const { body, malformed } = parseJson(raw);
    const r = await graph(method, url, body, malformed, ids, checked.claims);
    if (r === 'reset') {
      log.add({ method, path: url.pathname, query: url.search, status: 0 });
      req.socket.destroy();
      return;
    }
    send(res, r, ids);
  };

  const armHandler = ({ req, res, method, url, raw }: Incoming): Promise<void> =>
    serveArm(req, res, method, url, raw, idsOf(req));

  /** The front both listeners share: refuses hostile requests, reads the body, and turns a bug into a 500. */
  const guarded =
    (serve: (x: Incoming) => Promise<void>, self: () => Listener) =>
    (req: IncomingMessage, res: ServerResponse): void => {
      const run = async (): Promise<void> => {
        const l = self();
        const method = (req.method ?? 'GET').toUpperCase();
        const refused = hostileRequest(req, method, l);
        if (refused) {
          req.resume();
          send(res, refused, undefined);
          return;
        }
        const url = new URL(req.url ?? '/', `${scheme}://${req.headers.host ?? host}`);
        const raw = await readBody(req);
        if (opts.latencyMs) await sleep(opts.latencyMs);
        await serve({ req, res, l, method, url, raw });
      };
      run().catch((err: unknown) => {
        // A bug in the emulator must show up as a 500 with a clue, not a hung client.
        if (!res.headersSent) {
          res.writeHead(500, { 'Content-Type': 'text/plain' });
          res.end(`emulator error: ${err instanceof Error ? err.message : String(err)}`);
        } else res.destroy();
      });
    };
  // The handlers reach their listener through a closure: it exists by the time the first request arrives.
  const graphListener: Listener = await listen(
    guarded(graphHandler, () => graphListener),
    opts,
    host,
    opts.port ?? 0,
    scheme,
  );
  graphUrl = `${scheme}://${host}:${graphListener.port}`;
  try {
    armListener = await listen(
      guarded(armHandler, () => armListener!),
      opts,
      host,
      opts.armPort ?? 0,
      scheme,
    );
  } catch (err) {
    graphListener.server.close();
    throw err;
  }
  const listeners = [graphListener, armListener];
  let closing: Promise<void> | undefined;
  const issueToken = (t: TokenRequest = {}): string => {
    const id = t.clientId ?? DEFAULT_EMULATOR_CLIENT_ID;
    const client = clients.get(id);
    if (!client) throw new Error(`no client ${id} is registered in the emulator`);
    return tokens.issue(client, t.api ?? 'graph', t.lifetimeS ?? TOKEN_LIFETIME_S);
  };

  return {
    ...control,
    url: graphUrl,
    armUrl: `${scheme}://${host}:${armListener.port}`,
    tenantId: state.tenantId,
    token: issueToken({ lifetimeS: 86_400 }),
    armToken: issueToken({ api: 'arm', lifetimeS: 86_400 }),
    issueToken,
    roleDefinitions: () => structuredClone([...state.roleDefinitions()]),
    getPolicy: (id) => {
      const p = state.policyOf(id);
      return p ? structuredClone(p) : undefined;
    },
    getPolicyOfRole: (roleId) => {
      const p = state.policyOf(roleId);
      return p ? structuredClone(p) : undefined;
    },
    getRule: (id, ruleId) => {
      const p = state.policyOf(id);
      const r = p ? state.rule(p, ruleId) : undefined;
      return r ? structuredClone(r) : undefined;
    },
    setConditionalAccessPolicy: (p) => ca.setPolicy(p),
    removeConditionalAccessPolicy: (id) => ca.removePolicy(id),
    conditionalAccessPolicies: () => ca.listPolicies(),
    noMfaAlertIncidents: () => alerts.noMfaIncidents(),
    refreshAlertsNow: () => alerts.refreshNow(),
    getArmRule: (scope, roleGuid, ruleId) => arm.rule(scope, roleGuid, ruleId),
    setArmEnabledRules: (scope, roleGuid, rules) => arm.setEnabledRules(scope, roleGuid, rules),
    seedArmInstances: (scope, seed) => arm.seedInstances(scope, seed),
    // Idempotent: tests close in afterEach whatever the test did.
    close: () =>
      (closing ??= Promise.all(
        listeners.map(
          (l) =>
            new Promise<void>((resolve, reject) => {
              l.server.close((err) => (err ? reject(err) : resolve()));
              l.server.closeAllConnections();
            }),
        ),
      ).then(() => undefined)),
  };
}
