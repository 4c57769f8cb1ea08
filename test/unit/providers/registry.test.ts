// The provider registry, proven with a provider rolegate does not ship: the test-only memory provider
// (test/fixtures/providers/memory) is registered the way src/providers/registry.ts registers Entra and Keycloak,
// and then validates, plans, applies and resets through the same code paths, without any other file naming it.
import { describe, expect, it } from 'vitest';
import { validateObject } from '../../../src/api/validate.js';
import { validationRules } from '../../../src/api/validation/catalog.js';
import { effectiveSpec, type IdentityProvider } from '../../../src/api/v1alpha1/types.js';
import { planDeletion } from '../../../src/reconcile/deletion.js';
import { plan, type PlanInput } from '../../../src/reconcile/plan.js';
import { PROVIDERS, ProviderDescriptors } from '../../../src/providers/registry.js';
import type { SecretResolver } from '../../../src/providers/types.js';
import { memoryProvider } from '../../fixtures/providers/memory/descriptor.js';
import type { MemoryProvider } from '../../fixtures/providers/memory/client.js';

const WITH_MEMORY = PROVIDERS.with(memoryProvider);

const idp = (spec: Record<string, unknown>): Record<string, unknown> => ({
  apiVersion: 'rolegate.io/v1alpha1',
  kind: 'IdentityProvider',
  metadata: { name: 'mem' },
  spec,
});
const MEMORY = { roles: [{ id: 'r1', name: 'Payroll Admin', signOnMfa: false }] };
const ENTRA = {
  tenantId: '00000000-0000-0000-0000-000000000001',
  graphBaseUrl: 'http://127.0.0.1:8943',
  credentials: { type: 'Emulator' },
};

describe('validation with a registered provider', () => {
  it.each([
    {
      reason: 'valid memory settings: the provider checked them, nothing else complains',
      registry: WITH_MEMORY,
      spec: { memory: MEMORY },
      want: [],
    },
    {
      reason: "the provider's own schema check points into its settings",
      registry: WITH_MEMORY,
      spec: { memory: { roles: [{ id: 'r1', signOnMfa: false, colour: 'red' }] } },
      want: [
        'schema.required /spec/memory/roles/0/name',
        'schema.additionalProperties /spec/memory/roles/0/colour',
      ],
    },
    {
      reason: "the provider's semantic rule is reported with its own rule id",
      registry: WITH_MEMORY,
      spec: { memory: { roles: [MEMORY.roles[0], MEMORY.roles[0]] } },
      want: ['semantic.memory-duplicate-role /spec/memory/roles/1/id'],
    },
    {
      reason: 'a registered provider counts in "exactly one provider", next to one crds/ lists',
      registry: WITH_MEMORY,
      spec: { memory: MEMORY, entra: ENTRA },
      want: ['cel.provider-exactly-one /spec'],
    },
    {
      reason:
        'without registration the same settings are an unknown field and no provider is chosen',
      registry: PROVIDERS,
      spec: { memory: MEMORY },
      want: ['schema.additionalProperties /spec/memory', 'cel.provider-exactly-one /spec'],
    },
    {
      reason:
        "registering a provider changes nothing for the shipped ones: Entra's own check still runs",
      registry: WITH_MEMORY,
      spec: { entra: { ...ENTRA, graphBaseUrl: 'https://graph.example.com' } },
      want: ['semantic.emulator-loopback /spec/entra/graphBaseUrl'],
    },
  ])('$reason', ({ registry, spec, want }) => {
    const problems = validateObject(idp(spec), registry.descriptors);
    expect(problems.map((p) => `${p.rule} ${p.pointer}`).sort()).toEqual([...want].sort());
  });

  it('names every registered provider when none or two are chosen', () => {
    const [choice] = validateObject(idp({}), WITH_MEMORY.descriptors);
    expect(choice?.message).toBe(
      'Exactly one of spec.entra, spec.keycloak or spec.memory must be set (neither is set)',
    );
  });

  it("lists the provider's rules in the catalog (SARIF)", () => {
    expect(
      validationRules(WITH_MEMORY.descriptors)['semantic.memory-duplicate-role'],
    ).toBeDefined();
    expect(
      validationRules(PROVIDERS.descriptors)['semantic.memory-duplicate-role'],
    ).toBeUndefined();
  });
});

