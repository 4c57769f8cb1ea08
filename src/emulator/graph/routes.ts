// The Graph v1.0 resources of PIM for directory roles: role definitions, policy assignments, policies and
// their rules. One function answers one request (top-level or a $batch item) against the tenant state.
import { compareText } from '../../api/compare-text.js';
import type { Policy, PolicyAssignment, PolicyRule, RoleDefinition } from './catalog.js';
import {
  badRequest,
  invalidRuleId,
  methodNotAllowed,
  missingProvider,
  notFound,
  opaqueServerError,
  policyInvalid,
  unknownSegment,
  unsupportedQueryOption,
  graphError,
  type GraphResponse,
  type RequestIds,
} from './errors.js';
import {
  applySelect,
  expanded,
  page,
  queryOrBadRequest,
  type ExpandItem,
  type PageLimits,
  type QueryOptions,
} from './odata.js';
import type { RuleOrder } from './rule-order.js';
import { checkPolicy, patchRule, type RuleOptions, type RulePatchError } from './rules.js';
import type { TenantState } from './state.js';

/** One Graph request, already authenticated. */
export interface GraphRequest {
  method: string;
  /** The absolute URL as this server sees it (its own origin), used to build nextLinks. */
  url: URL;
  /** The parsed JSON body, if any. */
  body: unknown;
  /** True when a body was sent but was not valid JSON. */
  malformedBody: boolean;
  ids: RequestIds;
}

/** What the routes need besides the request. */
export interface RouteContext {
  state: TenantState;
  limits: PageLimits;
  /**
   * Answer `$top` on the PIM listings (role definitions, policy assignments, policies) with 400, as a server
   * that does not support the option would (their docs list only `$select`, `$filter` and `$expand`).
   */
  refuseTop: boolean;
  rules: RuleOptions;
  /** Status for a PATCH with a missing or wrong `@odata.type`: 500 (faithful) or 400 (clearer in tests). */
  wrongTypeStatus: 400 | 500;
  /** The order rules are listed in. */
  ruleOrder: RuleOrder;
}

/**
 * The two scopes Entra role policies are listed at (scopeId `/`): `DirectoryRole` (ids `DirectoryRole_…`) and
 * `Directory` (ids `Directory_…`). The emulator keeps one policy per role and shows it under either view. PIM for
 * Groups policies (ids `Group_…`) are listed per group at scopeType `Group`.
 */
export type PolicyView = 'Directory' | 'DirectoryRole' | 'Group';

/** The id of a stored (DirectoryRole_) policy or assignment as a view shows it. */
function viewId(id: string, view: PolicyView): string {
  return view === 'Directory' ? id.replace(/^DirectoryRole_/i, 'Directory_') : id;
}

/** The stored id behind an id of either view, and the view it was given in. */
function storedId(id: string): { id: string; view: PolicyView } {
  return /^Directory_/i.test(id)
    ? { id: `DirectoryRole_${id.slice('Directory_'.length)}`, view: 'Directory' }
    : { id, view: /^Group_/i.test(id) ? 'Group' : 'DirectoryRole' };
}

/** 400 for a scope the PIM lists do not serve. */
export function unsupportedScope(
  scopeId: string,
  scopeType: string,
  ids: RequestIds,
): GraphResponse {
  return badRequest(
    `The scope (scopeId '${scopeId}', scopeType '${scopeType}') is not supported for this request.`,
    ids,
  );
}

/** Graph's `@odata.context` prefix; a metadata reference, never fetched, so the public host is right. */
export const CONTEXT = 'https://graph.microsoft.com/v1.0/$metadata#';

const JSON_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/** A 200 (or other success) with Graph's OData JSON headers. */
export function ok(body: unknown, status = 200): GraphResponse {
  return { status, headers: { 'Content-Type': JSON_TYPE, 'OData-Version': '4.0' }, body };
}

/** `(policy(rules()))` from `policy($expand=rules)`, the way Graph spells expansions in a context URL. */
function expandSuffix(items: ExpandItem[]): string {
  if (items.length === 0) return '';
  const inner = (xs: ExpandItem[]): string =>
    [...xs]
      .sort((a, b) => compareText(a.name, b.name))
      .map((i) => `${i.name}(${inner(i.expand)})`)
      .join(',');
  return `(${inner(items)})`;
}

