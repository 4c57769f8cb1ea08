// Reads the lists a holder plan needs (role-holders.ts): the users each role is mapped to directly and the direct
// members of each group that grants a role, paged, a few requests at a time. Keycloak's admin API has no bulk
// read of user role mappings (the realm export leaves users out), so this is one paged list per role and per
// role-granting group, never one request per user. Needs the realm-management role view-users.
import type { KeycloakAdminClient } from './admin-client.js';
import type { HolderLists, HolderRead, HolderReadPlan, UserRep } from './role-holders.js';
import { mapLimit } from '../../util/map-limit.js';

/** Users per page: large pages keep the request count near one per list. */
export const HOLDER_PAGE_SIZE = 500;
/** List reads in flight at once. */
export const HOLDER_READ_CONCURRENCY = 4;

/** Reads every list of the plan. */
export async function readHolderLists(
  client: KeycloakAdminClient,
  realm: string,
  plan: HolderReadPlan,
  signal?: AbortSignal,
): Promise<HolderLists> {
  const readAll = async (r: HolderRead): Promise<[string, UserRep[]]> => {
    const users: UserRep[] = [];
    for (let first = 0; ; first += HOLDER_PAGE_SIZE) {
      const page = await client.get<UserRep[]>(
        `/${encodeURIComponent(realm)}${r.path}?briefRepresentation=true&first=${first}&max=${HOLDER_PAGE_SIZE}`,
        signal,
      );
      users.push(...page);
      if (page.length < HOLDER_PAGE_SIZE) return [r.key, users];
    }
  };
  const lists = await mapLimit([...plan.roles, ...plan.groups], HOLDER_READ_CONCURRENCY, readAll);
  return {
    roleUsers: new Map(lists.slice(0, plan.roles.length)),
    groupMembers: new Map(lists.slice(plan.roles.length)),
  };
}
