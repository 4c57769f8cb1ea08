// The Entra ProviderClient: Microsoft Entra PIM policies of directory roles through Microsoft Graph.
//
// snapshot(): two paged listings, whatever the number of roles: the role definitions (for names) and every
// policy assignment at scope '/' with `$expand=policy($expand=rules)`. Never one request per role.
//
// apply(): read, modify, write, verify.
//  1. Re-read each affected policy with its rules (batched). The snapshot an action was planned from can be
//     minutes old, and Graph replaces the whole enabledRules array on PATCH, so a body computed from the
//     snapshot would silently drop a Justification/Ticketing requirement an administrator added since. The
//     PATCH body is the action's change (MFA added or removed) applied to these freshest rules. Graph has no
//     ETag on rules, so a change in the milliseconds between this read and the write can still be lost; that
//     window is as small as the API allows.
//  2. Write only what differs: one PATCH per changed rule, through $batch (20 per batch) when there is more than
//     one, a plain PATCH otherwise. Nothing is written for a rule already in the wanted state.
//  3. Re-read the written policies (batched) and return the verified LiveRole of each action; when the read does
//     not yet show the write (Graph does not document read-after-write consistency), the reconciler sees the
//     mismatch in the returned role and retries.
import type { LiveRole } from '../../api/observation.js';
import type { Action } from '../../reconcile/action.js';
import {
  ProviderError,
  type ActionResult,
  type ProviderClient,
  type ProviderSnapshot,
} from '../types.js';
import {
  createCredential,
  DEFAULT_GRAPH_BASE_URL,
  EntraConfigError,
  type CredentialOptions,
  type EntraSpec,
} from './credentials.js';
import {
  GraphClient,
  type BatchRequest,
  type GraphClientOptions,
  type GraphStats,
} from './graph-client.js';
import {
  AUTH_CONTEXT_RULE,
  authenticationContextPatch,
  DIRECTORY_SCOPE,
  ENABLEMENT_RULE,
  enablementPatch,
  findRule,
  liveRoleFromPolicy,
  sameRules,
  withMfa,
  type GraphPolicy,
  type GraphPolicyAssignment,
  type GraphRoleDefinition,
  type RulePatchBody,
} from './mapping.js';
import { EntraSnapshot } from './snapshot.js';
import type { RetryOptions } from './retry.js';
import type { TokenCredential } from '@azure/identity';

/** What the caller resolves (the client secret) or injects (a credential, retry tuning, a clock). */
export interface EntraProviderOptions extends CredentialOptions {
  /** Replaces the credential built from the spec (tests, custom chains). */
  credential?: TokenCredential | undefined;
  retry?: RetryOptions | undefined;
  fetch?: typeof fetch | undefined;
  /** Jitter source for retries (tests make it deterministic). */
  random?: (() => number) | undefined;
  now?: (() => Date) | undefined;
  /**
   * Asks for pages of at most this many items (`$top`) on the snapshot's listings. Unset by default: the
   * server's own page size applies, and real Graph does not document `$top` on these lists.
   */
  pageSize?: number | undefined;
}

/** The listing filter every PIM list needs (without it Graph answers 400 MissingProvider). */
const SCOPE_FILTER = encodeURIComponent("scopeId eq '/' and scopeType eq 'DirectoryRole'");
const ASSIGNMENTS_PATH = `/policies/roleManagementPolicyAssignments?$filter=${SCOPE_FILTER}&$expand=policy($expand=rules)`;
const DEFINITIONS_PATH =
  '/roleManagement/directory/roleDefinitions?$select=id,displayName,templateId,isBuiltIn';
const policyPath = (id: string): string =>
  `/policies/roleManagementPolicies/${encodeURIComponent(id)}`;

/** Builds the Entra provider for one IdentityProvider. */
export function createEntraProvider(
  spec: EntraSpec,
  opts: EntraProviderOptions = {},
): EntraProvider {
  return new EntraProvider(spec, opts);
}

/** One rule write, and the actions it serves. */
interface RuleWrite {
  policyId: string;
  ruleId: string;
  body: RulePatchBody;
}

/** A ProviderClient for one Entra tenant. */
export class EntraProvider implements ProviderClient {
  readonly kind = 'entra' as const;
  readonly graph: GraphClient;
  private readonly now: () => Date;
  private readonly top: string;