/** Answers one Graph v1.0 request. `path` is relative to /v1.0, without the query. */
export function routeGraph(ctx: RouteContext, req: GraphRequest, path: string): GraphResponse {
  const { ids } = req;
  if (req.malformedBody) return badRequest('Unable to read JSON request payload.', ids);
  const parsed = queryOrBadRequest(req);
  if ('error' in parsed) return parsed.error;
  const { q } = parsed;
  const seg = path.replace(/^\/+/, '').split('/');
  const [a, b, c, d, e, f] = seg;
  const isList =
    (a === 'roleManagement' && b === 'directory' && c === 'roleDefinitions' && seg.length === 3) ||
    (a === 'policies' &&
      (b === 'roleManagementPolicyAssignments' || b === 'roleManagementPolicies') &&
      seg.length === 2);
  if (ctx.refuseTop && isList && q.top !== undefined) return unsupportedQueryOption('$top', ids);
  if (a === 'roleManagement' && b === 'directory' && c === 'roleDefinitions') {
    if (req.method !== 'GET') return methodNotAllowed(ids);
    if (seg.length === 3) return listRoleDefinitions(ctx, req, q);
    if (seg.length === 4 && d) {
      const r = ctx.state.roleDefinition(d);
      if (!r) return notFound(d, ids);
      return ok({
        '@odata.context': `${CONTEXT}roleManagement/directory/roleDefinitions/$entity`,
        ...applySelect(renderRole(r), q.select),
      });
    }
  }
  if (a === 'policies' && b === 'roleManagementPolicyAssignments') {
    if (req.method !== 'GET') return methodNotAllowed(ids);
    if (seg.length === 2) return listAssignments(ctx, req, q);
    if (seg.length === 3 && c !== undefined) {
      if (c === '') return missingProvider(ids);
      const { id: stored, view } = storedId(c);
      const x = ctx.state.assignment(stored);
      if (!x) return notFound(c, ids);
      return ok({
        '@odata.context': `${CONTEXT}policies/roleManagementPolicyAssignments${expandSuffix(q.expand)}/$entity`,
        ...renderAssignment(ctx, x, view, q.expand, q.select),
      });
    }
  }
  if (a === 'policies' && b === 'roleManagementPolicies') {
    if (seg.length === 2) {
      if (req.method !== 'GET') return methodNotAllowed(ids);
      return listPolicies(ctx, req, q);
    }
    // An empty policy id reaches the PIM backend without a provider, as the real service reports it.
    if (c === undefined || c === '') return missingProvider(ids);
    const { id: stored, view } = storedId(c);
    const policy = ctx.state.policy(stored);
    if (!policy) return notFound(c, ids);
    const shownId = viewId(policy.id, view);
    if (seg.length === 3) {
      if (req.method === 'GET') return getPolicy(ctx, policy, view, q);
      if (req.method === 'PATCH') return patchPolicy(ctx, req, policy, view);
      return methodNotAllowed(ids);
    }
    if (d === 'rules' || d === 'effectiveRules') {
      if (seg.length === 4) {
        if (req.method !== 'GET') return methodNotAllowed(ids);
        return ok({
          '@odata.context': `${CONTEXT}policies/roleManagementPolicies('${shownId}')/${d}`,
          value: ctx.ruleOrder
            .apply(policy.id, policy.rules)
            .map((r) => applySelect(structuredClone(r), q.select)),
        });
      }
      if (seg.length === 5 && e !== undefined && f === undefined) {
        const rule = ctx.state.rule(policy, e);
        if (!rule) return invalidRuleId(e, ids);
        if (req.method === 'GET') {
          return ok({
            '@odata.context': `${CONTEXT}policies/roleManagementPolicies('${shownId}')/${d}/$entity`,
            ...applySelect(structuredClone(rule), q.select),
          });
        }
        if (req.method === 'PATCH' && d === 'rules') return patchOneRule(ctx, req, policy, rule);
        return methodNotAllowed(ids);
      }
    }
  }
  return unknownSegment(seg.find((s) => s.length > 0) ?? '', ids);
}

function renderRole(r: RoleDefinition): Record<string, unknown> {
  return { ...r };
}

