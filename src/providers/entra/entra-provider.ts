// The Entra ProviderClient: Microsoft Entra PIM policies of directory roles through Microsoft Graph.
//
// snapshot(): two paged listings, whatever the number of roles: the role definitions (for names) and every
// policy assignment at scope '/' with `$expand=policy($expand=rules)`. Never one request per role. Both ask for
// large pages (`$top`: 999, Graph's usual maximum, for role definitions; 200 for the assignments, each of which carries its whole policy), since the cost is ceil(roles / page size) per listing and the
// server's default page may be small; whether Graph honours `$top` on these lists is [unverified], and a server
// that refuses it (400) is asked again without it, once per client (see GraphClient.firstPage).
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
//
// Azure roles (spec.entra.azureRbac) go through ARM instead: the snapshot lists each configured scope's policy
// assignments and role definitions (paged, never per role); apply GETs the policy, PATCHes only the changed
// rules, and takes the 200 body (the whole policy) as the verification.
//
// Authentication contexts: when some role has one enabled, the snapshot also lists the Conditional Access
// policies once (see conditional-access.ts), classifies every context, and maps every policy to an AccessPolicy
// (access-policy.ts) that goes into the coverage facts of each role whose holders were read.
//
// Two switches are turned by SetMfa: the activation rule (Enablement_EndUser_Assignment) and, for switchName
// AssignmentRule, the assignment rule (Enablement_Admin_Assignment, MFA of the administrator making an active
// assignment). Both go through the same read, write-only-what-differs and verify path, Graph and ARM alike.
//
// Holders (LiveRole.coverage): who holds each role, read in bulk (holders-read.ts, never per role or holder). The
// first snapshot waits for them; later snapshots carry the last complete read and start the next one beside
// them, so that the holder read never delays policy enforcement. A failed read leaves coverage absent (logged,
// naming a missing permission); it never fails the snapshot.
import type { LiveRole } from '../../api/observation.js';
import type { Action } from '../../reconcile/action.js';
import {
  ProviderError,
  type ActionResult,
  type ProviderAlert,
  type ProviderClient,
  type ProviderSnapshot,
} from '../types.js';
import { readNoMfaAlerts, type AlertRefreshOptions } from './alerts.js';
import { ArmClient, DEFAULT_RESOURCE_MANAGER_URL } from './arm-client.js';
import {
  armAuthenticationContextRule,
  armEnablementRule,
  armHasContext,
  findArmRule,
  liveRoleFromArm,
  armInstance,
  type ArmScheduleInstance,
  type ArmPolicy,
  type ArmPolicyAssignment,
  type ArmRoleDefinition,
  type ArmRule,
} from './arm-mapping.js';
import { readConditionalAccess, type ConditionalAccessRead } from './conditional-access.js';
import {
  createCredential,
  DEFAULT_GRAPH_BASE_URL,
  EntraConfigError,
  type CredentialOptions,
  type EntraSpec,
} from './credentials.js';
import {
  GraphClient,
  MAX_PAGE_SIZE,
  EXPANDED_PAGE_SIZE,
  type BatchRequest,
  type GraphClientLogger,
  type GraphClientOptions,
  type GraphStats,
} from './graph-client.js';
import {
  AUTH_CONTEXT_RULE,
  authenticationContextPatch,
  DIRECTORY_SCOPE,
  enabledRulesOf,
  enablementPatch,
  enablementRuleOf,
  findRule,
  slimAssignment,
  liveRoleFromPolicy,
  sameRules,
  withMfa,
  type GraphPolicy,
  type GraphPolicyAssignment,
  type GraphRoleDefinition,
  type RulePatchBody,
} from './mapping.js';
import { EntraSnapshot, type ArmScopeRead } from './snapshot.js';
import { readHolders, type ReadHoldersOptions } from './holders-read.js';
import { readGroupPolicies } from './group-policies-read.js';
import type { GroupPolicyRead } from './group-policies.js';
import { groupOfScope, groupRoleScope } from '../../api/role-target.js';
import { coverageByRole, type RoleScheduleInstance } from './holders.js';
import type { CoverageFacts } from '../../api/coverage.js';
import { isLoopbackUrl } from '../../util/loopback.js';
import type { RetryOptions } from './retry.js';
import type { TokenCredential } from '@azure/identity';
import type { RequestObserver } from '../request-observer.js';
import type { HttpFetch } from '../http-fetch.js';

