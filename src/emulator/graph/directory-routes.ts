// The Graph v1.0 resources of who holds roles: users, groups and their transitive members and owners, directoryObjects
// getByIds, the directory roles' schedule instances and PIM for Groups' schedule instances. One function answers
// one request (top-level or a $batch item); undefined means the path is not one of these.
import type { DirectoryGroup, DirectoryUser, GroupInstance, RoleInstance } from './directory.js';
import {
  badRequest,
  methodNotAllowed,
  notFound,
  unsupportedQueryOption,
  type GraphResponse,
} from './errors.js';
import { applySelect, expanded, page, queryOrBadRequest, type QueryOptions } from './odata.js';
import { CONTEXT, ok, type GraphRequest, type RouteContext } from './routes.js';

/** The most ids one getByIds call takes (https://learn.microsoft.com/graph/api/directoryobject-getbyids). */
export const GET_BY_IDS_LIMIT = 1000;

/** A user or group as a directoryObject collection shows it. */
export function renderObject(o: DirectoryUser | DirectoryGroup): Record<string, unknown> {
  if ('members' in o) {
    return {
      '@odata.type': '#microsoft.graph.group',
      id: o.id,
      displayName: o.displayName,
      isAssignableToRole: o.isAssignableToRole,
      securityEnabled: true,
      mailEnabled: false,
    };
  }
  return {
    '@odata.type': '#microsoft.graph.user',
    id: o.id,
    displayName: o.displayName,
    userPrincipalName: o.userPrincipalName,
  };
}

function renderRoleInstance(x: RoleInstance): Record<string, unknown> {
  const base = {
    id: x.id,
    principalId: x.principalId,
    roleDefinitionId: x.roleDefinitionId,
    directoryScopeId: x.directoryScopeId,
    appScopeId: null,
    startDateTime: x.startDateTime,
    endDateTime: x.endDateTime,
    memberType: x.memberType,
  };
  return x.assignmentType === undefined
    ? { ...base, roleEligibilityScheduleId: x.id }
    : {
        ...base,
        assignmentType: x.assignmentType,
        roleAssignmentOriginId: x.id,
        roleAssignmentScheduleId: x.id,
      };
}

function renderGroupInstance(x: GroupInstance): Record<string, unknown> {
  const base = {
    id: x.id,
    accessId: x.accessId,
    principalId: x.principalId,
    groupId: x.groupId,
    memberType: x.memberType,
    startDateTime: x.startDateTime,
    endDateTime: x.endDateTime,
  };
  return x.assignmentType === undefined
    ? { ...base, eligibilityScheduleId: x.id }
    : { ...base, assignmentType: x.assignmentType, assignmentScheduleId: x.id };
}

/** Keeps the items whose (lower-cased) fields equal every `eq` term; a field not in `allowed` is a 400. */
function filtered<T>(
  items: readonly T[],
  q: QueryOptions,
  allowed: Record<string, (x: T) => string | null | undefined>,
  req: GraphRequest,
): T[] | GraphResponse {
  let out = [...items];
  for (const [field, value] of q.filter ?? []) {
    const get = allowed[field];
    if (!get) return badRequest(`Invalid filter clause: unsupported property '${field}'.`, req.ids);
    const want = String(value).toLowerCase();
    out = out.filter((x) => (get(x) ?? '').toLowerCase() === want);
  }
  return out;
}

/** The group list's $filter properties the emulator serves (eq only). */
const GROUP_LIST_FILTERS: Record<string, (g: DirectoryGroup) => string> = {
  id: (g) => g.id,
  displayname: (g) => g.displayName,
  isassignabletorole: (g) => String(g.isAssignableToRole),
};

function listOf(
  ctx: RouteContext,
  req: GraphRequest,
  q: QueryOptions,
  context: string,
  all: readonly Record<string, unknown>[],
): GraphResponse {
  const p = page([...all], q, ctx.limits, req.url);
  return ok({
    '@odata.context': `${CONTEXT}${context}`,
    ...(p.nextLink ? { '@odata.nextLink': p.nextLink } : {}),
    value: p.items.map((x) => applySelect(x, q.select)),
  });
}

