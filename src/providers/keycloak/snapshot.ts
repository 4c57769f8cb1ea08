// Turns one RealmState into the provider-neutral view plan() reads: a LiveRole per realm and client role,
// judged against the bound browser flow, with who holds it (coverage facts) where holders were read.
import type { CoverageFacts, Holding } from '../../api/coverage.js';
import { useRequirement, type LiveRole, type RoleLookup } from '../../api/observation.js';
import type { ProviderSnapshot, RoleReference } from '../types.js';
import {
  assessRole,
  buildModel,
  describeEnforcement,
  DIRECT_GRANT_STEPS,
  type FlowModel,
  type RoleEnforcement,
  type RoleKey,
} from './flow-model.js';
import type { RealmExport, RealmState } from './realm-state.js';
import { roleDirectory, roleReference, type RoleDirectory } from './role-names.js';
import {
  directGrantClients,
  flattenGroups,
  planHolderReads,
  roleGraph,
  roleLabel,
  signInHoldings,
  type DirectGrantClient,
  type RoleGraph,
} from './role-holders.js';
import { grantRoles, otherRolesAsking, type GrantRoles } from './grant-roles.js';
import { clientScopeRoles, tokensCanCarry } from './token-scope.js';
import type { ClientRep } from './realm-state.js';
import { rowsFromExport } from './exported-flow.js';

/** A role of the realm with its place (realm or client). */
export interface KeycloakRole extends RoleKey {
  description?: string;
}

/** The realm's roles and clients by name, for resolving role strings as Keycloak does. */
export function directoryOf(exp: RealmExport): RoleDirectory {
  return roleDirectory(
    exp.roles?.realm ?? [],
    exp.roles?.client ?? {},
    (exp.clients ?? []).map((c) => c.clientId),
  );
}

/** Every realm role and client role in the export. */
export function rolesOf(state: RealmState): KeycloakRole[] {
  const out: KeycloakRole[] = [];
  for (const r of state.export.roles?.realm ?? []) out.push({ id: r.id, name: r.name });
  for (const [clientId, roles] of Object.entries(state.export.roles?.client ?? {})) {
    for (const r of roles) out.push({ id: r.id, name: r.name, clientId });
  }
  return out;
}

/** Realm-wide caveats that weaken every role's enforcement, as deterministic phrases. */
function realmWarnings(state: RealmState): string[] {
  const out: string[] = [];
  const totp = state.export.requiredActions?.find((a) => a.alias === 'CONFIGURE_TOTP');
  if (totp && totp.enabled === false) {
    out.push(
      'required action CONFIGURE_TOTP is disabled: holders without OTP cannot enrol and cannot log in',
    );
  }
  const flowsById = new Map((state.export.authenticationFlows ?? []).map((f) => [f.id, f.alias]));
  for (const c of state.export.clients ?? []) {
    const o = c.authenticationFlowBindingOverrides?.browser;
    if (o)
      out.push(`client ${c.clientId} overrides the browser flow with ${flowsById.get(o) ?? o}`);
  }
  return out.sort();
}

/** A point-in-time view of a realm's roles and whether each one's holders must pass a second factor. */
export class KeycloakSnapshot implements ProviderSnapshot {
  readonly model: FlowModel;
  private readonly all: KeycloakRole[];
  private readonly cache = new Map<string, LiveRole>();
  private readonly warnings: string[];
  readonly names: RoleDirectory;
  /** Lower-case role id -> its SignIn holdings; undefined when holders were not read. */
  private readonly signIn: Map<string, Holding[]> | undefined;
  private readonly directGrant: DirectGrantClient[];
  private readonly directGrantModels = new Map<string, FlowModel | undefined>();
  private readonly graph: RoleGraph;
  private readonly grants: GrantRoles;
  private readonly clientsById: ReadonlyMap<string, ClientRep>;
  private readonly clientScopes = new Map<string, ReadonlySet<string>>();
  /** `flow alias` + NUL + lower-case role id -> whether the flow forces a second factor on the role's holders. */
  private readonly forcedIn = new Map<string, boolean>();