/** What the caller resolves (the client secret) or injects (a credential, retry tuning, a clock). */
export interface EntraProviderOptions extends CredentialOptions {
  /** Replaces the credential built from the spec (tests, custom chains). */
  credential?: TokenCredential | undefined;
  retry?: RetryOptions | undefined;
  fetch?: HttpFetch | undefined;
  /** Jitter source for retries (tests make it deterministic). */
  random?: (() => number) | undefined;
  now?: (() => Date) | undefined;
  /**
   * The page size asked for with `$top` on the snapshot's listings (default {@link MAX_PAGE_SIZE}, 999, for role
   * definitions and {@link EXPANDED_PAGE_SIZE}, 200, for the policy assignments with their expanded policies; the
   * server may grant less). Real Graph does not document `$top` on these lists: a refusal makes the client list
   * with the server's page size instead. When set, it applies to both and to PIM alert incidents.
   */
  pageSize?: number | undefined;
  /** Receives operator notices, such as Graph refusing `$top` (a pino logger fits; default: none). */
  logger?: GraphClientLogger | undefined;
  /** How alerts() waits for PIM's alert refresh (polling interval and bound). */
  alertRefresh?: AlertRefreshOptions | undefined;
  /** Times every Graph and ARM request sent (metrics). */
  onRequest?: RequestObserver | undefined;
  /**
   * Read who holds each directory role (schedule instances, role-assignable groups and their members, PIM for
   * Groups) beside the snapshots, at most once per holdersIntervalMs, for `LiveRole.coverage` (default true). See
   * holders-read.ts for the cost.
   */
  holders?: boolean | undefined;
  /**
   * The least time between the starts of two holder reads (default {@link HOLDERS_INTERVAL_MS}): a snapshot taken
   * sooner carries the last complete read instead of starting another. Who holds a role changes far less often
   * than a controller may resync, and a holder read is the largest read of a snapshot (two tenant-wide instance
   * listings, names, and a `$batch` per 20 groups): resyncing every 10 s must not re-read them every 10 s.
   */
  holdersIntervalMs?: number | undefined;
  /**
   * Read the PIM for Groups policies (member and owner) of the tenant's role-assignable groups with every snapshot,
   * so that PrivilegedRoles may name a group's access (spec.group): 1 + ceil(groups / 20) requests (default: as
   * `holders`). See group-policies-read.ts.
   */
  groups?: boolean | undefined;
}

/** How often holders are read at most, by default: see {@link EntraProviderOptions.holdersIntervalMs}. */
export const HOLDERS_INTERVAL_MS = 60_000;

/** The Authorization provider path under an ARM scope. */
const ARM_PROVIDER = '/providers/Microsoft.Authorization';

