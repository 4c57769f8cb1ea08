// The emulator's own control API under /_emulator (no auth; the emulator listens on loopback only): inject
// faults, read or reset the request log, and change state out of band as an administrator in the portal would.
import type { TenantData } from './catalog.js';
import type { DirectorySeed } from './directory.js';
import type { GraphResponse } from './errors.js';
import type { FaultSpec } from './faults.js';
import type { ListOptions, LogStats, LoggedRequest, RequestCounts } from './request-log.js';
import type { EmulatorClient } from './tokens.js';

/** What the control API can do to an emulator. */
export interface ControlTarget {
  requests(opts?: ListOptions): LoggedRequest[];
  counts(): RequestCounts;
  /** How many entries the bounded request log keeps and has dropped. */
  logStats(): LogStats;
  resetLog(): void;
  injectFault(f: FaultSpec): void;
  clearFaults(): void;
  pendingFaults(): number;
  setEnabledRules(roleId: string, rules: string[]): void;
  setAuthenticationContext(roleId: string, claimValue: string | null): void;
  exportState(): TenantData;
  /** Adds (or replaces by id) users, groups, memberships, schedule instances and group PIM policies. */
  seedDirectory(seed: DirectorySeed): void;
  /** Removes every user, group, holder and group policy. */
  clearDirectory(): void;
  /** Registers or replaces an application and its permissions. */
  setClient(c: EmulatorClient): void;
  removeClient(clientId: string): boolean;
  /** The registered applications. */
  clients(): EmulatorClient[];
}

function json(status: number, body?: unknown): GraphResponse {
  return body === undefined
    ? { status, headers: {} }
    : { status, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body };
}

function fail(status: number, message: string): GraphResponse {
  return json(status, { error: { code: 'EmulatorControl', message } });
}

/** Answers a /_emulator request. */
export function routeControl(
  t: ControlTarget,
  method: string,
  path: string,
  query: URLSearchParams,
  body: unknown,
): GraphResponse {
  try {
    if (path === '/_emulator/requests') {
      if (method === 'GET') {
        return json(200, {
          requests: t.requests({
            batchItems: query.get('batchItems') === 'true',
            identity: query.get('identity') === 'true',
          }),
          counts: t.counts(),
          log: t.logStats(),
        });
      }
      if (method === 'DELETE') {
        t.resetLog();
        return json(204);
      }
    }
    if (path === '/_emulator/faults') {
      if (method === 'POST') {
        t.injectFault(body as FaultSpec);
        return json(201, { pending: t.pendingFaults() });
      }
      if (method === 'DELETE') {
        t.clearFaults();
        return json(204);
      }
      if (method === 'GET') return json(200, { pending: t.pendingFaults() });
    }
    if (path === '/_emulator/state' && method === 'GET') return json(200, t.exportState());
    if (path === '/_emulator/directory') {
      if (method === 'POST') {
        if (typeof body !== 'object' || body === null || Array.isArray(body))
          return fail(
            400,
            'body must be {"users": [...], "groups": [...], "roleEligibilities": [...], ...}',
          );
        t.seedDirectory(body as DirectorySeed);
        return json(204);
      }
      if (method === 'DELETE') {
        t.clearDirectory();
        return json(204);
      }
    }
    if (path === '/_emulator/clients' && method === 'GET')
      return json(200, { clients: t.clients() });
    const c = /^\/_emulator\/clients\/([^/]+)$/.exec(path);
    if (c) {
      const clientId = decodeURIComponent(c[1]!);
      if (method === 'PUT') {
        const b = (body ?? {}) as Partial<EmulatorClient>;
        if (typeof b !== 'object' || Array.isArray(b))
          return fail(
            400,
            'body must be {"graphRoles": [...], "armActions": [...], "secret"?: "..."}',
          );
        t.setClient({
          clientId,
          graphRoles: b.graphRoles ?? [],
          armActions: b.armActions ?? [],
          ...(typeof b.secret === 'string' ? { secret: b.secret } : {}),
        });
        return json(204);
      }
      if (method === 'DELETE')
        return t.removeClient(clientId) ? json(204) : fail(404, `no client ${clientId}`);
    }
    // Both spellings: /_emulator/roles/{id}/… (the documented one) and /_emulator/state/roles/{id}/….
    const m =
      /^\/_emulator\/(?:state\/)?roles\/([^/]+)\/(enabledRules|authenticationContext)$/.exec(path);
    if (m && (method === 'PUT' || method === 'POST')) {
      const roleId = decodeURIComponent(m[1]!);
      if (m[2] === 'enabledRules') {
        // Accept the bare array or {"enabledRules": [...]}, whichever is handier in a shell.
        const rules = Array.isArray(body)
          ? body
          : (body as { enabledRules?: unknown })?.enabledRules;
        if (!Array.isArray(rules) || !rules.every((r) => typeof r === 'string')) {
          return fail(400, 'body must be a string array or {"enabledRules": [...]}');
        }
        t.setEnabledRules(roleId, rules as string[]);
      } else {
        const claim = (body as { claimValue?: unknown } | null)?.claimValue;
        if (claim !== null && typeof claim !== 'string')
          return fail(400, 'body must be {"claimValue": "c1"} or {"claimValue": null}');
        t.setAuthenticationContext(roleId, claim);
      }
      return json(204);
    }
  } catch (err) {
    return fail(400, err instanceof Error ? err.message : String(err));
  }
  return fail(404, `no control endpoint ${method} ${path}`);
}