  constructor(
    readonly state: RealmState,
    readonly observedAt: string,
  ) {
    this.names = directoryOf(state.export);
    this.model = buildModel(
      state.browserFlow,
      state.executions,
      state.export.authenticatorConfig ?? [],
      this.names,
    );
    this.all = rolesOf(state);
    this.warnings = realmWarnings(state);
    this.graph = roleGraph(state.export);
    this.grants = grantRoles(state.export, this.graph, flattenGroups(state.export, this.graph));
    this.clientsById = new Map((state.export.clients ?? []).map((c) => [c.clientId, c]));
    if (state.holders) {
      this.signIn = signInHoldings(
        state.export,
        this.graph,
        planHolderReads(state.export, this.graph),
        state.holders,
      );
    } else {
      this.signIn = undefined;
    }
    this.directGrant = directGrantClients(state.export);
  }

  /** The direct grant flow `alias` as a model (from the export: no request), or undefined when it is missing. */
  private directGrantModel(alias: string): FlowModel | undefined {
    if (!this.directGrantModels.has(alias)) {
      const rows = rowsFromExport(this.state.export.authenticationFlows ?? [], alias);
      this.directGrantModels.set(
        alias,
        rows && buildModel(alias, rows, this.state.export.authenticatorConfig ?? [], this.names),
      );
    }
    return this.directGrantModels.get(alias);
  }

  /**
   * Who holds the role and how: a SignIn holding per user, and a DirectGrant holding per user and client whose
   * password grant does not force a second factor on the role. A client whose direct grant flow does force it
   * (a REQUIRED OTP validation under a condition for the role) gives no DirectGrant holding: that path asks the
   * holder as the browser flow does. Undefined when holders were not read, or for roles every user holds through
   * the realm's default role (not read: see planHolderReads).
   */
  coverage(role: KeycloakRole): CoverageFacts | undefined {
    const ref = roleReference(this.names, role);
    const signIn = this.signIn?.get(role.id.toLowerCase());
    if (!signIn) {
      // The ambiguity is reported even without holders: it alone makes coverage unprovable.
      return ref.ambiguity
        ? {
            holdings: [],
            policies: [],
            memberOf: {},
            groupActivation: {},
            ambiguity: ref.ambiguity,
          }
        : undefined;
    }
    const holdings: Holding[] = [...signIn];
    // Keycloak's role conditions match effective roles: the steps of the other roles a holder's grant gives them
    // ask them too, at browser login and in a direct grant flow alike (grant-roles.ts).
    const askedThrough: Record<string, string[]> = {};
    const inBrowser = (id: string): boolean => this.forced(undefined, id);
    for (const h of signIn) {
      const others = otherRolesAsking(this.grants(role.id, h.via), role.id, inBrowser);
      if (others.length > 0) {
        askedThrough[h.principal.id] = others.map((id) => roleLabel(this.graph.byId.get(id)));
      }
    }
    for (const c of this.directGrant) {
      // A missing flow fails every password grant: nothing to report for it.
      if (!this.directGrantModel(c.flowAlias) || this.forced(c.flowAlias, role.id)) continue;
      // A client whose tokens cannot carry the role is no way to use it (token-scope.ts).
      const rep = this.clientsById.get(c.clientId);
      if (rep && !tokensCanCarry(this.state.export, this.graph, rep, role, () => this.scopeOf(rep)))
        continue;
      for (const h of signIn) {
        const inFlow = (id: string): boolean => this.forced(c.flowAlias, id);
        if (otherRolesAsking(this.grants(role.id, h.via), role.id, inFlow).length > 0) continue;
        holdings.push({
          principal: h.principal,
          path: 'DirectGrant',
          via: { kind: 'Client', id: c.clientId, displayName: c.displayName },
        });
      }
    }
    return {
      holdings,
      policies: [],
      memberOf: {},
      groupActivation: {},
      ...(ref.ambiguity ? { ambiguity: ref.ambiguity } : {}),
      ...(Object.keys(askedThrough).length > 0 ? { askedThrough } : {}),
    };
  }

  /**
   * Whether a flow forces a second factor on the holders of a role (by lower-case id): the bound browser flow
   * (`flowAlias` undefined) or a direct grant flow. Memoised: each (flow, role) is judged once per snapshot.
   */
  private forced(flowAlias: string | undefined, roleId: string): boolean {
    const key = `${flowAlias ?? ''}\0${roleId.toLowerCase()}`;
    let hit = this.forcedIn.get(key);
    if (hit === undefined) {
      const k = this.graph.byId.get(roleId.toLowerCase());
      const model = flowAlias === undefined ? this.model : this.directGrantModel(flowAlias);
      hit =
        k !== undefined &&
        model !== undefined &&
        assessRole(model, k, flowAlias === undefined ? undefined : DIRECT_GRANT_STEPS).forced;
      this.forcedIn.set(key, hit);
    }
    return hit;
  }