  constructor(
    readonly spec: EntraSpec,
    opts: EntraProviderOptions = {},
  ) {
    const credential = opts.credential ?? createCredential(spec, opts);
    const clientOpts: GraphClientOptions = {
      baseUrl: spec.graphBaseUrl ?? DEFAULT_GRAPH_BASE_URL,
      credential,
      ...(opts.retry ? { retry: opts.retry } : {}),
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
      ...(opts.random ? { random: opts.random } : {}),
    };
    this.graph = new GraphClient(clientOpts);
    this.now = opts.now ?? (() => new Date());
    if (opts.pageSize !== undefined && (!Number.isInteger(opts.pageSize) || opts.pageSize < 1)) {
      throw new EntraConfigError(`pageSize must be a positive integer, not ${opts.pageSize}`);
    }
    this.top = opts.pageSize === undefined ? '' : `&$top=${opts.pageSize}`;
  }

  /** Request counters (requests, reads, writes, retries, batches, bytes, throttled). */
  stats(): GraphStats {
    return { ...this.graph.stats };
  }

  /** One cheap read that needs RoleManagementPolicy.Read.Directory. */
  async checkAccess(signal?: AbortSignal): Promise<void> {
    await this.graph.get(
      `/policies/roleManagementPolicyAssignments?$filter=${SCOPE_FILTER}&$top=1`,
      signal,
    );
  }

  /** Reads every directory-role policy: ceil(roles/page) + ceil(assignments/page) requests. */
  async snapshot(signal?: AbortSignal): Promise<ProviderSnapshot> {
    const [definitions, assignments] = await Promise.all([
      this.graph.list<GraphRoleDefinition>(DEFINITIONS_PATH + this.top, signal),
      this.graph.list<GraphPolicyAssignment>(ASSIGNMENTS_PATH + this.top, signal),
    ]);
    return new EntraSnapshot(definitions, assignments, this.now().toISOString());
  }

  /** Applies actions as described at the top of this file. Never throws for one failed action. */
  async apply(actions: readonly Action[], signal?: AbortSignal): Promise<ActionResult[]> {
    const failed = new Map<number, ProviderError>();
    const policyIds = new Map<string, string>(); // lower-case key → id as the action spelled it
    actions.forEach((a, i) => {
      if (a.scope !== DIRECTORY_SCOPE) {
        failed.set(
          i,
          new ProviderError(
            'NotFound',
            `Entra directory-role policies exist at scope '/' only, not '${a.scope}'`,
          ),
        );
      } else if (!policyIds.has(a.policyId.toLowerCase())) {
        policyIds.set(a.policyId.toLowerCase(), a.policyId);
      }
    });

    // 1. Freshest rules of every affected policy.
    const fresh = await this.readPolicies([...policyIds.values()], signal);

    // 2. The writes: each action's change applied to the fresh rules, skipping rules already as wanted.
    const writes = new Map<string, RuleWrite>(); // policy|rule → write
    const writeOf = new Map<number, string>();
    actions.forEach((a, i) => {
      if (failed.has(i)) return;
      const key = a.policyId.toLowerCase();
      const read = fresh.get(key);
      if (!read || read instanceof ProviderError) {
        failed.set(
          i,
          read ?? new ProviderError('Unavailable', `policy ${a.policyId} was not read`),
        );
        return;
      }
      const w = this.writeFor(a, read, writes.get(`${key}|${ruleOf(a)}`)?.body);
      if (w) {
        writes.set(`${key}|${w.ruleId}`, w);
        writeOf.set(i, `${key}|${w.ruleId}`);
      }
    });

    const writeErrors = await this.sendWrites([...writes.entries()], signal);
    for (const [i, k] of writeOf) {
      const e = writeErrors.get(k);
      if (e) failed.set(i, e);
    }

    // 3. Verify what was written; policies with nothing written are already known from step 1.
    const written = new Set([...writes.values()].map((w) => w.policyId.toLowerCase()));
    const toVerify = [...written].filter((k) =>
      actions.some((a, i) => !failed.has(i) && a.policyId.toLowerCase() === k),
    );
    const verified = await this.readPolicies(
      toVerify.map((k) => policyIds.get(k) ?? k),
      signal,
    );

    return actions.map((action, i): ActionResult => {
      const err = failed.get(i);
      if (err) return { action, ok: false, error: err };
      const key = action.policyId.toLowerCase();
      const policy = written.has(key) ? verified.get(key) : fresh.get(key);
      if (!policy || policy instanceof ProviderError) {
        const why = policy instanceof ProviderError ? `: ${policy.message}` : '';
        return {
          action,
          ok: false,
          error: new ProviderError(
            'Unavailable',
            `wrote policy ${action.policyId} but could not read it back${why}`,
            {
              ...(policy instanceof ProviderError ? { cause: policy } : {}),
            },
          ),
        };
      }
      return { action, ok: true, role: this.liveRole(action, policy) };
    });
  }

