// Admin calls per resync: judging the flow does not grow with the number of roles (one realm export plus the bound
// flow's executions, whether 10 or 100 roles are enforced); reading holders does, by one paged list per role and
// per role-granting group, because Keycloak's admin API has no bulk read of user role mappings. The numbers are
// printed for the record.
import { afterAll, describe, expect, it } from 'vitest';
import { switchEnabled } from '../../../../src/api/observation.js';
import { planHolderReads, roleGraph } from '../../../../src/providers/keycloak/role-holders.js';
import { createTestRealm, setMfa, type TestRealm } from './fixtures.js';

const realms: TestRealm[] = [];
afterAll(async () => {
  await Promise.all(realms.map((r) => r.destroy()));
});

describe('admin calls per resync (real server)', () => {
  it.each([10, 100])(
    '%i enforced roles: a snapshot costs 2 calls plus one list per role, a converged apply writes nothing',
    async (n) => {
      const names = Array.from({ length: n }, (_, i) => `priv-${String(i).padStart(3, '0')}`);
      const t = await createTestRealm(`rg-cost-${n}`, names);
      realms.push(t);
      const actions = names.map((name) => setMfa(t.roles[name]!, name, true));

      const first = t.newProvider();
      const t0 = Date.now();
      const results = await first.apply(actions);
      const applyMs = Date.now() - t0;
      expect(results.filter((r) => !r.ok)).toEqual([]);

      const p = t.newProvider();
      const t1 = Date.now();
      const snap = await p.snapshot();
      const snapMs = Date.now() - t1;
      expect(
        names.every((name) => {
          const l = snap.resolve({ displayName: name }, '/');
          return l.kind === 'Found' && switchEnabled(l.role);
        }),
      ).toBe(true);
      const perSnapshot = p.stats();
      const plan = planHolderReads(snap.state.export, roleGraph(snap.state.export));
      expect(perSnapshot).toMatchObject({
        requests: 2 + plan.roles.length + plan.groups.length,
        writes: 0,
      });

      const again = t.newProvider();
      await again.apply(actions);
      expect(again.stats()).toMatchObject({ reads: 4, writes: 0 });
      console.log(
        `[keycloak cost] ${n} roles: snapshot ${perSnapshot.requests} calls (2 + ${plan.roles.length} role lists + ${plan.groups.length} group lists, ${snapMs} ms); first apply ${first.stats().writes} writes + ${first.stats().reads} reads (${applyMs} ms); converged apply ${again.stats().reads} reads, ${again.stats().writes} writes`,
      );
    },
    // The 100-role case makes about a thousand writes to set the roles up; on a loaded two-core machine that
    // alone can take the default two minutes.
    300_000,
  );
});
