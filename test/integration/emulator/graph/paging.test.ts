// The emulator's page sizes over real HTTP: the default page without `$top`, `$top` honoured up to the maximum
// page size, nextLinks that keep `$top`, the optional refusal of `$top` on the PIM lists, `$select` on role
// definitions, and per-role lookups that answer from an index.
import { describe, expect, it } from 'vitest';
import { emulator, graphFetch } from '../../providers/entra/fixtures.js';

const DEFINITIONS = '/v1.0/roleManagement/directory/roleDefinitions';
const SCOPE = encodeURIComponent("scopeId eq '/' and scopeType eq 'DirectoryRole'");
const ASSIGNMENTS = `/v1.0/policies/roleManagementPolicyAssignments?$filter=${SCOPE}&$expand=policy($expand=rules)`;
const POLICIES = `/v1.0/policies/roleManagementPolicies?$filter=${SCOPE}`;

type Page = { value: Array<Record<string, unknown>>; '@odata.nextLink'?: string };
type ErrorBody = { error: { code: string; message: string; innerError: Record<string, string> } };

/** Follows nextLinks from `path`; returns the size of every page and the links followed. */
async function pages(
  e: Awaited<ReturnType<typeof emulator>>,
  path: string,
): Promise<{ sizes: number[]; links: string[] }> {
  const sizes: number[] = [];
  const links: string[] = [];
  let next: string | undefined = path;
  while (next !== undefined) {
    const r = await graphFetch(e, 'GET', next);
    expect(r.status).toBe(200);
    const body = r.json as Page;
    sizes.push(body.value.length);
    const link = body['@odata.nextLink'];
    if (link !== undefined) {
      expect(link.startsWith(e.url)).toBe(true);
      links.push(link);
    }
    next = link?.slice(e.url.length);
  }
  return { sizes, links };
}

const sep = (path: string): string => (path.includes('?') ? '&' : '?');

describe('Graph emulator: page sizes', () => {
  it.each([
    { what: 'role definitions', path: DEFINITIONS },
    { what: 'policy assignments with policies and rules', path: ASSIGNMENTS },
    { what: 'policies', path: POLICIES },
  ])('pages 60 $what by 25 without $top and in one page with $top=999', async ({ path }) => {
    const e = await emulator({ seed: { roles: 60 } });
    expect((await pages(e, path)).sizes).toEqual([25, 25, 10]);
    const withTop = await pages(e, `${path}${sep(path)}$top=999`);
    expect(withTop.sizes).toEqual([60]);
    expect(withTop.links).toEqual([]);
  });

  it('caps $top at the maximum page size and keeps $top in every nextLink', async () => {
    const e = await emulator({ seed: { roles: 60 }, maxPageSize: 40 });
    const r = await pages(e, `${ASSIGNMENTS}&$top=999`);
    expect(r.sizes).toEqual([40, 20]);
    expect(r.links).toHaveLength(1);
    expect(r.links[0]).toContain('$top=999');
    expect(r.links[0]).toContain('$skiptoken=');
    // A $top below the default page size is honoured as it is.
    expect((await pages(e, `${DEFINITIONS}?$top=20`)).sizes).toEqual([20, 20, 20]);
  });

  it('never makes a page without $top larger than the default, whatever the maximum', async () => {
    const e = await emulator({ seed: { roles: 60 }, pageSize: 30, maxPageSize: 10 });
    expect((await pages(e, DEFINITIONS)).sizes).toEqual([30, 30]);
    // A maximum below the default page size is raised to it.
    expect((await pages(e, `${DEFINITIONS}?$top=999`)).sizes).toEqual([30, 30]);
  });

  it('refuses $top on the PIM lists with 400 Request_UnsupportedQuery when asked to', async () => {
    const e = await emulator({ seed: { roles: 60 }, refuseTop: true });
    for (const path of [DEFINITIONS, ASSIGNMENTS, POLICIES]) {
      const r = await graphFetch(e, 'GET', `${path}${sep(path)}$top=999`);
      expect(r.status).toBe(400);
      const body = r.json as ErrorBody;
      expect(body.error.code).toBe('Request_UnsupportedQuery');
      expect(body.error.message).toContain('$top');
      expect(body.error.innerError['request-id']).toBe(r.headers.get('request-id'));
      // Without $top the same list is served, paged at the default size.
      expect((await pages(e, path)).sizes).toEqual([25, 25, 10]);
    }
    // A single entity is not a list: not affected.
    const one = await graphFetch(e, 'GET', `${DEFINITIONS}/${e.roleDefinitions()[0]!.id}`);
    expect(one.status).toBe(200);
    expect(e.requests().filter((x) => x.status === 400)).toHaveLength(3);
  });

  it('honours $select on role definitions, keeping id and naming the selection in @odata.context', async () => {
    const e = await emulator({ seed: { roles: 3 } });
    const r = await graphFetch(e, 'GET', `${DEFINITIONS}?$select=displayName,templateId`);
    const body = r.json as Page & { '@odata.context': string };
    expect(body['@odata.context']).toMatch(/roleDefinitions\(displayName,templateId\)$/);
    expect(body.value).toHaveLength(3);
    for (const d of body.value)
      expect(Object.keys(d).sort()).toEqual(['displayName', 'id', 'templateId']);
    const full = await graphFetch(e, 'GET', DEFINITIONS);
    expect(JSON.stringify(full.json).length).toBeGreaterThan(JSON.stringify(r.json).length);
  });

  it('finds one role’s assignment and policy by id, case-insensitively, in a large tenant', async () => {
    const e = await emulator({ seed: { roles: 2000 } });
    const role = e.roleDefinitions()[1234]!;
    const filter = encodeURIComponent(
      `scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '${role.id.toUpperCase()}'`,
    );
    const r = await graphFetch(
      e,
      'GET',
      `/v1.0/policies/roleManagementPolicyAssignments?$filter=${filter}`,
    );
    const body = r.json as Page;
    expect(body.value).toHaveLength(1);
    expect(body.value[0]!.roleDefinitionId).toBe(role.id);
    const policyId = body.value[0]!.policyId as string;
    expect(e.getPolicyOfRole(role.id.toUpperCase())?.id).toBe(policyId);
    const policy = await graphFetch(
      e,
      'GET',
      `/v1.0/policies/roleManagementPolicies/${policyId.toLowerCase()}?$expand=rules`,
    );
    expect(policy.status).toBe(200);
    expect((policy.json as { id: string; rules: unknown[] }).rules).toHaveLength(17);
    expect((policy.json as { id: string }).id).toBe(policyId);
  });
});
