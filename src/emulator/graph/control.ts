// The emulator's own control API under /_emulator (no auth; the emulator listens on loopback only): inject
// faults, read or reset the request log, and change state out of band as an administrator in the portal would.
import type { TenantData } from './catalog.js';
import type { GraphResponse } from './errors.js';
import type { FaultSpec } from './faults.js';
import type { ListOptions, LoggedRequest, RequestCounts } from './request-log.js';

/** What the control API can do to an emulator. */
export interface ControlTarget {
  requests(opts?: ListOptions): LoggedRequest[];
  counts(): RequestCounts;
  resetLog(): void;
  injectFault(f: FaultSpec): void;
  clearFaults(): void;
  pendingFaults(): number;
  setEnabledRules(roleId: string, rules: string[]): void;
  setAuthenticationContext(roleId: string, claimValue: string | null): void;
  exportState(): TenantData;
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
          requests: t.requests({ batchItems: query.get('batchItems') === 'true' }),
          counts: t.counts(),
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
