// PIM's "Require Azure MFA on active assignment" (rule Enablement_Admin_Assignment, issue #16): the Entra
// provider reads it as LiveRole.assignmentMfa for directory roles (Graph) and Azure roles (ARM), and turns it with
// a SetMfa action of switchName AssignmentRule through the same read, write-what-differs and verify path as the
// activation rule: Justification is kept, a second apply writes nothing, the activation rule is untouched.
import { describe, expect, it } from 'vitest';
import type { LiveRole } from '../../../../src/api/observation.js';
import type { SetMfaAction } from '../../../../src/reconcile/action.js';
import type { GraphEmulator } from '../../../../src/emulator/graph/index.js';
import { createEntraProvider, type EntraProvider } from '../../../../src/providers/entra/index.js';
import { emulator, graphFetch, provider, requireMfa } from './fixtures.js';

const GA = '62e90394-69f5-4237-9190-012177145e10';
const PRA = 'e8611ab8-c189-46e8-94e1-60213ab1f814';
const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const SUB = '/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590';
const RULE = 'Enablement_Admin_Assignment';

/** The SetMfa action for the assignment rule, as plan() would make it. */
function assignmentMfa(role: LiveRole, enabled: boolean): SetMfaAction {
  return {
    ...requireMfa(role),
    switchName: 'AssignmentRule',
    enabled,
    before: role.assignmentMfa === true ? 'on' : 'off',
    after: enabled ? 'on' : 'off',
  };
}

async function role(p: EntraProvider, id: string, scope = '/'): Promise<LiveRole> {
  const r = (await p.snapshot()).resolve({ id }, scope);
  if (r.kind !== 'Found') throw new Error(`role ${id} not found: ${JSON.stringify(r)}`);
  return r.role;
}

function armProvider(e: GraphEmulator): EntraProvider {
  return createEntraProvider(
    {
      tenantId: e.tenantId,
      graphBaseUrl: e.url,
      credentials: { type: 'Emulator' },
      azureRbac: { scopes: [SUB], resourceManagerUrl: e.armUrl },
      directoryRoles: false,
    },
    { retry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 4 }, random: () => 0.5 },
  );
}

