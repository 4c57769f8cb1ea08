// Reads who holds the tenant's directory roles, in bulk: never a request per role or per holder.
//
//  1. Two paged listings for the whole tenant: every eligibility and every assignment schedule instance of the
//     directory roles (https://learn.microsoft.com/graph/api/rbacapplication-list-roleeligibilityscheduleinstances,
//     .../rbacapplication-list-roleassignmentscheduleinstances), beside one listing of the Conditional Access
//     policies for the groups they name (memberOf must know who is in an excluded group).
//  2. The principals' names and types: POST /directoryObjects/getByIds, up to 1,000 ids a call
//     (https://learn.microsoft.com/graph/api/directoryobject-getbyids).
//  3. Per group, through $batch (20 a request): the transitive members of every group that holds a role or that
//     Conditional Access names, and for the groups holding roles their owners, PIM for Groups instances (member
//     and owner access) and policies (unless the caller read the policies already: the snapshot reads those of
//     every role-assignable group for PrivilegedRoles naming groups, and passes them in). Owners are read per
//     group (https://learn.microsoft.com/graph/api/group-list-owners) rather than with `$expand=owners` on a group
//     listing: an expanded directory relationship "typically returns a
//     maximum of 20 items ... and has no @odata.nextLink" (https://learn.microsoft.com/graph/query-parameters), so
//     a group with more owners could not be proven complete.
//     PIM for Groups lists require a groupId or principalId filter
//     (https://learn.microsoft.com/graph/api/privilegedaccessgroup-list-eligibilityscheduleinstances), so they
//     cannot be listed tenant-wide; batching makes 500 groups cost about 100 requests, not 2,000.
//  4. The names of eligible group members who are not members yet: getByIds again.
import type { Principal } from '../../api/coverage.js';
import { ProviderError } from '../types.js';
import type { BatchRequest, GraphClient } from './graph-client.js';
import {
  principalFromObject,
  type GroupRead,
  type GroupScheduleInstance,
  type HoldersRead,
  type RoleScheduleInstance,
} from './holders.js';
import { groupPolicyAssignmentsPath } from './group-policies.js';
import { slimAssignment, type GraphPolicyAssignment } from './mapping.js';

/** The most ids one getByIds call takes. */
export const GET_BY_IDS_BATCH = 1000;

/** How many $batch or getByIds requests are in flight at once. */
const CONCURRENCY = 4;

const INSTANCE_FIELDS = 'principalId,roleDefinitionId,endDateTime,memberType';
/** The tenant-wide listings of the directory roles' schedule instances. */
export const ELIGIBILITIES_PATH = `/roleManagement/directory/roleEligibilityScheduleInstances?$select=${INSTANCE_FIELDS}`;
export const ASSIGNMENTS_PATH = `/roleManagement/directory/roleAssignmentScheduleInstances?$select=${INSTANCE_FIELDS},assignmentType`;
const CA_PATH = '/identity/conditionalAccess/policies';

/** Options of {@link readHolders}. */
export interface ReadHoldersOptions {
  /** `$top` of the tenant-wide listings. */
  top: number;
  /**
   * The groups Conditional Access policies name (include or exclude), when the caller has read the policies
   * already; otherwise they are listed here.
   */
  referencedGroups?: readonly string[] | undefined;
  /**
   * Instances read elsewhere (Azure roles through ARM) whose principals are named and whose groups are expanded
   * with the directory roles' own, in the same calls.
   */
  otherInstances?: readonly RoleScheduleInstance[] | undefined;
  /** Whether to list the directory roles' instances (default true; false for a provider of Azure roles only). */
  directoryRoles?: boolean | undefined;
  /**
   * The PIM for Groups policy assignments of role-assignable groups (lower-case group id ->), when the caller reads
   * them anyway (the snapshot does, for PrivilegedRoles naming groups): a group found here is not read again. It
   * is awaited once the groups holding roles are known; undefined, or a group missing from it, is read here. The
   * caller makes sure it never rejects unawaited (this read may fail before it awaits it).
   */
  groupPolicies?:
    Promise<ReadonlyMap<string, readonly GraphPolicyAssignment[]> | undefined> | undefined;
}

