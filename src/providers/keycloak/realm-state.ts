// The two reads a resync costs, whatever the number of roles: a partial export of the realm (binding, realm
// and client roles, flows, authenticator configs, required actions, client flow overrides) and the execution
// list of the bound browser flow (the only place execution ids and tree levels come from).
import type { KeycloakAdminClient } from './admin-client.js';
import type { AuthenticatorConfig, ExecutionRow } from './flow-model.js';

/** A role as the partial export lists it. */
export interface RoleRep {
  id: string;
  name: string;
  description?: string;
}

/** A flow as the partial export lists it (executions omitted: the export has no execution ids). */
export interface FlowRep {
  id?: string;
  alias: string;
  builtIn?: boolean;
  topLevel?: boolean;
}

/** The parts of POST /admin/realms/{realm}/partial-export that rolegate reads. */
export interface RealmExport {
  realm?: string;
  browserFlow?: string;
  roles?: { realm?: RoleRep[]; client?: Record<string, RoleRep[]> };
  authenticationFlows?: FlowRep[];
  authenticatorConfig?: AuthenticatorConfig[];
  requiredActions?: { alias: string; enabled?: boolean }[];
  clients?: { clientId: string; authenticationFlowBindingOverrides?: Record<string, string> }[];
}

/** The live state of one realm that snapshot() and apply() judge. */
export interface RealmState {
  realm: string;
  export: RealmExport;
  /** The bound browser flow's alias ('' when none is bound). */
  browserFlow: string;
  /** The bound flow's executions, depth-first. */
  executions: ExecutionRow[];
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

/** Reads the whole state a resync needs: exactly two admin calls. */
export async function readRealmState(
  client: KeycloakAdminClient,
  realm: string,
  signal?: AbortSignal,
): Promise<RealmState> {
  const exp = await readRealmExport(client, realm, signal);
  const browserFlow = exp.browserFlow ?? '';
  const executions = browserFlow ? await readExecutions(client, realm, browserFlow, signal) : [];
  return { realm, export: exp, browserFlow, executions };
}