  private liveRole(a: Action, policy: GraphPolicy): LiveRole {
    return liveRoleFromPolicy({ id: a.roleId, displayName: a.roleDisplayName }, policy);
  }

  /** The write an action needs on top of the fresh policy (and of an earlier write to the same rule). */
  private writeFor(
    a: Action,
    policy: GraphPolicy,
    pending: RulePatchBody | undefined,
  ): RuleWrite | undefined {
    if (a.kind === 'SetMfa') {
      const rule = findRule(policy.rules, ENABLEMENT_RULE);
      const current = (pending?.enabledRules as string[] | undefined) ?? rule?.enabledRules ?? [];
      const next = withMfa(current, a.enabled);
      if (!pending && rule && sameRules(current, next)) return undefined;
      return { policyId: policy.id, ruleId: ENABLEMENT_RULE, body: enablementPatch(next, rule) };
    }
    const rule = findRule(policy.rules, AUTH_CONTEXT_RULE);
    if (rule?.isEnabled === true && rule.claimValue?.toLowerCase() === a.claimValue.toLowerCase())
      return undefined;
    return {
      policyId: policy.id,
      ruleId: AUTH_CONTEXT_RULE,
      body: authenticationContextPatch(a.claimValue, rule),
    };
  }

  /** GETs policies with rules: one GET for one policy, $batch for more. Keyed by lower-case policy id. */
  private async readPolicies(
    ids: string[],
    signal?: AbortSignal,
  ): Promise<Map<string, GraphPolicy | ProviderError>> {
    const out = new Map<string, GraphPolicy | ProviderError>();
    if (ids.length === 0) return out;
    const path = (id: string): string => `${policyPath(id)}?$expand=rules`;
    if (ids.length === 1) {
      const id = ids[0]!;
      try {
        out.set(id.toLowerCase(), await this.graph.get<GraphPolicy>(path(id), signal));
      } catch (err) {
        out.set(id.toLowerCase(), asProviderError(err));
      }
      return out;
    }
    const reqs: BatchRequest[] = ids.map((id, n) => ({
      id: String(n + 1),
      method: 'GET',
      url: path(id),
    }));
    let results;
    try {
      results = await this.graph.batch(reqs, signal);
    } catch (err) {
      for (const id of ids) out.set(id.toLowerCase(), asProviderError(err));
      return out;
    }
    ids.forEach((id, n) => {
      const r = results.get(String(n + 1));
      out.set(
        id.toLowerCase(),
        r?.error ??
          (r?.body as GraphPolicy | undefined) ??
          new ProviderError('Unavailable', `no answer for policy ${id}`),
      );
    });
    return out;
  }

  /** Sends rule PATCHes: a plain PATCH for one, $batch for more. Returns the error of each failed write. */
  private async sendWrites(
    writes: Array<[string, RuleWrite]>,
    signal?: AbortSignal,
  ): Promise<Map<string, ProviderError>> {
    const errors = new Map<string, ProviderError>();
    const url = (w: RuleWrite): string => `${policyPath(w.policyId)}/rules/${w.ruleId}`;
    if (writes.length === 1) {
      const [k, w] = writes[0]!;
      try {
        await this.graph.request('PATCH', url(w), { body: w.body, signal });
      } catch (err) {
        errors.set(k, asProviderError(err));
      }
      return errors;
    }
    if (writes.length === 0) return errors;
    const reqs: BatchRequest[] = writes.map(([, w], n) => ({
      id: String(n + 1),
      method: 'PATCH',
      url: url(w),
      body: w.body,
    }));
    try {
      const results = await this.graph.batch(reqs, signal);
      writes.forEach(([k], n) => {
        const r = results.get(String(n + 1));
        if (!r) errors.set(k, new ProviderError('Unavailable', `no answer for a write to ${k}`));
        else if (r.error) errors.set(k, r.error);
      });
    } catch (err) {
      for (const [k] of writes) errors.set(k, asProviderError(err));
    }
    return errors;
  }
}

function ruleOf(a: Action): string {
  return a.kind === 'SetMfa' ? ENABLEMENT_RULE : AUTH_CONTEXT_RULE;
}

function asProviderError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  return new ProviderError('Unavailable', err instanceof Error ? err.message : String(err), {
    cause: err,
  });
}