/** The listing filter every PIM list needs (without it Graph answers 400 MissingProvider). */
const SCOPE_FILTER = encodeURIComponent("scopeId eq '/' and scopeType eq 'DirectoryRole'");
const ASSIGNMENTS_PATH = `/policies/roleManagementPolicyAssignments?$filter=${SCOPE_FILTER}&$expand=policy($expand=rules)`;
// Only what the snapshot reads (mapping.ts: id, displayName, templateId): role definitions carry descriptions
// and permission lists that would otherwise make up most of that listing.
const DEFINITIONS_PATH =
  '/roleManagement/directory/roleDefinitions?$select=id,displayName,templateId';
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
  readonly kind = 'entra';
  readonly graph: GraphClient;
  /** The ARM client, when spec.entra.azureRbac is set. */
  readonly arm: ArmClient | undefined;
  private readonly now: () => Date;
  /** `$top` of the snapshot's listings. */
  private readonly top: number;
  private readonly expandedTop: number;
  private readonly armScopes: readonly string[];
  private readonly directoryRoles: boolean;
  private readonly alertRefresh: AlertRefreshOptions;
  /** `$top` of alert incidents: only when asked for, as before `$top` became the snapshot's default. */
  private readonly alertPageSize: number | undefined;
  private readonly readsHolders: boolean;
  private readonly readsGroups: boolean;
  /**
   * The holder facts of each directory role (lower-case id) as the last snapshot read them. A write changes a
   * policy, never who holds the role, so a role verified after a write carries them on until the next snapshot.
   */
  private lastCoverage = new Map<string, CoverageFacts>();
  /** The last complete holder read, and the one running (see holders()). */
  private holdersDone: HolderFacts | undefined;
  private holdersInFlight: Promise<HolderFacts> | undefined;
  /** When the holder read that is running, or produced holdersDone, started (ms since epoch). */
  private holdersStartedAt: number | undefined;
  private readonly holdersIntervalMs: number;
  private readonly logger: GraphClientLogger | undefined;

  constructor(
    readonly spec: EntraSpec,
    opts: EntraProviderOptions = {},
  ) {
    const credential = opts.credential ?? createCredential(spec, opts);
    const clientOpts: GraphClientOptions = {
      baseUrl: spec.graphBaseUrl ?? DEFAULT_GRAPH_BASE_URL,
      credential,
      // Graph and ARM throttle per application and tenant: one Retry-After gate per tenant
      throttlePartition: spec.tenantId,
      ...(opts.retry ? { retry: opts.retry } : {}),
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
      ...(opts.random ? { random: opts.random } : {}),
      ...(opts.logger ? { logger: opts.logger } : {}),
      ...(opts.onRequest ? { onRequest: opts.onRequest } : {}),
    };
    this.graph = new GraphClient(clientOpts);
    this.now = opts.now ?? (() => new Date());
    if (opts.pageSize !== undefined && (!Number.isInteger(opts.pageSize) || opts.pageSize < 1)) {
      throw new EntraConfigError(`pageSize must be a positive integer, not ${opts.pageSize}`);
    }
    this.top = opts.pageSize ?? MAX_PAGE_SIZE;
    this.expandedTop = opts.pageSize ?? EXPANDED_PAGE_SIZE;
    this.alertPageSize = opts.pageSize;
    this.readsHolders = opts.holders ?? true;
    this.holdersIntervalMs = opts.holdersIntervalMs ?? HOLDERS_INTERVAL_MS;
    this.readsGroups = opts.groups ?? this.readsHolders;
    this.logger = opts.logger;
    this.alertRefresh = opts.alertRefresh ?? {};
    this.directoryRoles = spec.directoryRoles ?? true;
    const rbac = spec.azureRbac;
    this.armScopes = (rbac?.scopes ?? []).map((x) => x.replace(/\/+$/, ''));
    if (rbac) {
      const armUrl = rbac.resourceManagerUrl ?? DEFAULT_RESOURCE_MANAGER_URL;
      // The Emulator credential's development secret and tokens must never reach a real endpoint, ARM included.
      if (spec.credentials.type === 'Emulator' && !opts.credential && !isLoopbackUrl(armUrl)) {
        throw new EntraConfigError(
          `Emulator credentials are accepted only with a loopback azureRbac.resourceManagerUrl, not ${armUrl}`,
        );
      }
      for (const x of this.armScopes) {
        if (
          !/^\/(subscriptions|providers\/Microsoft\.Management\/managementGroups)\/[^/]+/i.test(x)
        ) {
          throw new EntraConfigError(
            `azureRbac scope '${x}' is not a subscription, resource group, resource or management group scope`,
          );
        }
      }
      this.arm = new ArmClient({
        baseUrl: armUrl,
        credential,
        throttlePartition: spec.tenantId,
        ...(opts.retry ? { retry: opts.retry } : {}),
        ...(opts.fetch ? { fetch: opts.fetch } : {}),
        ...(opts.random ? { random: opts.random } : {}),
        ...(opts.onRequest ? { onRequest: opts.onRequest } : {}),
      });
    } else {
      this.arm = undefined;
    }
  }

  /** Request counters (requests, reads, writes, retries, batches, bytes, throttled), Graph and ARM together. */
  stats(): GraphStats {
    const g = { ...this.graph.stats };
    if (!this.arm) return g;
    const a = this.arm.stats;
    for (const k of Object.keys(g) as Array<keyof GraphStats>) g[k] += a[k];
    return g;
  }

  /** How long the tenant's Retry-After gates (Graph's, ARM's) stay closed: the longer of the two. */
  throttledForMs(): number {
    return Math.max(this.graph.throttledForMs(), this.arm?.throttledForMs() ?? 0);
  }

  /**
   * One cheap read that needs RoleManagementPolicy.Read.Directory (or, for an Azure-only provider, the first
   * page of the first scope's policy assignments).
   */
  async checkAccess(signal?: AbortSignal): Promise<void> {
    const first = this.armScopes[0];
    if (!this.directoryRoles && this.arm && first !== undefined) {
      await this.arm.get(`${first}${ARM_PROVIDER}/roleManagementPolicyAssignments`, signal);
      return;
    }
    // $top=1 keeps the answer small; it goes through the same refusal handling as the snapshot's listings.
    await this.graph.firstPage(
      `/policies/roleManagementPolicyAssignments?$filter=${SCOPE_FILTER}`,
      { top: 1 },
      signal,
    );
  }

  /**
   * Reads every policy: ceil(roles/page) + ceil(assignments/page) Graph requests for directory roles (unless
   * directoryRoles is false), where page is what the server grants of the `$top` asked for, plus one request the
   * first time a server refuses `$top`; plus per ARM scope ceil(assignments/page) + ceil(definitions/page), plus
   * ceil(CA policies/page) when some role has an authentication context enabled. Never per role.
   */
  async snapshot(signal?: AbortSignal): Promise<ProviderSnapshot> {
    const readHolders = this.startsHolderRead();
    const armRead = Promise.all(
      this.armScopes.map((scope) => this.readArmScope(scope, readHolders, signal)),
    );
    // Coverage judges holders against the tenant's Conditional Access policies, and the holder read needs the
    // groups they name (memberOf): when holders are read, the policies are listed once, at the start, for both.
    const caRead = this.wantsHolders() ? readConditionalAccess(this.graph, signal) : undefined;
    // Awaited below only once the other reads succeed: a failure of this read meanwhile must not go unhandled.
    caRead?.catch(() => undefined);
    // The PIM for Groups policies serve the holder read too (the activation rules of groups holding roles).
    const groupsReading = this.readGroups(signal);
    const [[definitions, assignments], arm, holdersRead, groupsRead] = await Promise.all([
      this.directoryRoles
        ? Promise.all([
            this.graph.list<GraphRoleDefinition>(DEFINITIONS_PATH, signal, { top: this.top }),
            this.graph.list<GraphPolicyAssignment>(ASSIGNMENTS_PATH, signal, {
              top: this.expandedTop,
              keep: slimAssignment,
            }),
          ])
        : Promise.resolve([[], []] as [GraphRoleDefinition[], GraphPolicyAssignment[]]),
      armRead,
      // Azure roles' holders are named and their groups expanded with the directory roles' own, so the Graph part
      // of the holder read waits for the ARM instances.
      this.holders(armRead, caRead, groupsReading, readHolders, signal),
      groupsReading,
    ]);
    const groupPolicies = 'groups' in groupsRead ? groupsRead.groups : [];
    const usesContext =
      assignments.some((a) => findRule(a.policy?.rules, AUTH_CONTEXT_RULE)?.isEnabled === true) ||
      groupPolicies.some((g) =>
        g.assignments.some((a) => findRule(a.policy?.rules, AUTH_CONTEXT_RULE)?.isEnabled === true),
      ) ||
      arm.some((s) => s.assignments.some((a) => armHasContext(a.properties.effectiveRules)));
    let contexts: ConditionalAccessRead | undefined;
    let holders = holdersRead;
    if (caRead) {
      try {
        contexts = await caRead;
      } catch (err) {
        // Without the policies no holder can be judged; the snapshot fails only if a context needed them.
        if (usesContext || signal?.aborted) throw err;
        holders = {
          note: `role holders are not judged: the Conditional Access policies were not read: ${asProviderError(err).message}`,
        };
      }
    } else if (usesContext) contexts = await readConditionalAccess(this.graph, signal);
    const snapshot = new EntraSnapshot(definitions, assignments, this.now().toISOString(), {
      armScopes: this.armScopes,
      arm,
      directoryRoles: this.directoryRoles,
      ...(contexts ? { contexts } : {}),
      ...(holders && 'facts' in holders && holders.facts ? { holders: holders.facts } : {}),
      ...(holders && 'arm' in holders ? { armHolders: holders.arm } : {}),
      ...(holders && 'note' in holders ? { holdersNote: holders.note } : {}),
      ...('groups' in groupsRead ? { groups: groupsRead.groups } : { groupsNote: groupsRead.note }),
    });
    this.lastCoverage = new Map();
    for (const r of snapshot.roles())
      if (r.coverage) this.lastCoverage.set(coverageKey(r.scope, r.roleId), r.coverage);
    return snapshot;
  }

  /**
   * The holder facts a snapshot carries. The first snapshot of a provider waits for its holder read; later ones
   * start the next read (unless one is still running, or the last started less than holdersIntervalMs ago) and
   * take the last complete one without waiting, so that reading holders (hundreds of requests in a large tenant)
   * never delays reading and enforcing the policies. Coverage therefore lags the tenant by at most one resync or
   * holdersIntervalMs, whichever is longer, plus the read itself.
   */
  private wantsHolders(): boolean {
    return this.readsHolders && (this.directoryRoles || this.armScopes.length > 0);
  }

  /**
   * Whether this snapshot starts a holder read: none is running, and the last one failed or started at least
   * holdersIntervalMs ago (before that, snapshots carry the last complete read).
   */
  private startsHolderRead(): boolean {
    if (!this.wantsHolders() || this.holdersInFlight) return false;
    return (
      this.holdersDone === undefined ||
      this.holdersStartedAt === undefined ||
      this.now().getTime() - this.holdersStartedAt >= this.holdersIntervalMs
    );
  }

  private holders(
    armRead: Promise<ArmScopeRead[]>,
    caRead: Promise<ConditionalAccessRead> | undefined,
    groupsRead: Promise<{ groups: GroupPolicyRead[] } | { note: string }>,
    start: boolean,
    signal?: AbortSignal,
  ): Promise<HolderFacts | undefined> {
    if (!this.wantsHolders()) return Promise.resolve(undefined);
    if (start) {
      this.holdersStartedAt = this.now().getTime();
      const read = armRead.then(async (a) => {
        // The groups Conditional Access includes or excludes (none when the policies could not be read: then
        // the snapshot carries no holders at all, see snapshot()).
        const ca = await caRead?.catch(() => undefined);
        const groups = (ca?.policies ?? []).flatMap((p) => [
          ...p.include.groups,
          ...p.exclude.groups,
        ]);
        // A failed or stopped read gives undefined (the holder read then reads the policies itself) here, not
        // when the holder read gets to it: it may never, if it fails first, and a rejection nobody awaits would
        // end the process.
        const groupPolicies = groupsRead.then(
          (r) =>
            'groups' in r
              ? new Map(r.groups.map((g) => [g.group.id.toLowerCase(), g.assignments] as const))
              : undefined,
          () => undefined,
        );
        return this.readHolderFacts(a, groups, groupPolicies, signal);
      });
      this.holdersInFlight = read;
      read
        .then(
          (r) => {
            this.holdersDone = r;
          },
          () => undefined,
        )
        .finally(() => {
          if (this.holdersInFlight === read) this.holdersInFlight = undefined;
        });
    }
    if (this.holdersDone) return Promise.resolve(this.holdersDone);
    return this.holdersInFlight!.catch((err: unknown) => {
      // Another snapshot's read, stopped with that snapshot: this one goes on without holders.
      if (signal?.aborted) throw err;
      return undefined;
    });
  }

  /**
   * The PIM for Groups policies of the role-assignable groups (group-policies-read.ts), or why they are not known.
   * A failure (such as a missing permission) does not fail the snapshot: only PrivilegedRoles naming a group
   * depend on it, and their lookups say why.
   */
  private async readGroups(
    signal?: AbortSignal,
  ): Promise<{ groups: GroupPolicyRead[] } | { note: string }> {
    if (!this.readsGroups || !this.directoryRoles) {
      return {
        note: this.directoryRoles
          ? 'this provider does not read them (groups: false)'
          : 'this IdentityProvider does not observe Entra directory roles (spec.entra.directoryRoles is false)',
      };
    }
    try {
      return { groups: await readGroupPolicies(this.graph, this.top, signal) };
    } catch (err) {
      if (signal?.aborted) throw err;
      const e = asProviderError(err);
      const note = `the read failed: ${e.message}`;
      this.logger?.info(
        { kind: e.kind, status: e.options.status },
        `PIM for Groups policies were not read: ${e.message}`,
      );
      return { note };
    }
  }

  /** Resolves when the holder read in progress, if any, has finished (tests, benchmarks). */
  async holdersSettled(): Promise<void> {
    await this.holdersInFlight?.catch(() => undefined);
  }

  /**
   * Who holds each directory role, read in bulk (holders-read.ts). A failure does not fail the snapshot: policies
   * and MFA enforcement do not depend on holders. It is logged and the roles carry no coverage, which then reads
   * as not observed, never as covered.
   */
  private async readHolderFacts(
    arm: readonly ArmScopeRead[],
    referencedGroups: readonly string[],
    groupPolicies: ReadHoldersOptions['groupPolicies'],
    signal?: AbortSignal,
  ): Promise<HolderFacts> {
    try {
      const armInstances = arm.flatMap((a) =>
        a.instances ? [...a.instances.eligible, ...a.instances.active] : [],
      );
      const read = await readHolders(
        this.graph,
        {
          top: this.top,
          otherInstances: armInstances,
          directoryRoles: this.directoryRoles,
          referencedGroups,
          groupPolicies,
        },
        signal,
      );
      const armFacts = new Map<string, Map<string, CoverageFacts>>();
      for (const a of arm) {
        if (!a.instances) continue;
        // Azure roles are no directory roles: no template id for Conditional Access's includeRoles.
        armFacts.set(
          coverageKey(a.scope, ''),
          coverageByRole(
            { ...read, eligibilities: a.instances.eligible, assignments: a.instances.active },
            () => undefined,
          ),
        );
      }
      return {
        facts: this.directoryRoles ? coverageByRole(read) : undefined,
        arm: armFacts,
      };
    } catch (err) {
      if (signal?.aborted) throw err;
      const e = asProviderError(err);
      const note = `role holders were not read, so coverage is not judged: ${e.message}`;
      this.logger?.info({ kind: e.kind, status: e.options.status }, note);
      return { note };
    }
  }

  /** One scope's policy assignments (with their effective rules) and role definitions (for names). */
  private async readArmScope(
    scope: string,
    readHolders: boolean,
    signal?: AbortSignal,
  ): Promise<ArmScopeRead> {
    const arm = this.arm!;
    const [assignments, definitions, instances] = await Promise.all([
      arm.list<ArmPolicyAssignment>(
        `${scope}${ARM_PROVIDER}/roleManagementPolicyAssignments`,
        {},
        signal,
      ),
      arm.list<ArmRoleDefinition>(`${scope}${ARM_PROVIDER}/roleDefinitions`, {}, signal),
      readHolders ? this.readArmInstances(scope, signal) : Promise.resolve(undefined),
    ]);
    return {
      scope,
      assignments,
      definitions,
      ...(instances && 'note' in instances
        ? { instancesNote: instances.note }
        : instances
          ? { instances }
          : {}),
    };
  }

  /**
   * The holders of a scope's Azure roles: its role eligibility and assignment schedule instances at or above the
   * scope (`$filter=atScope()`), two paged listings
   * (https://learn.microsoft.com/rest/api/authorization/role-eligibility-schedule-instances/list-for-scope). A
   * failure leaves the scope's roles without coverage; their policies are still read and enforced.
   */
  private async readArmInstances(
    scope: string,
    signal?: AbortSignal,
  ): Promise<
    { eligible: RoleScheduleInstance[]; active: RoleScheduleInstance[] } | { note: string }
  > {
    const arm = this.arm!;
    const list = (kind: string): Promise<ArmScheduleInstance[]> =>
      arm.list<ArmScheduleInstance>(
        `${scope}${ARM_PROVIDER}/${kind}`,
        { $filter: 'atScope()' },
        signal,
      );
    try {
      const [eligible, active] = await Promise.all([
        list('roleEligibilityScheduleInstances'),
        list('roleAssignmentScheduleInstances'),
      ]);
      return { eligible: eligible.map(armInstance), active: active.map(armInstance) };
    } catch (err) {
      if (signal?.aborted) throw err;
      const e = asProviderError(err);
      const note = `holders of Azure roles at ${scope} were not read, so their coverage is not judged: ${e.message}`;
      this.logger?.info({ kind: e.kind, status: e.options.status }, note);
      return { note };
    }
  }

  /**
   * PIM's own NoMfaOnRoleActivationAlert for directory roles, refreshed first (Graph beta). Throws a
   * ProviderError when alerts cannot be read, so that callers fall back to the snapshot.
   */
  async alerts(signal?: AbortSignal): Promise<ProviderAlert[]> {
    if (!this.directoryRoles) {
      throw new ProviderError(
        'NotFound',
        'PIM alerts cover Entra directory roles, which this IdentityProvider does not observe (spec.entra.directoryRoles is false)',
      );
    }
    return readNoMfaAlerts(
      this.graph,
      this.spec.tenantId,
      { ...this.alertRefresh, pageSize: this.alertPageSize },
      signal,
    );
  }

  /** Applies actions as described at the top of this file. Never throws for one failed action. */
  async apply(actions: readonly Action[], signal?: AbortSignal): Promise<ActionResult[]> {
    const isArm = (a: Action): boolean => a.scope !== DIRECTORY_SCOPE && this.isArmScope(a.scope);
    const armIdx = actions.flatMap((a, i) => (isArm(a) ? [i] : []));
    if (armIdx.length === 0) return this.applyDirectory(actions, signal);
    const graphIdx = actions.flatMap((a, i) => (isArm(a) ? [] : [i]));
    const [armResults, graphResults] = await Promise.all([
      this.applyArm(
        armIdx.map((i) => actions[i]!),
        signal,
      ),
      graphIdx.length > 0
        ? this.applyDirectory(
            graphIdx.map((i) => actions[i]!),
            signal,
          )
        : [],
    ]);
    const out: ActionResult[] = new Array<ActionResult>(actions.length);
    armIdx.forEach((i, n) => (out[i] = armResults[n]!));
    graphIdx.forEach((i, n) => (out[i] = graphResults[n]!));
    return out;
  }

  private isArmScope(scope: string): boolean {
    const k = scope.replace(/\/+$/, '').toLowerCase();
    return this.armScopes.some((x) => x.toLowerCase() === k);
  }

  /**
   * Azure roles: per policy, GET it (the freshest rules: ARM replaces enabledRules wholesale too), PATCH only
   * the rules that differ, and read the verified state from the PATCH's 200 body. Policies are independent, so
   * a few are worked on at a time.
   */
  private async applyArm(
    actions: readonly Action[],
    signal?: AbortSignal,
  ): Promise<ActionResult[]> {
    const arm = this.arm!;
    const byPolicy = new Map<string, number[]>();
    actions.forEach((a, i) => {
      const k = a.handle.toLowerCase();
      byPolicy.set(k, [...(byPolicy.get(k) ?? []), i]);
    });
    const results: ActionResult[] = new Array<ActionResult>(actions.length);
    const work = [...byPolicy.values()];
    const one = async (idx: number[]): Promise<void> => {
      const first = actions[idx[0]!]!;
      const scope = this.armScopes.find(
        (x) => x.toLowerCase() === first.scope.replace(/\/+$/, '').toLowerCase(),
      )!;
      const path = first.handle.replace(/^https?:\/\/[^/]+/i, '');
      try {
        const policy = await arm.get<ArmPolicy>(path, signal);
        const rules = [...(policy.properties.rules ?? [])];
        const changed = new Map<string, ArmRule>();
        for (const i of idx) {
          const a = actions[i]!;
          const current = (id: string): ArmRule | undefined =>
            changed.get(id) ?? findArmRule(rules, id);
          if (a.kind === 'SetMfa') {
            const ruleId = enablementRuleOf(a.switchName);
            const rule = current(ruleId);
            const now = enabledRulesOf(rule);
            const next = withMfa(now, a.enabled);
            if (!rule || !sameRules(now, next))
              changed.set(ruleId, armEnablementRule(next, rule, ruleId));
          } else {
            const rule = current(AUTH_CONTEXT_RULE);
            if (
              rule?.isEnabled !== true ||
              rule.claimValue?.toLowerCase() !== a.claimValue.toLowerCase()
            )
              changed.set(AUTH_CONTEXT_RULE, armAuthenticationContextRule(a.claimValue, rule));
          }
        }
        const verified =
          changed.size === 0
            ? policy
            : await arm.patch<ArmPolicy>(
                path,
                { properties: { rules: [...changed.values()] } },
                signal,
              );
        for (const i of idx) {
          const a = actions[i]!;
          const role = liveRoleFromArm(
            { id: a.roleId, displayName: a.roleDisplayName },
            scope,
            verified.id ?? a.handle,
            verified.properties.rules,
          );
          const coverage = this.lastCoverage.get(coverageKey(a.scope, a.roleId));
          results[i] = {
            action: a,
            ok: true,
            role: coverage ? { ...role, coverage } : role,
            ...(changed.size === 0 ? { unchanged: true as const } : {}),
          };
        }
      } catch (err) {
        for (const i of idx)
          results[i] = { action: actions[i]!, ok: false, error: asProviderError(err) };
      }
    };
    for (let n = 0; n < work.length; n += ARM_CONCURRENCY) {
      await Promise.all(work.slice(n, n + ARM_CONCURRENCY).map(one));
    }
    return results;
  }

  private async applyDirectory(
    actions: readonly Action[],
    signal?: AbortSignal,
  ): Promise<ActionResult[]> {
    const failed = new Map<number, ProviderError>();
    const policyIds = new Map<string, string>(); // lower-case key → id as the action spelled it
    actions.forEach((a, i) => {
      if (a.scope !== DIRECTORY_SCOPE && !groupOfScope(a.scope)) {
        failed.set(
          i,
          new ProviderError(
            'NotFound',
            `Entra directory-role policies exist at scope '/' only, not '${a.scope}' (Azure RBAC scopes: ${this.armScopes.join(', ') || 'none configured'})`,
          ),
        );
      } else if (!policyIds.has(a.handle.toLowerCase())) {
        policyIds.set(a.handle.toLowerCase(), a.handle);
      }
    });

    // 1. Freshest rules of every affected policy.
    const fresh = await this.readPolicies([...policyIds.values()], signal);

    // 2. The writes: each action's change applied to the fresh rules, skipping rules already as wanted.
    const writes = new Map<string, RuleWrite>(); // policy|rule → write
    const writeOf = new Map<number, string>();
    actions.forEach((a, i) => {
      if (failed.has(i)) return;
      const key = a.handle.toLowerCase();
      const read = fresh.get(key);
      if (!read || read instanceof ProviderError) {
        failed.set(i, read ?? new ProviderError('Unavailable', `policy ${a.handle} was not read`));
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
      actions.some((a, i) => !failed.has(i) && a.handle.toLowerCase() === k),
    );
    const verified = await this.readPolicies(
      toVerify.map((k) => policyIds.get(k) ?? k),
      signal,
    );

    return actions.map((action, i): ActionResult => {
      const err = failed.get(i);
      if (err) return { action, ok: false, error: err };
      const key = action.handle.toLowerCase();
      const policy = written.has(key) ? verified.get(key) : fresh.get(key);
      if (!policy || policy instanceof ProviderError) {
        const why = policy instanceof ProviderError ? `: ${policy.message}` : '';
        return {
          action,
          ok: false,
          error: new ProviderError(
            'Unavailable',
            `wrote policy ${action.handle} but could not read it back${why}`,
            {
              ...(policy instanceof ProviderError ? { cause: policy } : {}),
            },
          ),
        };
      }
      return {
        action,
        ok: true,
        role: this.liveRole(action, policy),
        ...(writeOf.has(i) ? {} : { unchanged: true as const }),
      };
    });
  }

  private liveRole(a: Action, policy: GraphPolicy): LiveRole {
    const named = { id: a.roleId, displayName: a.roleDisplayName };
    const group = groupOfScope(a.scope);
    // A PIM for Groups access is verified like a role: its policy read back, at the access's own scope (the
    // action carries the access's name already).
    if (group)
      return {
        ...liveRoleFromPolicy(named, policy),
        scope: groupRoleScope(group.groupId, group.access),
      };
    const role = liveRoleFromPolicy(named, policy);
    const coverage = this.lastCoverage.get(coverageKey(a.scope, a.roleId));
    return coverage ? { ...role, coverage } : role;
  }

  /** The write an action needs on top of the fresh policy (and of an earlier write to the same rule). */
  private writeFor(
    a: Action,
    policy: GraphPolicy,
    pending: RulePatchBody | undefined,
  ): RuleWrite | undefined {
    if (a.kind === 'SetMfa') {
      const ruleId = enablementRuleOf(a.switchName);
      const rule = findRule(policy.rules, ruleId);
      const current = (pending?.enabledRules as string[] | undefined) ?? enabledRulesOf(rule);
      const next = withMfa(current, a.enabled);
      if (!pending && rule && sameRules(current, next)) return undefined;
      return { policyId: policy.id, ruleId, body: enablementPatch(next, rule, ruleId) };
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

/** What one holder read gave: facts per directory role and per ARM scope, or why it failed. */
type HolderFacts =
  | {
      facts: Map<string, CoverageFacts> | undefined;
      arm: Map<string, Map<string, CoverageFacts>>;
    }
  | { note: string };

/** ARM policies written at a time: a handful, so that an apply of many Azure roles is not throttled at once. */
const ARM_CONCURRENCY = 4;

/** The key of a role's holder facts: its scope (no trailing slash, lower case) and id. */
function coverageKey(scope: string, roleId: string): string {
  return `${scope.replace(/\/+$/, '').toLowerCase()}|${roleId.toLowerCase()}`;
}

function ruleOf(a: Action): string {
  return a.kind === 'SetMfa' ? enablementRuleOf(a.switchName) : AUTH_CONTEXT_RULE;
}

function asProviderError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  return new ProviderError('Unavailable', err instanceof Error ? err.message : String(err), {
    cause: err,
  });
}
