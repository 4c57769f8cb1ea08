// Every file under examples/ must validate cleanly: they are what users copy first.
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../../src/manifests/load.js';

describe('examples/', () => {
  it('validates with zero errors and zero warnings, strict', async () => {
    const r = await loadManifests(['examples'], { strict: true });
    expect(r.issues.map((i) => `${i.file}:${i.line}:${i.col}: ${i.message}`)).toEqual([]);
    expect(r.files.length).toBeGreaterThanOrEqual(12);
  });

  it.each([
    { reason: 'the emulator provider', kind: 'IdentityProvider', name: 'emulator' },
    { reason: 'the real tenant', kind: 'IdentityProvider', name: 'contoso' },
    { reason: 'the Keycloak realm', kind: 'IdentityProvider', name: 'keycloak-demo' },
    { reason: 'tier 0 by id', kind: 'PrivilegedRole', name: 'global-administrator' },
    { reason: 'tier 0 by display name', kind: 'PrivilegedRole', name: 'security-administrator' },
    { reason: 'audit mode', kind: 'PrivilegedRole', name: 'user-administrator' },
    { reason: 'a Keycloak realm role', kind: 'PrivilegedRole', name: 'keycloak-realm-admin' },
  ])('has $reason ($kind $name)', async ({ kind, name }) => {
    const r = await loadManifests(['examples']);
    const all = [...r.roles, ...r.providers].map(
      (o) => `${o.object.kind} ${o.object.metadata.name}`,
    );
    expect(all).toContain(`${kind} ${name}`);
  });
});