function listRoleDefinitions(ctx: RouteContext, req: GraphRequest, q: QueryOptions): GraphResponse {
  let all = [...ctx.state.roleDefinitions()];
  for (const [field, value] of q.filter ?? []) {
    const key = (
      ['id', 'displayname', 'isbuiltin', 'isprivileged', 'templateid', 'isenabled'] as const
    ).find((k) => k === field);
    if (!key) return badRequest(`Invalid filter clause: unsupported property '${field}'.`, req.ids);
    all = all.filter((r) => {
      const v = Object.entries(r).find(([k]) => k.toLowerCase() === key)?.[1];
      return typeof v === 'string' && typeof value === 'string'
        ? v.toLowerCase() === value.toLowerCase()
        : v === value;
    });
  }
  const p = page(all, q, ctx.limits, req.url);
  return ok({
    '@odata.context': `${CONTEXT}roleManagement/directory/roleDefinitions${q.select ? `(${q.select.join(',')})` : ''}`,
    ...(p.nextLink ? { '@odata.nextLink': p.nextLink } : {}),
    value: p.items.map((r) => applySelect(renderRole(r), q.select)),
  });
}

/**
 * Checks the scope filter every PIM list needs and returns the view and the remaining terms: no scope is 400
 * MissingProvider; a scope other than scopeId '/' with scopeType Directory or DirectoryRole is 400.
 */
function scopeFilter(
  q: QueryOptions,
  allowed: string[],
  ids: RequestIds,
): { view: PolicyView; scopeId: string; rest: Map<string, string | boolean> } | GraphResponse {
  const f = q.filter;
  const scopeId = f?.get('scopeid');
  const scopeType = f?.get('scopetype');
  if (typeof scopeId !== 'string' || typeof scopeType !== 'string') return missingProvider(ids);
  const view = (['Directory', 'DirectoryRole', 'Group'] as const).find(
    (v) => v.toLowerCase() === scopeType.toLowerCase(),
  );
  // PIM for Groups policies are listed per group: scopeId is the group's id, scopeType Group
  // (https://learn.microsoft.com/graph/api/resources/unifiedrolemanagementpolicyassignment).
  const validScope =
    view === 'Group'
      ? /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(scopeId)
      : scopeId === '/';
  if (!validScope || view === undefined) return unsupportedScope(scopeId, scopeType, ids);
  const rest = new Map(f);
  rest.delete('scopeid');
  rest.delete('scopetype');
  for (const k of rest.keys()) {
    if (!allowed.includes(k))
      return badRequest(`Invalid filter clause: unsupported property '${k}'.`, ids);
  }
  return { view, scopeId, rest };
}

function renderPolicy(
  ctx: RouteContext,
  p: Policy,
  view: PolicyView,
  expand: ExpandItem[],
  select?: string[],
): Record<string, unknown> {
  const { rules, ...base } = p;
  const shown = { ...base, id: viewId(p.id, view), scopeType: view };
  const out: Record<string, unknown> = applySelect(structuredClone(shown), select);
  const r = expanded(expand, 'rules');
  const eff = expanded(expand, 'effectiveRules');
  const ordered = r || eff ? ctx.ruleOrder.apply(p.id, rules) : [];
  if (r) out.rules = ordered.map((x) => applySelect(structuredClone(x), r.select));
  // The emulator has no inherited settings, so the effective rules are the rules.
  if (eff) out.effectiveRules = ordered.map((x) => applySelect(structuredClone(x), eff.select));
  return out;
}

function renderAssignment(
  ctx: RouteContext,
  a: PolicyAssignment,
  view: PolicyView,
  expand: ExpandItem[],
  select: string[] | undefined,
): Record<string, unknown> {
  const shown = {
    ...a,
    id: viewId(a.id, view),
    policyId: viewId(a.policyId, view),
    scopeType: view,
  };
  const out: Record<string, unknown> = applySelect(shown, select);
  const pe = expanded(expand, 'policy');
  if (pe) {
    const p = ctx.state.policy(a.policyId);
    out.policy = p ? renderPolicy(ctx, p, view, pe.expand, pe.select) : null;
  }
  return out;
}

