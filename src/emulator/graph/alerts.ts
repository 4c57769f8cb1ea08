// PIM alerts for the emulator (Graph beta `identityGovernance/roleManagementAlerts`, graph-pim.md §4): the
// seven directory-role alert definitions with their configurations and alerts, the NoMfaOnRoleActivationAlert's
// incidents computed from the tenant's policies, asynchronous refresh through long-running operations, dismiss
// and remediate. Incidents change only on refresh (or remediate), as in PIM, where alerts are a periodic scan and
// not a live view: a client that fixes a role and reads the alert without refreshing still sees the incident.
import { compareText } from '../../api/compare-text.js';
import { randomUUID } from 'node:crypto';
import {
  badRequest,
  graphError,
  methodNotAllowed,
  missingProvider,
  notFound,
  unknownSegment,
  type GraphResponse,
} from './errors.js';
import {
  applySelect,
  expanded,
  pageSizeFor,
  queryOrBadRequest,
  type PageLimits,
  type QueryOptions,
} from './odata.js';
import { unsupportedScope, type GraphRequest } from './routes.js';
import type { TenantState } from './state.js';

/** One alert definition as Graph returns it. */
export interface AlertDefinition {
  id: string;
  displayName: string;
  scopeType: string;
  scopeId: string;
  description: string;
  severityLevel: string;
  securityImpact: string;
  mitigationSteps: string;
  howToPrevent: string;
  isRemediatable: boolean;
  isConfigurable: boolean;
}

/** A NoMfaOnRoleActivationAlert incident: one role whose activation does not require MFA. */
export interface NoMfaIncident {
  '@odata.type': '#microsoft.graph.noMfaOnRoleActivationAlertIncident';
  id: string;
  roleTemplateId: string;
  roleDisplayName: string;
}

/** Emulator switches for what the docs leave open. */
export interface AlertOptions {
  /** How many polls of a refresh operation answer `running` before it succeeds (default 1). */
  refreshPolls: number;
}

/** The name of the MFA alert (the suffix of its id). */
export const NO_MFA_ALERT = 'NoMfaOnRoleActivationAlert';

const MFA = 'MultiFactorAuthentication';
const CONTEXT =
  'https://graph.microsoft.com/beta/$metadata#identityGovernance/roleManagementAlerts/';
const BASE = '/beta/identityGovernance/roleManagementAlerts';

/** name, displayName, severity (Graph's), remediatable, configurable, type stem — graph-pim.md §4. */
const DEFINITIONS: ReadonlyArray<readonly [string, string, string, boolean, boolean, string]> = [
  [
    'InvalidLicenseAlert',
    "The organization doesn't have Azure AD Premium P2",
    'high',
    false,
    false,
    'invalidLicense',
  ],
  [
    NO_MFA_ALERT,
    "Roles don't require multi-factor authentication for activation",
    'medium',
    true,
    false,
    'noMfaOnRoleActivation',
  ],
  [
    'RedundantAssignmentAlert',
    "Eligible administrators aren't activating their privileged role",
    'low',
    true,
    true,
    'redundantAssignment',
  ],
  [
    'RolesAssignedOutsidePimAlert',
    'Roles are being assigned outside of Privileged Identity Management',
    'high',
    true,
    false,
    'rolesAssignedOutsidePrivilegedIdentityManagement',
  ],
  [
    'SequentialActivationRenewalsAlert',
    'Roles are being activated too frequently',
    'medium',
    false,
    true,
    'sequentialActivationRenewals',
  ],
  [
    'StaleSignInAlert',
    'Potential stale accounts in a privileged role',
    'medium',
    true,
    true,
    'staleSignIn',
  ],
  [
    'TooManyGlobalAdminsAssignedToTenantAlert',
    'There are too many global administrators',
    'low',
    true,
    true,
    'tooManyGlobalAdminsAssignedToTenant',
  ],
];

interface AlertRecord {
  name: string;
  stem: string;
  definition: AlertDefinition;
  isActive: boolean;
  lastModifiedDateTime: string;
  lastScannedDateTime: string;
  incidents: NoMfaIncident[];
}

interface Operation {
  id: string;
  status: 'notStarted' | 'running' | 'succeeded' | 'failed';
  createdDateTime: string;
  lastActionDateTime: string;
  pollsLeft: number;
  alerts: string[];
}

const nowIso = (): string => new Date().toISOString();

function ok(body: unknown, status = 200): GraphResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/json;odata.metadata=minimal', 'OData-Version': '4.0' },
    body,
  };
}

/** The alerts of one emulated tenant. */
export class AlertsState {
  private readonly alerts: AlertRecord[];
  private readonly operations = new Map<string, Operation>();