describe('plan, apply and reset through a registered provider', () => {
  const secrets: SecretResolver = { get: () => Promise.reject(new Error('no secrets here')) };
  const provider = idp({ memory: MEMORY }) as unknown as IdentityProvider;
  const input = (lookup: PlanInput['lookup'], mfaRequired: boolean): PlanInput => ({
    spec: effectiveSpec({
      providerRef: { name: 'mem' },
      role: { displayName: 'Payroll Admin' },
      mfaRequired,
      deletionPolicy: 'ResetToDefault',
    }),
    problems: [],
    paused: false,
    lookup,
    options: { allowWeakening: false },
  });

  it('builds the client from the registry, plans the switch on, applies it and is then in sync', async () => {
    expect(WITH_MEMORY.kindOf(provider.spec)).toBe('memory');
    const client = (await WITH_MEMORY.createClient(provider, secrets)) as MemoryProvider;
    const lookup = (await client.snapshot()).resolve({ displayName: 'Payroll Admin' }, '/');
    const first = plan(input(lookup, true));
    expect(first.outcome).toBe('Correct');
    expect(first.actions).toMatchObject([
      { kind: 'SetMfa', switchName: 'SignOnRule', before: 'off', after: 'on', handle: 'memory:r1' },
    ]);
    const results = await client.apply(first.actions);
    expect(results.every((r) => r.ok)).toBe(true);
    const again = plan(input((await client.snapshot()).resolve({ id: 'r1' }, '/'), true));
    expect(again.outcome).toBe('InSync');
    expect(again.conditions.find((c) => c.type === 'MFAEnforced')?.status).toBe('True');
  });

  it('carries coverage facts and the assignment rule: SetMfa AssignmentRule is applied, holders are judged', async () => {
    const holder = (id: string, path: 'SignIn' | 'DirectGrant') => ({
      principal: {
        id,
        type: 'User' as const,
        displayName: id,
        userPrincipalName: `${id}@payroll.test`,
      },
      path,
    });
    const settings = {
      roles: [
        {
          ...MEMORY.roles[0]!,
          signOnMfa: true,
          assignmentMfa: false,
          coverage: {
            holdings: [holder('ann', 'SignIn'), holder('bot', 'DirectGrant')],
            policies: [],
            memberOf: {},
            groupActivation: {},
          },
        },
      ],
    };
    const withFacts = idp({ memory: settings }) as unknown as IdentityProvider;
    expect(validateObject(withFacts, WITH_MEMORY.descriptors)).toEqual([]);
    const client = (await WITH_MEMORY.createClient(withFacts, secrets)) as MemoryProvider;
    const spec = { ...input(undefined, true).spec!, mfaOnActiveAssignment: true };
    const lookup = (await client.snapshot()).resolve({ id: 'r1' }, '/');
    const first = plan({ ...input(lookup, true), spec });
    expect(first.actions).toMatchObject([
      { kind: 'SetMfa', switchName: 'AssignmentRule', before: 'off', after: 'on' },
    ]);
    expect((await client.apply(first.actions)).every((r) => r.ok)).toBe(true);
    const again = plan({
      ...input((await client.snapshot()).resolve({ id: 'r1' }, '/'), true),
      spec,
    });
    expect(again.outcome).toBe('InSync');
    expect(again.live?.assignmentMfa).toBe(true);
    expect(again.conditions.find((c) => c.type === 'HoldersCovered')).toMatchObject({
      status: 'False',
      reason: 'DirectGrant',
    });
    expect(again.coverage).toMatchObject({ total: 2, covered: 1, uncovered: 1 });
  });

  it("resets to the provider's registered default, under the never-weaken guard", async () => {
    const client = (await WITH_MEMORY.createClient(provider, secrets)) as MemoryProvider;
    client.roles[0]!.signOnMfa = true;
    const lookup = (await client.snapshot()).resolve({ id: 'r1' }, '/');
    const found = lookup.kind === 'Found' ? lookup.role : undefined;
    const providerDefault = found && WITH_MEMORY.byKind(client.kind)?.defaultMfaRequired(found);
    expect(providerDefault).toBe(false);
    const decision = planDeletion(input(lookup, true), providerDefault);
    // The memory provider's default is "no MFA": returning to it would weaken the role.
    expect(decision).toMatchObject({ kind: 'Release', refused: true });
  });

  it('refuses an IdentityProvider that chooses no registered provider', async () => {
    await expect(PROVIDERS.createClient(provider, secrets)).rejects.toThrow(
      'IdentityProvider mem sets no provider (one of entra, keycloak)',
    );
  });

  it('refuses to register two providers under one kind or spec key', () => {
    expect(() => new ProviderDescriptors([memoryProvider, memoryProvider])).toThrow(
      'provider memory (spec.memory) is registered twice',
    );
  });
});
