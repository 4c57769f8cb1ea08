// Every file under examples/ must validate cleanly: they are what users copy first.
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../../src/manifests/load.js';

describe('examples/', () => {
  it('validates with zero errors and zero warnings, strict', async () => {
    const r = await loadManifests(['examples'], { strict: true });
    expect(r.issues.map((i) => `${i.file}:${i.line}:${i.col}: ${i.message} [${i.rule}]`)).toEqual(
      [],
    );
    expect(r.files).toEqual([
      'examples/azure-rbac/identityprovider.yaml',
      'examples/azure-rbac/owner.yaml',
      'examples/contoso/identityprovider.yaml',
      'examples/contoso/owner-subscription.yaml',
      'examples/contoso/roles.yaml',
      'examples/contoso/tier0-group.yaml',
      'examples/keycloak/identityprovider.yaml',
      'examples/keycloak/realm-admin-ops.yaml',
      'examples/quickstart/audit.yaml',
      'examples/quickstart/identityprovider.yaml',
      'examples/quickstart/tier0.yaml',
    ]);
  });

  it.each([
    {
      reason: 'the quickstart is self-contained',
      dir: 'examples/quickstart',
      objects: [
        'IdentityProvider emulator',
        'PrivilegedRole identity/application-administrator',
        'PrivilegedRole identity/conditional-access-administrator',
        'PrivilegedRole identity/global-administrator',
        'PrivilegedRole identity/privileged-authentication-administrator',
        'PrivilegedRole identity/privileged-role-administrator',
        'PrivilegedRole identity/security-administrator',
        'PrivilegedRole identity/user-administrator',
      ],
    },
    {
      reason:
        'the real tenant: workload identity, an authentication context, a reconcile interval, a reset on deletion, a PIM for Groups access',
      dir: 'examples/contoso',
      objects: [
        'IdentityProvider contoso',
        'PrivilegedRole contoso/exchange-administrator',
        'PrivilegedRole contoso/global-administrator',
        'PrivilegedRole contoso/owner-production-subscription',
        'PrivilegedRole contoso/privileged-role-administrator',
        'PrivilegedRole contoso/tier0-security-operators-member',
      ],
    },
    {
      reason: 'Azure RBAC against the emulator (plan/apply --emulator serves ARM)',
      dir: 'examples/azure-rbac',
      objects: ['IdentityProvider emulator-azure', 'PrivilegedRole platform/owner-subscription'],
    },
    {
      reason: 'a Keycloak realm and a realm role',
      dir: 'examples/keycloak',
      objects: ['IdentityProvider keycloak', 'PrivilegedRole identity/realm-admin-ops'],
    },
  ])('$dir: $reason', async ({ dir, objects }) => {
    const r = await loadManifests([dir], { strict: true });
    expect(r.issues).toEqual([]);
    const all = [...r.roles, ...r.providers]
      .map((o) => {
        const m = o.object.metadata;
        return `${o.object.kind} ${m.namespace ? `${m.namespace}/` : ''}${m.name}`;
      })
      .sort();
    expect(all).toEqual(objects);
  });
});