  constructor(
    private readonly tenant: TenantState,
    readonly options: AlertOptions = { refreshPolls: 1 },
  ) {
    const at = nowIso();
    this.alerts = DEFINITIONS.map(([name, displayName, severity, rem, conf, stem]) => ({
      name,
      stem,
      definition: {
        id: this.idOf(name),
        displayName,
        scopeType: 'DirectoryRole',
        scopeId: '/',
        description: `${displayName}.`,
        severityLevel: severity,
        securityImpact: `${displayName}: privileged access is weaker than intended.`,
        mitigationSteps: 'Review the affected roles in Privileged Identity Management.',
        howToPrevent: 'Configure role settings in Privileged Identity Management.',
        isRemediatable: rem,
        isConfigurable: conf,
      },
      isActive: false,
      lastModifiedDateTime: at,
      lastScannedDateTime: at,
      incidents: [],
    }));
    // The first scan happens when the tenant is created, so that a fresh emulator already reports its drift.
    for (const a of this.alerts) this.scan(a);
  }

  /** `DirectoryRole_{tenantId}_{Name}`: alert, definition and configuration share it. */
  idOf(name: string): string {
    return `DirectoryRole_${this.tenant.tenantId}_${name}`;
  }

  /** The incidents of the MFA alert as last scanned (a copy). */
  noMfaIncidents(): NoMfaIncident[] {
    return structuredClone(this.find(this.idOf(NO_MFA_ALERT))?.incidents ?? []);
  }

  /** Scans now, without an operation (tests). */
  refreshNow(): void {
    for (const a of this.alerts) this.scan(a);
  }

  private find(id: string): AlertRecord | undefined {
    const k = id.toLowerCase();
    return this.alerts.find((a) => a.definition.id.toLowerCase() === k);
  }

  /** Recomputes an alert from the tenant. Only the MFA alert has incidents here; the others stay quiet. */
  private scan(a: AlertRecord): void {
    const at = nowIso();
    if (a.name === NO_MFA_ALERT) {
      const incidents: NoMfaIncident[] = [];
      for (const asg of this.tenant.assignments()) {
        const p = this.tenant.policy(asg.policyId);
        const rule = p ? this.tenant.rule(p, 'Enablement_EndUser_Assignment') : undefined;
        const rules = Array.isArray(rule?.enabledRules) ? (rule.enabledRules as string[]) : [];
        if (rules.some((r) => r.toLowerCase() === MFA.toLowerCase())) continue;
        const def = this.tenant.roleDefinition(asg.roleDefinitionId);
        const templateId = (def?.templateId ?? asg.roleDefinitionId).toLowerCase();
        incidents.push({
          '@odata.type': '#microsoft.graph.noMfaOnRoleActivationAlertIncident',
          // Undocumented for this type; the role template id is stable across scans (graph-pim.md §4).
          id: templateId,
          roleTemplateId: templateId,
          roleDisplayName: def?.displayName ?? asg.roleDefinitionId,
        });
      }
      incidents.sort((x, y) => compareText(x.roleDisplayName, y.roleDisplayName));
      if (JSON.stringify(incidents) !== JSON.stringify(a.incidents)) a.lastModifiedDateTime = at;
      a.incidents = incidents;
    }
    a.isActive = a.incidents.length > 0;
    a.lastScannedDateTime = at;
  }

  private startOperation(alerts: AlertRecord[]): Operation {
    const at = nowIso();
    const op: Operation = {
      id: randomUUID(),
      status: 'running',
      createdDateTime: at,
      lastActionDateTime: at,
      pollsLeft: this.options.refreshPolls,
      alerts: alerts.map((a) => a.definition.id),
    };
    this.operations.set(op.id, op);
    return op;
  }

  /** A poll: answers `running` for the configured number of polls, then scans and answers `succeeded`. */
  private poll(op: Operation): void {
    if (op.status !== 'running') return;
    if (op.pollsLeft > 0) {
      op.pollsLeft--;
      return;
    }
    for (const id of op.alerts) {
      const a = this.find(id);
      if (a) this.scan(a);
    }
    op.status = 'succeeded';
    op.lastActionDateTime = nowIso();
  }

