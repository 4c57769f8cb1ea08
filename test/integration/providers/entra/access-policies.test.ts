// Conditional Access policies as coverage facts (issue #16): the Entra provider reads the tenant's policies with
// one paged listing and maps every one to an AccessPolicy; the seeded tenant's administrator policy (includeRoles,
// break-glass excluded) and report-only policy come through as such; the cost grows with pages, never with
// policies or roles; a snapshot whose holders were not read gets no coverage facts invented.
import { describe, expect, it } from 'vitest';
import {
  BREAKGLASS_USER_ID,
  SEEDED_ADMIN_CA_POLICY_ID,
  SEEDED_CA_POLICY_ID,
  SEEDED_REPORT_ONLY_CA_POLICY_ID,
  type ConditionalAccessPolicyInput,
} from '../../../../src/emulator/graph/index.js';
import { readConditionalAccess } from '../../../../src/providers/entra/index.js';
import { emulator, provider } from './fixtures.js';

const GA = '62e90394-69f5-4237-9190-012177145e10';
const CA_PATH = '/v1.0/identity/conditionalAccess/policies';
const none = { all: false, users: [], groups: [], roles: [] };

/** `n` enabled all-users policies, each with one condition rolegate cannot judge. */
function manyPolicies(n: number): ConditionalAccessPolicyInput[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `d0000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    displayName: `Policy ${i}`,
    includeApplications: ['All'],
    conditions: { signInRiskLevels: ['high'] },
  }));
}

describe('Entra provider: Conditional Access policies as AccessPolicy', () => {
  it('maps the seeded policies: the administrator policy with its exclusion, report-only, context-only', async () => {
    const e = await emulator();
    const read = await readConditionalAccess(provider(e).graph);
    expect(read.note).toBeUndefined();
    const byId = new Map(read.policies.map((p) => [p.id, p]));
    expect(read.policies).toHaveLength(e.conditionalAccessPolicies().length);
    expect(byId.get(SEEDED_ADMIN_CA_POLICY_ID)).toEqual({
      id: SEEDED_ADMIN_CA_POLICY_ID,
      displayName: 'Require MFA for Global Administrators',
      state: 'enabled',
      requiresMfa: true,
      include: { ...none, roles: [GA] },
      exclude: { ...none, users: [BREAKGLASS_USER_ID] },
      applications: { scope: 'All', authenticationContexts: [] },
      unjudged: [],
    });
    expect(byId.get(SEEDED_REPORT_ONLY_CA_POLICY_ID)).toMatchObject({
      state: 'enabledForReportingButNotEnforced',
      requiresMfa: true,
      include: { ...none, all: true },
      applications: { scope: 'All' },
    });
    expect(byId.get(SEEDED_CA_POLICY_ID)).toMatchObject({
      state: 'enabled',
      applications: { scope: 'None', authenticationContexts: ['c2'] },
    });
  });

  it('maps what an administrator set: groups, roles, guests, some apps, unjudged conditions, ids lower case', async () => {
    const e = await emulator({ conditionalAccess: 'empty' });
    const group = 'AB000000-0000-4000-8000-000000000001';
    e.setConditionalAccessPolicy({
      id: 'EE000000-0000-4000-8000-000000000001',
      displayName: 'Admins from trusted places',
      includeApplications: ['All'],
      users: {
        includeUsers: [],
        includeGroups: [group],
        includeRoles: [GA],
        excludeUsers: ['GuestsOrExternalUsers'],
        excludeRoles: ['e8611ab8-c189-46e8-94e1-60213ab1f814'],
      },
      conditions: {
        clientAppTypes: ['browser'],
        locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] },
      },
      builtInControls: ['mfa', 'compliantDevice'],
      operator: 'AND',
    });
    e.setConditionalAccessPolicy({
      id: 'ee000000-0000-4000-8000-000000000002',
      displayName: 'Office only, compliant device',
      includeApplications: ['Office365'],
      builtInControls: ['compliantDevice'],
    });
    const read = await readConditionalAccess(provider(e).graph);
    expect(read.policies).toEqual([
      {
        id: 'ee000000-0000-4000-8000-000000000001',
        displayName: 'Admins from trusted places',
        state: 'enabled',
        requiresMfa: true,
        include: { ...none, groups: [group.toLowerCase()], roles: [GA] },
        exclude: { ...none, roles: ['e8611ab8-c189-46e8-94e1-60213ab1f814'] },
        applications: { scope: 'All', authenticationContexts: [] },
        unjudged: ['clientAppTypes', 'excludeGuestsOrExternalUsers', 'locations'],
      },
      {
        id: 'ee000000-0000-4000-8000-000000000002',
        displayName: 'Office only, compliant device',
        state: 'enabled',
        requiresMfa: false,
        include: { ...none, all: true },
        exclude: none,
        applications: { scope: 'Some', authenticationContexts: [] },
        unjudged: [],
      },
    ]);
  });

  it('the emulator refuses a policy Graph would not store', async () => {
    const e = await emulator({ conditionalAccess: 'empty' });
    const bad: Array<[string, ConditionalAccessPolicyInput]> = [
      [
        'None with a user',
        { id: 'x1', includeApplications: ['All'], users: { includeUsers: ['None', GA] } },
      ],
      [
        'a user that is no id',
        { id: 'x2', includeApplications: ['All'], users: { excludeUsers: ['alice'] } },
      ],
      [
        'an undocumented client app type',
        { id: 'x3', includeApplications: ['All'], conditions: { clientAppTypes: ['desktop'] } },
      ],
      ['no application at all', { id: 'x4' }],
    ];
    for (const [why, input] of bad)
      expect(() => e.setConditionalAccessPolicy(input), why).toThrow(/Conditional Access policy/);
    expect(e.conditionalAccessPolicies()).toEqual([]);
  });

  it('costs ceil(policies / page) requests: more policies add pages, never a request per policy', async () => {
    const cost = async (extra: number): Promise<number> => {
      const e = await emulator({ pageSize: 10 });
      for (const p of manyPolicies(extra)) e.setConditionalAccessPolicy(p);
      const read = await readConditionalAccess(provider(e).graph);
      expect(read.policies).toHaveLength(e.conditionalAccessPolicies().length);
      expect(read.policies.filter((p) => p.unjudged.includes('signInRiskLevels'))).toHaveLength(
        extra,
      );
      const reads = e.requests().filter((r) => r.path === CA_PATH).length;
      expect(reads).toBe(Math.ceil(e.conditionalAccessPolicies().length / 10));
      return reads;
    };
    const few = await cost(0);
    const many = await cost(57);
    expect(few).toBe(1);
    expect(many).toBe(6);
  });

  it('a snapshot reads the policies once whatever the number of roles, and invents no coverage facts', async () => {
    const e = await emulator({ pageSize: 10 });
    for (const p of manyPolicies(25)) e.setConditionalAccessPolicy(p);
    // Three roles with an authentication context (PAA is seeded with c1): still one listing.
    e.setAuthenticationContext(GA, 'c2');
    e.setAuthenticationContext('e8611ab8-c189-46e8-94e1-60213ab1f814', 'c2');
    const snap = await provider(e).snapshot();
    // One listing, shared by the authentication contexts and the holder read (the groups the policies name).
    const caReads = e.requests().filter((r) => r.path === CA_PATH);
    expect(caReads).toHaveLength(Math.ceil(e.conditionalAccessPolicies().length / 10));
    expect(snap.roles().length).toBeGreaterThan(3);
    // Every directory role's facts carry the policies (PIM for Groups accesses carry no holder facts of their own).
    expect(
      snap
        .roles()
        .filter((r) => r.scope === '/')
        .every((r) => r.coverage?.policies.length === e.conditionalAccessPolicies().length),
    ).toBe(true);
    // Holders not read: coverage stays absent (not judged), never assumed.
    const without = await provider(e, { holders: false }).snapshot();
    expect(without.roles().every((r) => r.coverage === undefined)).toBe(true);
  });

  it('403 on the listing: no policy, and the note names Policy.Read.All', async () => {
    const e = await emulator();
    e.injectFault({ match: { pathIncludes: 'conditionalAccess/policies' }, status: 403 });
    const read = await readConditionalAccess(provider(e).graph);
    expect(read.policies).toEqual([]);
    expect(read.note).toContain('Policy.Read.All');
  });
});
