// What a snapshot costs depending on the page size a server grants, over real HTTP against the emulator: the
// provider asks for $top=999 on role definitions and $top=200 on policy assignments (each carries its expanded
// policy, so big pages would be big allocations), a server that refuses $top gets each listing again without it
// exactly once per client (and never $top again), and role definitions are read with $select.
// Tests that count the requests of reading PIM policies turn the holder read off (holders.test.ts counts it).
import { describe, expect, it } from 'vitest';
import {
  EXPANDED_PAGE_SIZE,
  GraphClient,
  MAX_PAGE_SIZE,
} from '../../../../src/providers/entra/index.js';
import { ProviderError } from '../../../../src/providers/types.js';
import { emulator, provider } from './fixtures.js';

const DEFINITIONS = '/v1.0/roleManagement/directory/roleDefinitions';
const ASSIGNMENTS = '/v1.0/policies/roleManagementPolicyAssignments';

/** A logger that keeps what it is told. */
function memoryLogger(): {
  info: (obj: Record<string, unknown>, msg: string) => void;
  lines: Array<{ obj: Record<string, unknown>; msg: string }>;
} {
  const lines: Array<{ obj: Record<string, unknown>; msg: string }> = [];
  return { info: (obj, msg) => lines.push({ obj, msg }), lines };
}

describe('snapshot page size', () => {
  it.each([
    // $top honoured: ceil(N / 999) pages of definitions, ceil(N / 200) of policy assignments.
    { roles: 60, server: {}, first: 2, next: 2 },
    { roles: 1200, server: {}, first: 2 + 6, next: 2 + 6 },
    // $top capped by the server's maximum page.
    { roles: 1200, server: { maxPageSize: 500 }, first: 3 + 6, next: 3 + 6 },
    // $top refused: one refused request the first time, then the server's default page of 25.
    { roles: 60, server: { refuseTop: true }, first: 1 + 3 + 3, next: 3 + 3 },
    { roles: 1200, server: { refuseTop: true, pageSize: 100 }, first: 1 + 12 + 12, next: 12 + 12 },
  ])(
    'reads $roles roles in $first requests, then $next per snapshot ($server)',
    async ({ roles, server, first, next }) => {
      const e = await emulator({ seed: { roles }, ...server });
      const p = provider(e, { holders: false });
      const snap = await p.snapshot();
      expect(snap.roles()).toHaveLength(roles);
      expect(e.counts().requests).toBe(first);
      e.resetLog();
      await p.snapshot();
      expect(e.counts().requests).toBe(next);
      console.log(`snapshot of ${roles} roles (${JSON.stringify(server)}): ${first}, then ${next}`);
    },
  );

  it('asks for $top=999 on role definitions, $top=200 on assignments, and $select on definitions', async () => {
    const e = await emulator({ seed: { roles: 60 } });
    const snap = await provider(e, { holders: false }).snapshot();
    const log = e.requests();
    expect(log.map((r) => r.path).sort()).toEqual([ASSIGNMENTS, DEFINITIONS]);
    const defs = log.find((r) => r.path === DEFINITIONS)!;
    const assignments = log.find((r) => r.path === ASSIGNMENTS)!;
    expect(decodeURIComponent(defs.query)).toContain(`$top=${MAX_PAGE_SIZE}`);
    expect(decodeURIComponent(assignments.query)).toContain(`$top=${EXPANDED_PAGE_SIZE}`);
    expect(decodeURIComponent(defs.query)).toContain('$select=id,displayName,templateId');
    // Names still come through the selection.
    const id = e.roleDefinitions()[7]!.id;
    expect(snap.resolve({ id }, '/')).toMatchObject({
      kind: 'Found',
      role: { roleDisplayName: e.roleDefinitions()[7]!.displayName },
    });
  });

  it('falls back once per client when the server refuses $top, logs it once, and never sends $top again', async () => {
    const e = await emulator({ seed: { roles: 60 }, refuseTop: true });
    const logger = memoryLogger();
    const p = provider(e, { holders: false, logger });
    await p.checkAccess();
    for (let i = 0; i < 3; i++) expect((await p.snapshot()).roles()).toHaveLength(60);
    const refused = e.requests().filter((r) => r.status === 400);
    expect(refused).toHaveLength(1);
    expect(decodeURIComponent(refused[0]!.query)).toContain('$top=1');
    expect(e.requests().filter((r) => decodeURIComponent(r.query).includes('$top'))).toHaveLength(
      1,
    );
    expect(p.graph.topRefused).toBe(true);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]!.msg).toMatch(/refused \$top/);
    expect(logger.lines[0]!.obj).toMatchObject({ status: 400, code: 'Request_UnsupportedQuery' });
    // 1 refused + 1 checkAccess page + 3 snapshots of 3 + 3 pages.
    expect(e.counts().requests).toBe(2 + 3 * 6);
  });

  it('collects one refusal even when both listings start at once', async () => {
    const e = await emulator({ seed: { roles: 30 }, refuseTop: true });
    const p = provider(e, { holders: false });
    await p.snapshot();
    const log = e.requests();
    expect(log.filter((r) => r.status === 400)).toHaveLength(1);
    // The other listing waited for the answer and went without $top.
    expect(log.filter((r) => decodeURIComponent(r.query).includes('$top'))).toHaveLength(1);
    expect(log).toHaveLength(1 + 2 + 2);
  });

  it('throws a 400 that is not about $top after one retry, and keeps asking for $top', async () => {
    const e = await emulator();
    const c = new GraphClient({
      baseUrl: e.url,
      credential: {
        getToken: () =>
          Promise.resolve({ token: e.token, expiresOnTimestamp: Date.now() + 3_600_000 }),
      },
    });
    // No scope filter: the PIM list answers 400 MissingProvider with or without $top.
    const err = await c
      .list('/policies/roleManagementPolicyAssignments', undefined, { top: 999 })
      .then(
        () => undefined,
        (x: unknown) => x,
      );
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).kind).toBe('Invalid');
    expect(c.topRefused).toBe(false);
    expect(e.requests().map((r) => r.status)).toEqual([400, 400]);
    const scope = encodeURIComponent("scopeId eq '/' and scopeType eq 'DirectoryRole'");
    await c.list(`/policies/roleManagementPolicyAssignments?$filter=${scope}`, undefined, {
      top: 999,
    });
    expect(decodeURIComponent(e.requests().at(-1)!.query)).toContain('$top=999');
  });
});
