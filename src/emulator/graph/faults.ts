// Fault injection: make the next N matching requests fail (a status such as 429 with or without Retry-After),
// drop the connection, or answer late. Faults match top-level requests and `$batch` items alike, so that
// per-item throttling inside a batch can be exercised.
//
// Graph throttles per tenant and per application: an emulator is one tenant, so a fault injected into it throttles
// (or slows) that tenant alone, and `match.clientId` narrows it to one application. `untilCleared` keeps a tenant
// throttled or slow for as long as a test or benchmark needs, until the faults are cleared.

/** Which requests a fault applies to. */
export interface FaultMatch {
  /** HTTP method, case-insensitive. */
  method?: string;
  /** A substring of the path (and query) such as `rules/Enablement` or `$batch`. */
  pathIncludes?: string;
  /** Only top-level requests, only `$batch` items, or both (default both). */
  scope?: 'request' | 'batchItem' | 'any';
  /** Only requests of this application (the token's `appid`), case-insensitive. */
  clientId?: string;
}

/** A fault to inject. */
export interface FaultSpec {
  match?: FaultMatch;
  /** Answer with this status (and the matching Graph error body). Ignored for `reset`. */
  status?: 429 | 503 | 504 | 500 | 403 | 401;
  /** The Retry-After header value for a 429 or 503 (seconds, may be fractional such as `2.128`). */
  retryAfter?: string;
  /**
   * `status` (default when `status` is set): answer with an error; `reset`: destroy the socket; `delay`
   * (default when only `delayMs` is set): answer late but normally.
   */
  kind?: 'status' | 'reset' | 'delay';
  /** Shorthand for `kind: 'reset'`: destroy the socket instead of answering. */
  reset?: boolean;
  /** Wait this long first: alone (or with `kind: 'delay'`) the answer is normal, with `status` it is the error. */
  delayMs?: number;
  /** How many matching requests the fault hits (default 1). */
  times?: number;
  /** Hit every matching request until the faults are cleared (`times` is then ignored). */
  untilCleared?: boolean;
}

/** What a matched fault asks the server to do. */
export type FaultAction =
  | { kind: 'status'; status: number; retryAfter?: string; delayMs?: number }
  | { kind: 'reset' }
  | { kind: 'delay'; delayMs: number };

interface ActiveFault {
  spec: FaultSpec;
  left: number;
}

/** The faults still to fire, in the order they were injected. */
export class FaultInjector {
  private faults: ActiveFault[] = [];

  /** Adds a fault. Throws on a spec that could never fire. */
  inject(spec: FaultSpec): void {
    const kind = kindOf(spec);
    if (kind === 'status' && spec.status === undefined) {
      throw new Error('a status fault needs a status');
    }
    const times = spec.untilCleared === true ? Number.POSITIVE_INFINITY : (spec.times ?? 1);
    if (spec.untilCleared !== true && (!Number.isInteger(times) || times < 1))
      throw new Error('times must be a positive integer');
    this.faults.push({ spec: structuredClone(spec), left: times });
  }

  clear(): void {
    this.faults = [];
  }

  /** How many firings are left over all faults (tests assert that a fault was consumed); a fault until cleared counts one. */
  pending(): number {
    return this.faults.reduce((n, f) => n + (Number.isFinite(f.left) ? f.left : 1), 0);
  }

  /** Consumes and returns the first fault matching a request (of application `clientId`, if known), if any. */
  take(
    method: string,
    pathAndQuery: string,
    inBatch: boolean,
    clientId?: string,
  ): FaultAction | undefined {
    const f = this.faults.find((x) =>
      matches(x.spec.match ?? {}, method, pathAndQuery, inBatch, clientId),
    );
    if (!f) return undefined;
    f.left--;
    if (f.left === 0) this.faults = this.faults.filter((x) => x !== f);
    const kind = kindOf(f.spec);
    if (kind === 'reset') return { kind: 'reset' };
    if (kind === 'delay') return { kind: 'delay', delayMs: f.spec.delayMs ?? 1000 };
    return {
      kind: 'status',
      status: f.spec.status!,
      ...(f.spec.retryAfter === undefined ? {} : { retryAfter: f.spec.retryAfter }),
      ...(f.spec.delayMs === undefined ? {} : { delayMs: f.spec.delayMs }),
    };
  }
}

/** The fault's kind, from `kind` or the shorthands (`reset: true`, a lone `delayMs`). */
function kindOf(spec: FaultSpec): 'status' | 'reset' | 'delay' {
  if (spec.kind) return spec.kind;
  if (spec.reset === true) return 'reset';
  if (spec.status === undefined && spec.delayMs !== undefined) return 'delay';
  return 'status';
}

function matches(
  m: FaultMatch,
  method: string,
  pathAndQuery: string,
  inBatch: boolean,
  clientId: string | undefined,
): boolean {
  const scope = m.scope ?? 'any';
  if (m.clientId && m.clientId.toLowerCase() !== clientId?.toLowerCase()) return false;
  if (scope === 'request' && inBatch) return false;
  if (scope === 'batchItem' && !inBatch) return false;
  if (m.method && m.method.toUpperCase() !== method.toUpperCase()) return false;
  if (m.pathIncludes && !safeDecode(pathAndQuery).includes(m.pathIncludes)) return false;
  return true;
}

/** Decodes %-escapes so that a match can be written as the client wrote the URL (`$batch`, quotes, spaces). */
function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}