describe('Entra provider: the assignment rule (Enablement_Admin_Assignment)', () => {
  it('reads the rule of every role in the snapshot listing, without a request per role', async () => {
    const e = await emulator();
    const policy = e.getPolicy(GA)!.id;
    const patch = await graphFetch(
      e,
      'PATCH',
      `/v1.0/policies/roleManagementPolicies/${policy}/rules/${RULE}`,
      {
        '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
        enabledRules: ['Justification', 'MultiFactorAuthentication'],
      },
    );
    expect(patch.status).toBe(204);
    e.resetLog();
    const snap = await provider(e).snapshot();
    const roles = snap.roles();
    const on = roles.filter((r) => r.assignmentMfa === true).map((r) => r.roleId);
    expect(on).toEqual([GA]);
    // Every seeded role's policy has the rule, so every role says whether it is on.
    expect(roles.every((r) => typeof r.assignmentMfa === 'boolean')).toBe(true);
    expect(e.requests().some((r) => r.path.includes(`/rules/${RULE}`))).toBe(false);
  });

  it('turns it on with one PATCH that keeps Justification, verifies it, and writes nothing the second time', async () => {
    const e = await emulator();
    const p = provider(e);
    const before = await role(p, PRA);
    expect(before.assignmentMfa).toBe(false);
    const activation = e.getRule(PRA, 'Enablement_EndUser_Assignment')?.enabledRules;
    e.resetLog();

    const [result] = await p.apply([assignmentMfa(before, true)]);
    expect(result).toMatchObject({ ok: true, role: { roleId: PRA, assignmentMfa: true } });
    expect(result && 'unchanged' in result).toBe(false);
    // read the policy fresh, write the one rule, read it back: the activation rule's path, request for request
    expect(e.counts()).toMatchObject({ requests: 3, reads: 2, writes: 1, batches: 0 });
    const writes = e.requests().filter((r) => r.method === 'PATCH');
    expect(writes.map((r) => r.path)).toEqual([
      `/v1.0/policies/roleManagementPolicies/${before.handle}/rules/${RULE}`,
    ]);
    expect(e.getRule(PRA, RULE)).toMatchObject({
      enabledRules: ['Justification', 'MultiFactorAuthentication'],
      target: { caller: 'Admin', level: 'Assignment' },
    });
    // The activation rule is another switch: untouched.
    expect(e.getRule(PRA, 'Enablement_EndUser_Assignment')?.enabledRules).toEqual(activation);

    const after = await role(p, PRA);
    expect(after.assignmentMfa).toBe(true);
    e.resetLog();
    const [again] = await p.apply([assignmentMfa(after, true)]);
    expect(again).toMatchObject({ ok: true, role: { assignmentMfa: true }, unchanged: true });
    expect(e.counts().writes).toBe(0);
  });

  it('turns it off when told to (the guard against weakening is plan()’s), keeping Justification', async () => {
    const e = await emulator();
    const p = provider(e);
    await p.apply([assignmentMfa(await role(p, GA), true)]);
    const [off] = await p.apply([assignmentMfa(await role(p, GA), false)]);
    expect(off).toMatchObject({ ok: true, role: { assignmentMfa: false } });
    expect(e.getRule(GA, RULE)?.enabledRules).toEqual(['Justification']);
  });

  it('both switches of one role in one apply: two rule PATCHes in one batch, both verified', async () => {
    const e = await emulator();
    const p = provider(e);
    const r = await role(p, PRA);
    e.resetLog();
    const results = await p.apply([requireMfa(r), assignmentMfa(r, true)]);
    expect(results.every((x) => x.ok)).toBe(true);
    // One policy: the fresh read and the verification are plain GETs; the two rule writes share one $batch.
    expect(e.counts()).toMatchObject({ batches: 1, writes: 2 });
    const patched = e
      .requests({ batchItems: true })
      .filter((x) => x.method === 'PATCH')
      .map((x) => x.path.split('/').pop());
    expect(patched.sort()).toEqual([RULE, 'Enablement_EndUser_Assignment'].sort());
    for (const x of results)
      if (x.ok)
        expect(x.role).toMatchObject({
          assignmentMfa: true,
          requirements: [{ mechanisms: [{ kind: 'Switch', enabled: true }] }],
        });
  });

  it('a refused write fails the action with Graph’s error and changes nothing', async () => {
    const e = await emulator();
    const p = provider(e);
    const r = await role(p, GA);
    e.injectFault({ match: { method: 'PATCH', pathIncludes: RULE }, status: 403 });
    const [result] = await p.apply([assignmentMfa(r, true)]);
    expect(result).toMatchObject({ ok: false, error: { kind: 'PermissionDenied' } });
    expect(e.getRule(GA, RULE)?.enabledRules).toEqual(['Justification']);
  });

  it('Azure roles: read from the ARM listing, turned with one PATCH, verified from its answer', async () => {
    const e = await emulator({ armScopes: [SUB] });
    const p = armProvider(e);
    const owner = await role(p, OWNER, SUB);
    expect(owner.assignmentMfa).toBe(false);
    e.resetLog();
    const [result] = await p.apply([assignmentMfa(owner, true)]);
    expect(result).toMatchObject({ ok: true, role: { assignmentMfa: true } });
    expect(e.requests().filter((r) => r.method === 'PATCH')).toHaveLength(1);
    expect(e.getArmRule(SUB, OWNER, RULE)).toMatchObject({
      enabledRules: ['Justification', 'MultiFactorAuthentication'],
      target: { caller: 'Admin', level: 'Assignment' },
    });
    expect((await role(p, OWNER, SUB)).assignmentMfa).toBe(true);
    e.resetLog();
    await p.apply([assignmentMfa(owner, true)]);
    expect(e.counts().writes).toBe(0);
  });
});