  /** Answers a request under `/beta/identityGovernance/roleManagementAlerts`; `rest` is the path after it. */
  route(req: GraphRequest, rest: string[], limits: PageLimits): GraphResponse {
    const { ids } = req;
    const parsed = queryOrBadRequest(req);
    if ('error' in parsed) return parsed.error;
    const { q } = parsed;
    const [kind, id, sub, subId, action] = rest;
    // PIM alerts exist for Entra roles only: scopeId '/' with scopeType DirectoryRole, the only scope the
    // alert resource documents; any other scope is refused (400), not answered with an empty list.
    const scopeOk = (scopeId: unknown, scopeType: unknown): GraphResponse | undefined => {
      if (typeof scopeId !== 'string' || typeof scopeType !== 'string') return missingProvider(ids);
      if (scopeId !== '/' || scopeType !== 'DirectoryRole')
        return unsupportedScope(scopeId, scopeType, ids);
      return undefined;
    };
    const filterScopeOk = (): GraphResponse | undefined =>
      scopeOk(q.filter?.get('scopeid'), q.filter?.get('scopetype'));

    if (kind === 'alertDefinitions' || kind === 'alertConfigurations') {
      if (req.method !== 'GET') return methodNotAllowed(ids);
      const render = (a: AlertRecord): Record<string, unknown> =>
        kind === 'alertDefinitions'
          ? applySelect({ ...a.definition }, q.select)
          : this.renderConfiguration(a, q);
      if (id === undefined) {
        const bad = filterScopeOk();
        if (bad) return bad;
        return ok({ '@odata.context': `${CONTEXT}${kind}`, value: this.alerts.map(render) });
      }
      const a = this.find(id);
      if (!a || rest.length > 2) return a ? unknownSegment(rest[2] ?? '', ids) : notFound(id, ids);
      return ok({ '@odata.context': `${CONTEXT}${kind}/$entity`, ...render(a) });
    }

    if (kind === 'operations') {
      if (req.method !== 'GET') return methodNotAllowed(ids);
      const op = id === undefined ? undefined : this.operations.get(id);
      if (!op) return notFound(id ?? '', ids);
      this.poll(op);
      return ok({
        '@odata.context': `${CONTEXT}operations/$entity`,
        id: op.id,
        status: op.status,
        createdDateTime: op.createdDateTime,
        lastActionDateTime: op.lastActionDateTime,
        resourceLocation: op.status === 'succeeded' ? `${req.url.origin}${BASE}/alerts` : null,
        statusDetail: null,
      });
    }

    if (kind !== 'alerts') return unknownSegment(kind ?? '', ids);

    if (id === 'refresh' && sub === undefined) {
      if (req.method !== 'POST') return methodNotAllowed(ids);
      const b = req.body as { scopeId?: unknown; scopeType?: unknown } | undefined;
      const bad = scopeOk(b?.scopeId, b?.scopeType);
      if (bad) return bad;
      return this.accepted(req, this.startOperation(this.alerts));
    }
    if (id === undefined) {
      if (req.method !== 'GET') return methodNotAllowed(ids);
      const bad = filterScopeOk();
      if (bad) return bad;
      return ok({
        '@odata.context': `${CONTEXT}alerts`,
        value: this.alerts.map((a) => this.renderAlert(a, q, req)),
      });
    }
    const a = this.find(id);
    if (!a) return notFound(id, ids);
    if (sub === undefined) {
      if (req.method === 'GET')
        return ok({ '@odata.context': `${CONTEXT}alerts/$entity`, ...this.renderAlert(a, q, req) });
      if (req.method === 'PATCH') return this.patchAlert(a, req);
      return methodNotAllowed(ids);
    }
    if (sub === 'refresh' && subId === undefined) {
      if (req.method !== 'POST') return methodNotAllowed(ids);
      return this.accepted(req, this.startOperation([a]));
    }
    if (sub === 'alertIncidents') {
      if (subId === undefined) {
        if (req.method !== 'GET') return methodNotAllowed(ids);
        return this.listIncidents(a, q, req, limits);
      }
      const inc = a.incidents.find((x) => x.id.toLowerCase() === subId.toLowerCase());
      if (action === undefined) {
        if (req.method !== 'GET') return methodNotAllowed(ids);
        if (!inc) return notFound(subId, ids);
        return ok({
          '@odata.context': `${CONTEXT}alerts('${a.definition.id}')/alertIncidents/$entity`,
          ...applySelect({ ...inc }, q.select),
        });
      }
      if (action === 'remediate' && rest.length === 5) {
        if (req.method !== 'POST') return methodNotAllowed(ids);
        if (!a.definition.isRemediatable) {
          return graphError(400, 'BadRequest', `The alert ${a.name} can not be remediated.`, ids);
        }
        if (!inc) return notFound(subId, ids);
        this.remediate(a, inc);
        return { status: 200, headers: {} };
      }
    }
    return unknownSegment(sub, ids);
  }

  private accepted(req: GraphRequest, op: Operation): GraphResponse {
    return {
      status: 202,
      headers: { Location: `${req.url.origin}${BASE}/operations/${op.id}`, 'Content-Length': '0' },
    };
  }