  /** The roles a fullScopeAllowed-false client's tokens may carry, read once per client. */
  private scopeOf(client: ClientRep): ReadonlySet<string> {
    let hit = this.clientScopes.get(client.clientId);
    if (!hit) {
      hit = clientScopeRoles(this.state.export, this.graph, client);
      this.clientScopes.set(client.clientId, hit);
    }
    return hit;
  }

  /** The raw verdict for a role, for tests and apply(). */
  enforcement(role: RoleKey): RoleEnforcement {
    return assessRole(this.model, role);
  }

  /** Finds a role by id (any container) or by name (the realm, or the client named by clientId). */
  find(ref: RoleReference): KeycloakRole | KeycloakRole[] | undefined {
    if (ref.id) {
      const id = ref.id.toLowerCase();
      const r = this.all.find((x) => x.id.toLowerCase() === id);
      if (r && ref.clientId !== undefined && r.clientId !== ref.clientId) return undefined;
      return r;
    }
    if (ref.displayName === undefined) return undefined;
    const hits = this.all.filter((x) => x.name === ref.displayName && x.clientId === ref.clientId);
    return hits.length === 1 ? hits[0] : hits.length === 0 ? undefined : hits;
  }

  resolve(ref: RoleReference, scope: string): RoleLookup {
    if (scope !== '/' && scope !== '') {
      return {
        kind: 'NotFound',
        message: `Keycloak roles apply to the whole realm; scope ${scope} is not supported (use /)`,
      };
    }
    const hit = this.find(ref);
    const where = ref.clientId
      ? `client ${ref.clientId} of realm ${this.state.realm}`
      : `realm ${this.state.realm}`;
    if (hit === undefined) {
      const what = ref.id ? `id ${ref.id}` : `name ${ref.displayName ?? '(none)'}`;
      return { kind: 'NotFound', message: `No role with ${what} in ${where}` };
    }
    if (Array.isArray(hit)) return { kind: 'Ambiguous', candidates: hit.map((h) => h.id).sort() };
    return { kind: 'Found', role: this.live(hit) };
  }

  roles(): readonly LiveRole[] {
    return this.all.map((r) => this.live(r));
  }

  /** The LiveRole of one role. */
  live(role: KeycloakRole): LiveRole {
    const key = role.id.toLowerCase();
    const hit = this.cache.get(key);
    if (hit) return hit;
    const e = this.enforcement(role);
    // A broken rolegate step is reported as missing MFA even if another path forces it, so that the next
    // apply repairs what rolegate owns instead of leaving it half-deleted.
    const forced = e.forced && (e.owned.length === 0 || e.ownedIntact);
    const ambiguity = roleReference(this.names, role).ambiguity;
    const coverage = this.coverage(role);
    // Without a step of its own, a composite's holders may still be asked by the steps of roles it contains: say
    // so, so that "no step forces" is not read as "nobody is asked".
    const contained = e.forced
      ? []
      : otherRolesAsking(this.grants(role.id, undefined), role.id, (id) =>
          this.forced(undefined, id),
        ).map((id) => roleLabel(this.graph.byId.get(id)));
    const detail = [
      ...(ambiguity ? [ambiguity] : []),
      describeEnforcement(this.state.browserFlow || '(none bound)', e),
      ...(contained.length > 0
        ? [
            `its holders are asked for OTP by the step of ${contained.join(', ')}, which it contains (the step counts for holder coverage, not as this role's own)`,
          ]
        : []),
      ...this.warnings,
      ...(this.state.holdersError ? [this.state.holdersError] : []),
    ].join('; ');
    const live: LiveRole = {
      roleId: key,
      roleDisplayName: role.name,
      ...(role.clientId ? { clientId: role.clientId } : {}),
      scope: '/',
      handle: this.state.browserFlow,
      // The step asks every holder the role condition matches at browser login.
      requirements: [useRequirement('All', 'OtpStep', forced)],
      detail,
      ...(coverage ? { coverage } : {}),
    };
    this.cache.set(key, live);
    return live;
  }
}