/** A directoryObject as Graph lists it. */
interface GraphObject {
  '@odata.type'?: string;
  id: string;
  displayName?: string | null;
  userPrincipalName?: string | null;
}

interface GraphCaPolicy {
  conditions?: {
    users?: { includeGroups?: string[] | null; excludeGroups?: string[] | null } | null;
  } | null;
}

const lc = (s: string): string => s.toLowerCase();

/** Runs `work` over `items`, `n` at a time. */
async function inSlices<T, R>(
  items: readonly T[],
  n: number,
  work: (x: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += n)
    out.push(...(await Promise.all(items.slice(i, i + n).map(work))));
  return out;
}

/** Names and types of principals by id: getByIds, 1,000 ids a call. */
async function resolvePrincipals(
  graph: GraphClient,
  ids: readonly string[],
  into: Map<string, Principal>,
  signal?: AbortSignal,
): Promise<void> {
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += GET_BY_IDS_BATCH)
    chunks.push(ids.slice(i, i + GET_BY_IDS_BATCH));
  await inSlices(chunks, CONCURRENCY, async (chunk) => {
    // A read sent as POST: counted as one read; safe to retry.
    const r = await graph.request<{ value?: GraphObject[] }>('POST', '/directoryObjects/getByIds', {
      body: { ids: chunk },
      signal,
      count: { reads: 1, writes: 0 },
    });
    for (const o of r.body?.value ?? []) into.set(lc(o.id), principalFromObject(o));
  });
}

/** A nextLink as a batch item's URL: relative to the version root. */
function relative(nextLink: string): string {
  return nextLink.replace(/^https?:\/\/[^/]+\/(v1\.0|beta)/i, '');
}

/**
 * GETs many collections through $batch, following each one's nextLinks in later rounds; returns every item per
 * key. A collection answered 404 (a group deleted meanwhile) is empty; any other failure throws.
 */
export async function batchedLists(
  graph: GraphClient,
  lists: ReadonlyMap<string, string>,
  signal?: AbortSignal,
): Promise<Map<string, unknown[]>> {
  const out = new Map<string, unknown[]>([...lists.keys()].map((k) => [k, []]));
  let pending = [...lists.entries()];
  while (pending.length > 0) {
    const reqs: BatchRequest[] = pending.map(([k, url]) => ({ id: k, method: 'GET', url }));
    const slices: BatchRequest[][] = [];
    const per = Math.max(20, Math.ceil(reqs.length / CONCURRENCY / 20) * 20);
    for (let i = 0; i < reqs.length; i += per) slices.push(reqs.slice(i, i + per));
    const results = await Promise.all(slices.map((s) => graph.batch(s, signal)));
    const next: Array<[string, string]> = [];
    for (const [k] of pending) {
      const r = results.find((m) => m.has(k))?.get(k);
      if (!r) throw new ProviderError('Unavailable', `Graph $batch: no answer for ${lists.get(k)}`);
      if (r.error) {
        if (r.status === 404) continue;
        throw r.error;
      }
      const body = r.body as { value?: unknown[]; '@odata.nextLink'?: string } | undefined;
      out.get(k)!.push(...(body?.value ?? []));
      const link = body?.['@odata.nextLink'];
      if (link) next.push([k, relative(link)]);
    }
    pending = next;
  }
  return out;
}

/**
 * What the mapping reads of an instance, and nothing else: tens of thousands of them are held while a snapshot is
 * read, so the `@odata` annotations and fields a server adds beyond `$select` are dropped as each page arrives.
 */
function compactWith(
  intern: (s: string) => string,
): (x: RoleScheduleInstance) => RoleScheduleInstance {
  return (x) => ({
    principalId: intern(x.principalId),
    roleDefinitionId: intern(x.roleDefinitionId),
    endDateTime: x.endDateTime ?? null,
    memberType: x.memberType ?? null,
    ...(x.assignmentType === undefined ? {} : { assignmentType: x.assignmentType }),
  });
}

/**
 * One string per distinct id: every holder and role id comes once per instance from the parser, and a holder of
 * ten roles would otherwise keep ten copies of its id (and a role with ten holders ten of the role's).
 */
function interner(): (s: string) => string {
  const seen = new Map<string, string>();
  return (s) => {
    const k = s.toLowerCase();
    const known = seen.get(k);
    if (known !== undefined) return known;
    seen.set(k, k);
    return k;
  };
}