function listAssignments(ctx: RouteContext, req: GraphRequest, q: QueryOptions): GraphResponse {
  const sf = scopeFilter(q, ['roledefinitionid', 'policyid'], req.ids);
  if ('status' in sf) return sf;
  const role = sf.rest.get('roledefinitionid');
  // One role's assignment straight from the index: a per-role client must not pay a scan of the tenant.
  let all =
    sf.view === 'Group'
      ? [...ctx.state.groupPolicyAssignments(sf.scopeId)]
      : typeof role === 'string'
        ? [...ctx.state.assignmentsOfRole(role)]
        : [...ctx.state.assignments()];
  for (const [k, v] of sf.rest) {
    const want = String(v).toLowerCase();
    all = all.filter(
      (a) =>
        (k === 'roledefinitionid'
          ? a.roleDefinitionId
          : viewId(a.policyId, sf.view)
        ).toLowerCase() === want,
    );
  }
  const p = page(all, q, ctx.limits, req.url);
  return ok({
    '@odata.context': `${CONTEXT}policies/roleManagementPolicyAssignments${expandSuffix(q.expand)}`,
    ...(p.nextLink ? { '@odata.nextLink': p.nextLink } : {}),
    value: p.items.map((a) => renderAssignment(ctx, a, sf.view, q.expand, q.select)),
  });
}

function listPolicies(ctx: RouteContext, req: GraphRequest, q: QueryOptions): GraphResponse {
  const sf = scopeFilter(q, [], req.ids);
  if ('status' in sf) return sf;
  const all =
    sf.view === 'Group'
      ? ctx.state.groupPolicyAssignments(sf.scopeId).flatMap((a) => {
          const p = ctx.state.policy(a.policyId);
          return p ? [p] : [];
        })
      : [...ctx.state.policies()];
  const p = page(all, q, ctx.limits, req.url);
  return ok({
    '@odata.context': `${CONTEXT}policies/roleManagementPolicies${expandSuffix(q.expand)}`,
    ...(p.nextLink ? { '@odata.nextLink': p.nextLink } : {}),
    value: p.items.map((x) => renderPolicy(ctx, x, sf.view, q.expand, q.select)),
  });
}

function getPolicy(ctx: RouteContext, p: Policy, view: PolicyView, q: QueryOptions): GraphResponse {
  return ok({
    '@odata.context': `${CONTEXT}policies/roleManagementPolicies${expandSuffix(q.expand)}/$entity`,
    ...renderPolicy(ctx, p, view, q.expand, q.select),
  });
}

function patchError(ctx: RouteContext, e: RulePatchError, ids: RequestIds): GraphResponse {
  switch (e.kind) {
    case 'WrongType':
      return ctx.wrongTypeStatus === 500
        ? opaqueServerError(ids)
        : graphError(400, 'BadRequest', `Invalid @odata.type: ${e.message}`, ids);
    case 'InvalidRuleId':
      return invalidRuleId(e.ruleId, ids);
    case 'PolicyInvalid':
      return policyInvalid(ids, e.message);
    case 'BadRequest':
      return badRequest(e.message, ids);
  }
}

function patchOneRule(
  ctx: RouteContext,
  req: GraphRequest,
  policy: Policy,
  rule: PolicyRule,
): GraphResponse {
  const r = patchRule(rule, rule.id, req.body);
  if ('error' in r) return patchError(ctx, r.error, req.ids);
  const rules = policy.rules.map((x) => (x === rule ? r.rule : x));
  const bad = checkPolicy(rules, ctx.rules);
  if (bad) return patchError(ctx, bad, req.ids);
  ctx.state.replaceRules(policy, rules);
  return { status: 204, headers: {} };
}

function patchPolicy(
  ctx: RouteContext,
  req: GraphRequest,
  policy: Policy,
  view: PolicyView,
): GraphResponse {
  const body = req.body as { rules?: unknown } | undefined;
  if (typeof body !== 'object' || body === null || !Array.isArray(body.rules)) {
    return badRequest('The request body must hold a rules array.', req.ids);
  }
  let rules = [...policy.rules];
  for (const sent of body.rules as unknown[]) {
    const id = (sent as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') return policyInvalid(req.ids, 'every rule needs an id');
    const current = rules.find((x) => x.id.toLowerCase() === id.toLowerCase());
    if (!current) return invalidRuleId(id, req.ids);
    const r = patchRule(current, current.id, sent);
    if ('error' in r) return patchError(ctx, r.error, req.ids);
    rules = rules.map((x) => (x === current ? r.rule : x));
  }
  const bad = checkPolicy(rules, ctx.rules);
  if (bad) return patchError(ctx, bad, req.ids);
  ctx.state.replaceRules(policy, rules);
  const expand: ExpandItem[] = [{ name: 'rules', expand: [], select: undefined }];
  return ok({
    '@odata.context': `${CONTEXT}policies/roleManagementPolicies${expandSuffix(expand)}/$entity`,
    ...renderPolicy(ctx, policy, view, expand),
  });
}