/** A role instance with its principal expanded when asked (`$expand=principal`). */
function withPrincipal(
  ctx: RouteContext,
  x: Record<string, unknown>,
  q: QueryOptions,
): Record<string, unknown> {
  const e = expanded(q.expand, 'principal');
  if (!e) return x;
  const o = ctx.state.directoryObject(String(x.principalId));
  return { ...x, principal: o ? applySelect(renderObject(o), e.select) : null };
}

const ROLE_FILTERS: Record<string, (x: RoleInstance) => string | null | undefined> = {
  principalid: (x) => x.principalId,
  roledefinitionid: (x) => x.roleDefinitionId,
  directoryscopeid: (x) => x.directoryScopeId,
  membertype: (x) => x.memberType,
  assignmenttype: (x) => x.assignmentType,
};

const GROUP_FILTERS: Record<string, (x: GroupInstance) => string | null | undefined> = {
  groupid: (x) => x.groupId,
  principalid: (x) => x.principalId,
  accessid: (x) => x.accessId,
  membertype: (x) => x.memberType,
  assignmenttype: (x) => x.assignmentType,
};

/** Answers a request for a directory or holder resource, or returns undefined for any other path. */
export function routeDirectory(
  ctx: RouteContext,
  req: GraphRequest,
  path: string,
): GraphResponse | undefined {
  const seg = path.replace(/^\/+/, '').split('/');
  const [a, b, c, d] = seg;
  const known =
    a === 'users' ||
    a === 'groups' ||
    (a === 'directoryObjects' && b === 'getByIds') ||
    (a === 'roleManagement' &&
      b === 'directory' &&
      (c === 'roleEligibilityScheduleInstances' || c === 'roleAssignmentScheduleInstances')) ||
    (a === 'identityGovernance' && b === 'privilegedAccess' && c === 'group');
  if (!known) return undefined;
  const { ids } = req;
  if (req.malformedBody) return badRequest('Unable to read JSON request payload.', ids);
  const parsed = queryOrBadRequest(req);
  if ('error' in parsed) return parsed.error;
  const { q } = parsed;
  const dir = ctx.state.directory();

  if (a === 'directoryObjects') {
    if (req.method !== 'POST' || seg.length !== 2) return methodNotAllowed(ids);
    const body = req.body as { ids?: unknown; types?: unknown } | undefined;
    const wanted = body?.ids;
    if (!Array.isArray(wanted) || !wanted.every((x) => typeof x === 'string'))
      return badRequest("The request body must hold 'ids', a string collection.", ids);
    if (wanted.length > GET_BY_IDS_LIMIT)
      return badRequest(`No more than ${GET_BY_IDS_LIMIT} ids may be given.`, ids);
    const types = Array.isArray(body?.types)
      ? (body.types as unknown[]).map((t) =>
          String(t)
            .toLowerCase()
            .replace(/^microsoft\.graph\./, ''),
        )
      : undefined;
    const value = (wanted as string[]).flatMap((id) => {
      const o = ctx.state.directoryObject(id);
      if (!o) return [];
      if (types && !types.includes('members' in o ? 'group' : 'user')) return [];
      return [renderObject(o)];
    });
    return ok({ '@odata.context': `${CONTEXT}directoryObjects`, value });
  }
  if (req.method !== 'GET') return methodNotAllowed(ids);

  if (a === 'users' || a === 'groups') {
    const all: Array<DirectoryUser | DirectoryGroup> = a === 'users' ? dir.users : dir.groups;
    if (seg.length === 1 && a === 'groups') {
      // The group list filters on isAssignableToRole (eq) among others; rolegate lists the role-assignable ones
      // (https://learn.microsoft.com/graph/api/group-list, https://learn.microsoft.com/graph/aad-advanced-queries).
      const groups = filtered(dir.groups, q, GROUP_LIST_FILTERS, req);
      if (!Array.isArray(groups)) return groups;
      return listOf(ctx, req, q, a, groups.map(renderObject));
    }
    if (seg.length === 1) return listOf(ctx, req, q, a, all.map(renderObject));
    const o = b === undefined ? undefined : ctx.state.directoryObject(b);
    if (!o || 'members' in o !== (a === 'groups')) return notFound(b ?? '', ids);
    if (seg.length === 2)
      return ok({
        '@odata.context': `${CONTEXT}${a}/$entity`,
        ...applySelect(renderObject(o), q.select),
      });
    if (a === 'groups' && seg.length === 3 && (c === 'members' || c === 'transitiveMembers')) {
      const memberIds =
        c === 'members' ? (o as DirectoryGroup).members : ctx.state.transitiveMembers(o.id);
      const objects = memberIds.flatMap((m) => {
        const x = ctx.state.directoryObject(m);
        return x ? [renderObject(x)] : [];
      });
      return listOf(ctx, req, q, 'directoryObjects', objects);
    }
    // The group's owners (users or service principals): https://learn.microsoft.com/graph/api/group-list-owners
    if (a === 'groups' && seg.length === 3 && c === 'owners') {
      const objects = ((o as DirectoryGroup).owners ?? []).flatMap((m) => {
        const x = ctx.state.directoryObject(m);
        return x ? [renderObject(x)] : [];
      });
      return listOf(ctx, req, q, 'directoryObjects', objects);
    }
    return undefined;
  }

  // The schedule instance lists document $select, $filter and $expand only.
  if (
    ctx.refuseTop &&
    q.top !== undefined &&
    seg.length === 3 + (a === 'identityGovernance' ? 1 : 0)
  )
    return unsupportedQueryOption('$top', ids);

  if (a === 'roleManagement') {
    const eligible = c === 'roleEligibilityScheduleInstances';
    const source = eligible ? dir.roleEligibilities : dir.roleAssignments;
    if (seg.length === 4 && d !== undefined) {
      const x = source.find((i) => i.id === d);
      if (!x) return notFound(d, ids);
      return ok({
        '@odata.context': `${CONTEXT}roleManagement/directory/${c}/$entity`,
        ...applySelect(withPrincipal(ctx, renderRoleInstance(x), q), q.select),
      });
    }
    if (seg.length !== 3) return undefined;
    const filters = eligible
      ? Object.fromEntries(Object.entries(ROLE_FILTERS).filter(([k]) => k !== 'assignmenttype'))
      : ROLE_FILTERS;
    const role = q.filter?.get('roledefinitionid');
    const narrowed =
      typeof role === 'string'
        ? ctx.state.indexed(source, `${c}|role`, (x) => x.roleDefinitionId, role)
        : source;
    const items = filtered(narrowed, q, filters, req);
    if (!Array.isArray(items)) return items;
    const p = page(items, q, ctx.limits, req.url);
    return ok({
      '@odata.context': `${CONTEXT}roleManagement/directory/${c}`,
      ...(p.nextLink ? { '@odata.nextLink': p.nextLink } : {}),
      value: p.items.map((x) =>
        applySelect(withPrincipal(ctx, renderRoleInstance(x), q), q.select),
      ),
    });
  }

  // PIM for Groups: /identityGovernance/privilegedAccess/group/{eligibility|assignment}ScheduleInstances
  if (
    seg.length === 4 &&
    (d === 'eligibilityScheduleInstances' || d === 'assignmentScheduleInstances')
  ) {
    // "This method requires the $filter (eq) query parameter to scope the request to a principalId or a groupId."
    // (https://learn.microsoft.com/graph/api/privilegedaccessgroup-list-eligibilityscheduleinstances)
    const f = q.filter;
    if (!f || (!f.has('groupid') && !f.has('principalid')))
      return badRequest('This request requires a $filter on groupId or principalId (eq).', ids);
    const eligible = d === 'eligibilityScheduleInstances';
    const source = eligible ? dir.groupEligibilities : dir.groupAssignments;
    const filters = eligible
      ? Object.fromEntries(Object.entries(GROUP_FILTERS).filter(([k]) => k !== 'assignmenttype'))
      : GROUP_FILTERS;
    const gid = f.get('groupid');
    const narrowed =
      typeof gid === 'string'
        ? ctx.state.indexed(source, `${d}|group`, (x) => x.groupId, gid)
        : source;
    const items = filtered(narrowed, q, filters, req);
    if (!Array.isArray(items)) return items;
    return listOf(
      ctx,
      req,
      q,
      `identityGovernance/privilegedAccess/group/${d}`,
      items.map((x) => withPrincipal(ctx, renderGroupInstance(x), q)),
    );
  }
  return undefined;
}