const q = (v: string): string => encodeURIComponent(`'${v.replace(/'/g, "''")}'`);

/** Reads every holder of every directory role (see the top of this file). Throws a ProviderError on failure. */
export async function readHolders(
  graph: GraphClient,
  o: ReadHoldersOptions,
  signal?: AbortSignal,
): Promise<HoldersRead> {
  const compact = compactWith(interner());
  const [eligibilities, assignments, caGroups] = await Promise.all([
    o.directoryRoles === false
      ? Promise.resolve([])
      : graph.list<RoleScheduleInstance>(ELIGIBILITIES_PATH, signal, { top: o.top, keep: compact }),
    o.directoryRoles === false
      ? Promise.resolve([])
      : graph.list<RoleScheduleInstance>(ASSIGNMENTS_PATH, signal, { top: o.top, keep: compact }),
    o.referencedGroups !== undefined
      ? Promise.resolve([...o.referencedGroups])
      : graph
          .list<GraphCaPolicy>(CA_PATH, signal)
          .then((ps) =>
            ps.flatMap((p) => [
              ...(p.conditions?.users?.includeGroups ?? []),
              ...(p.conditions?.users?.excludeGroups ?? []),
            ]),
          ),
  ]);
  const principals = new Map<string, Principal>();
  const ids = [
    ...new Set(
      [...eligibilities, ...assignments, ...(o.otherInstances ?? [])].map((x) => lc(x.principalId)),
    ),
  ];
  await resolvePrincipals(graph, ids, principals, signal);

  const holding = ids.filter((id) => principals.get(id)?.type === 'Group');
  const holdingSet = new Set(holding);
  // A failed or stopped read of the caller's leaves every group to be read here, as without it.
  const knownPolicies = await o.groupPolicies?.catch(() => undefined);
  const named = [...new Set(caGroups.map(lc))].filter((g) => !holdingSet.has(g));
  const lists = new Map<string, string>();
  const members = (g: string): string =>
    `/groups/${g}/transitiveMembers?$select=id,displayName,userPrincipalName&$top=999`;
  holding.forEach((g, i) => {
    lists.set(`m${i}`, members(g));
    lists.set(`o${i}`, `/groups/${g}/owners?$select=id,displayName,userPrincipalName&$top=999`);
    lists.set(
      `e${i}`,
      `/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances?$filter=groupId eq ${q(g)}`,
    );
    lists.set(
      `a${i}`,
      `/identityGovernance/privilegedAccess/group/assignmentScheduleInstances?$filter=groupId eq ${q(g)}`,
    );
    if (!knownPolicies?.has(g)) lists.set(`p${i}`, groupPolicyAssignmentsPath(g));
  });
  named.forEach((g, i) => lists.set(`n${i}`, members(g)));
  const got = await batchedLists(graph, lists, signal);

  const groups = new Map<string, GroupRead>();
  const memberIds = (key: string): string[] =>
    (got.get(key) as GraphObject[]).map((m) => {
      const p = principalFromObject(m);
      if (!principals.has(p.id)) principals.set(p.id, p);
      return p.id;
    });
  holding.forEach((g, i) => {
    groups.set(g, {
      members: memberIds(`m${i}`),
      owners: memberIds(`o${i}`),
      eligible: got.get(`e${i}`) as GroupScheduleInstance[],
      active: got.get(`a${i}`) as GroupScheduleInstance[],
      // Only the activation rule is read of each group policy.
      policies:
        knownPolicies?.get(g) ?? (got.get(`p${i}`) as GraphPolicyAssignment[]).map(slimAssignment),
    });
  });
  named.forEach((g, i) => groups.set(g, { members: memberIds(`n${i}`) }));

  // Eligible members who have not activated are not among the members: their names come from getByIds too.
  const unnamed = [
    ...new Set(
      [...groups.values()].flatMap((g) =>
        [...(g.eligible ?? []), ...(g.active ?? [])].map((x) => lc(x.principalId)),
      ),
    ),
  ].filter((id) => !principals.has(id));
  await resolvePrincipals(graph, unnamed, principals, signal);
  return { eligibilities, assignments, principals, groups };
}
