// The two reads a resync costs, whatever the number of roles: a partial export of the realm (binding, realm
// and client roles, flows, authenticator configs, required actions, client flow overrides, client scopes and
// scope mappings) and the execution list of the bound browser flow (the only place execution ids and tree levels
// come from).
import type { KeycloakAdminClient } from './admin-client.js';
import type { AuthenticatorConfig, ExecutionRow } from './flow-model.js';
import { ProviderError } from '../types.js';
import { planHolderReads, roleGraph, type HolderLists } from './role-holders.js';
import { readHolderLists } from './holder-reads.js';

/** A role as the partial export lists it. */
export interface RoleRep {
  id: string;
  name: string;
  description?: string;
  composite?: boolean;
  /** The roles a composite contains, by name: realm roles, and client roles per clientId. */
  composites?: { realm?: string[]; client?: Record<string, string[]> };
}

/** An execution as the partial export lists it: no id, the config by alias, a sub-flow by its alias. */
export interface ExportedExecution {
  authenticator?: string;
  authenticatorConfig?: string;
  authenticatorFlow?: boolean;
  flowAlias?: string;
  requirement?: string;
  priority?: number;
}

/** A flow as the partial export lists it (its executions have no ids: those come from the executions call). */
export interface FlowRep {
  id?: string;
  alias: string;
  description?: string;
  builtIn?: boolean;
  topLevel?: boolean;
  authenticationExecutions?: ExportedExecution[];
}

/** A group as the partial export lists it: the tree, with its role mappings by name. */
export interface GroupRep {
  id: string;
  name: string;
  path?: string;
  subGroups?: GroupRep[];
  realmRoles?: string[];
  clientRoles?: Record<string, string[]>;
}

/** A scope mapping as the partial export lists it: the client or client scope it belongs to, and role names. */
export interface ScopeMappingRep {
  client?: string;
  clientScope?: string;
  roles?: string[];
}

/** A client as the partial export lists it. */
export interface ClientRep {
  /** The client's internal id (the path segment of /clients/{id}). */
  id?: string;
  clientId: string;
  name?: string;
  enabled?: boolean;
  bearerOnly?: boolean;
  directAccessGrantsEnabled?: boolean;
  serviceAccountsEnabled?: boolean;
  /** False when tokens carry only the roles in the client's scope (token-scope.ts); absent means true. */
  fullScopeAllowed?: boolean;
  /** The client scopes every token of the client gets, by name. */
  defaultClientScopes?: string[];
  /** The client scopes a token request may ask for with `scope`, by name. */
  optionalClientScopes?: string[];
  /** Flow ids by binding: `browser`, `direct_grant`. */
  authenticationFlowBindingOverrides?: Record<string, string>;
}

/** The parts of POST /admin/realms/{realm}/partial-export that rolegate reads. */
export interface RealmExport {
  realm?: string;
  browserFlow?: string;
  /** The realm's direct grant (password grant) flow alias. */
  directGrantFlow?: string;
  /** The composite every new user of the realm is given (`default-roles-<realm>`). */
  defaultRole?: { id: string; name: string };
  roles?: { realm?: RoleRep[]; client?: Record<string, RoleRep[]> };
  groups?: GroupRep[];
  authenticationFlows?: FlowRep[];
  authenticatorConfig?: AuthenticatorConfig[];
  requiredActions?: { alias: string; enabled?: boolean }[];
  clients?: ClientRep[];
  /** Realm roles in the scope of each client or client scope (`client` or `clientScope` names the owner). */
  scopeMappings?: ScopeMappingRep[];
  /** Client roles in the scope of each client or client scope, by the clientId owning the roles. */
  clientScopeMappings?: Record<string, ScopeMappingRep[]>;
}

/** The live state of one realm that snapshot() and apply() judge. */
export interface RealmState {
  realm: string;
  export: RealmExport;
  /** The bound browser flow's alias ('' when none is bound). */
  browserFlow: string;
  /** The bound flow's executions, depth-first. */
  executions: ExecutionRow[];
  /** Who holds which role (direct users, group members); absent when they were not read. */
  holders?: HolderLists;
  /** Why holders were not read (the service account lacks view-users, a list read failed). */
  holdersError?: string;
}

/** Percent-encodes one path segment (flow aliases of copied flows contain spaces). */
export const seg = (s: string): string => encodeURIComponent(s);

/** Reads the realm export: one call. Needs manage-realm (or view-realm), view-clients and query-groups. */
export async function readRealmExport(
  client: KeycloakAdminClient,
  realm: string,
  signal?: AbortSignal,
): Promise<RealmExport> {
  // exportClients is what brings client roles along; client secrets in it come back masked.
  const r = await client.call<RealmExport>(
    'POST',
    `/${seg(realm)}/partial-export?exportClients=true&exportGroupsAndRoles=true`,
    { signal, write: false },
  );
  return r.body ?? {};
}

/** Reads a flow's executions: one call. */
export async function readExecutions(
  client: KeycloakAdminClient,
  realm: string,
  flowAlias: string,
  signal?: AbortSignal,
): Promise<ExecutionRow[]> {
  return client.get<ExecutionRow[]>(
    `/${seg(realm)}/authentication/flows/${seg(flowAlias)}/executions`,
    signal,
  );
}

/** Options of a state read. */
export interface ReadStateOptions {
  /** Whether to read holders (role users and group members); apply's own reads skip them. */
  holders?: boolean;
}

/**
 * Reads the whole state a resync needs: the export and the bound flow's executions (two calls), and with
 * `holders`, one paged list per role and per role-granting group (role-holders.ts says which).
 */
export async function readRealmState(
  client: KeycloakAdminClient,
  realm: string,
  signal?: AbortSignal,
  opts: ReadStateOptions = {},
): Promise<RealmState> {
  const exp = await readRealmExport(client, realm, signal);
  const browserFlow = exp.browserFlow ?? '';
  const [executions, holders] = await Promise.all([
    browserFlow ? readExecutions(client, realm, browserFlow, signal) : Promise.resolve([]),
    opts.holders ? readHolders(client, realm, exp, signal) : Promise.resolve(undefined),
  ]);
  return { realm, export: exp, browserFlow, executions, ...holders };
}

/**
 * Reads holders, or says why not: without them coverage is left unjudged (never assumed), while the flow
 * verdicts, which need only the export and the executions, still stand.
 */
async function readHolders(
  client: KeycloakAdminClient,
  realm: string,
  exp: RealmExport,
  signal?: AbortSignal,
): Promise<Pick<RealmState, 'holders' | 'holdersError'>> {
  try {
    return {
      holders: await readHolderLists(client, realm, planHolderReads(exp, roleGraph(exp)), signal),
    };
  } catch (err) {
    if (signal?.aborted || !(err instanceof ProviderError)) throw err;
    const hint =
      err.kind === 'PermissionDenied'
        ? ' (the service account needs the realm-management role view-users)'
        : '';
    return { holdersError: `holders not read: ${err.message}${hint}` };
  }
}