  /** Remediating a NoMfa incident turns MFA on for that role's activation and drops the incident. */
  private remediate(a: AlertRecord, inc: NoMfaIncident): void {
    if (a.name === NO_MFA_ALERT) {
      const asg = this.tenant
        .assignments()
        .find((x) => x.roleDefinitionId.toLowerCase() === inc.roleTemplateId.toLowerCase());
      const p = asg ? this.tenant.policy(asg.policyId) : undefined;
      const rule = p ? this.tenant.rule(p, 'Enablement_EndUser_Assignment') : undefined;
      if (p && rule) {
        const current = Array.isArray(rule.enabledRules) ? (rule.enabledRules as string[]) : [];
        this.tenant.replaceRules(
          p,
          p.rules.map((r) =>
            r === rule ? { ...r, enabledRules: [...current.filter((x) => x !== MFA), MFA] } : r,
          ),
          'PIM alert remediation',
        );
      }
    }
    a.incidents = a.incidents.filter((x) => x !== inc);
    a.isActive = a.incidents.length > 0;
    a.lastModifiedDateTime = nowIso();
  }

  private patchAlert(a: AlertRecord, req: GraphRequest): GraphResponse {
    const b = req.body as Record<string, unknown> | undefined;
    if (typeof b !== 'object' || b === null || typeof b.isActive !== 'boolean')
      return badRequest('The request body must hold isActive.', req.ids);
    const extra = Object.keys(b).find((k) => k !== 'isActive' && k !== '@odata.type');
    if (extra !== undefined)
      return badRequest(
        `The property '${extra}' does not exist on type 'microsoft.graph.unifiedRoleManagementAlert'.`,
        req.ids,
      );
    a.isActive = b.isActive;
    a.lastModifiedDateTime = nowIso();
    return { status: 204, headers: {} };
  }

  private renderConfiguration(a: AlertRecord, q: QueryOptions): Record<string, unknown> {
    const out: Record<string, unknown> = applySelect(
      {
        '@odata.type': `#microsoft.graph.${a.stem}AlertConfiguration`,
        id: a.definition.id,
        alertDefinitionId: a.definition.id,
        scopeType: 'DirectoryRole',
        scopeId: '/',
        isEnabled: true,
      },
      q.select,
    );
    if (expanded(q.expand, 'alertDefinition')) out.alertDefinition = { ...a.definition };
    return out;
  }

  private renderAlert(a: AlertRecord, q: QueryOptions, req: GraphRequest): Record<string, unknown> {
    const out: Record<string, unknown> = applySelect(
      {
        id: a.definition.id,
        alertDefinitionId: a.definition.id,
        scopeId: '/',
        scopeType: 'DirectoryRole',
        incidentCount: a.incidents.length,
        isActive: a.isActive,
        lastModifiedDateTime: a.lastModifiedDateTime,
        lastScannedDateTime: a.lastScannedDateTime,
      },
      q.select,
    );
    if (expanded(q.expand, 'alertDefinition')) out.alertDefinition = { ...a.definition };
    if (expanded(q.expand, 'alertConfiguration'))
      out.alertConfiguration = this.renderConfiguration(a, { ...q, expand: [], select: undefined });
    if (expanded(q.expand, 'alertIncidents')) {
      out['alertIncidents@odata.context'] = `${CONTEXT}alerts('${a.definition.id}')/alertIncidents`;
      out.alertIncidents = structuredClone(a.incidents);
    }
    void req;
    return out;
  }

  /** Incidents paged with `$top`/`$skip` (the server's maximum page size caps `$top`). */
  private listIncidents(
    a: AlertRecord,
    q: QueryOptions,
    req: GraphRequest,
    limits: PageLimits,
  ): GraphResponse {
    const skipRaw = req.url.searchParams.get('$skip');
    const skip = skipRaw === null ? 0 : Number(skipRaw);
    if (!Number.isInteger(skip) || skip < 0)
      return badRequest(`Invalid value '${String(skipRaw)}' for $skip.`, req.ids);
    const size = pageSizeFor(q.top, limits);
    const items = a.incidents.slice(skip, skip + size);
    let nextLink: string | undefined;
    if (skip + size < a.incidents.length) {
      // Graph writes its query options literally (`$top`, not `%24top`), the rest of the query kept.
      const kept = req.url.search
        .replace(/^\?/, '')
        .split('&')
        .filter((kv) => kv !== '' && !/^(\$|%24)(top|skip)=/i.test(kv));
      kept.push(`$top=${size}`, `$skip=${skip + size}`);
      nextLink = `${req.url.origin}${req.url.pathname}?${kept.join('&')}`;
    }
    return ok({
      '@odata.context': `${CONTEXT}alerts('${a.definition.id}')/alertIncidents`,
      ...(nextLink ? { '@odata.nextLink': nextLink } : {}),
      value: items.map((x) => applySelect({ ...x }, q.select)),
    });
  }
}
