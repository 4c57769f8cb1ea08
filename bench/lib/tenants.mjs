// Many tenants on one controller: one Graph emulator per tenant (an emulator is one tenant, throttled on its own as
// Graph throttles per tenant and application), one IdentityProvider each, and their PrivilegedRoles on the real
// API server. Shared by the estate and fairness suites.
import { startGraphEmulator } from '../../dist/emulator/graph/index.js';
import {
  createNamespace,
  createProvider,
  createRoles,
  deleteProvider,
  roleObject,
} from './k8s.mjs';

/** A tenant id per index, distinct and stable across runs. */
const tenantId = (i) => `7e0a0000-0000-4000-8000-${String(i).padStart(12, '0')}`;

/**
 * Starts `count` emulated tenants of `roles` synthetic roles each, and an IdentityProvider per tenant. The request
 * log of each emulator is kept short (its counts stay exact totals), so that the benchmark process itself stays
 * small.
 */
export async function startTenants(k, count, roles, { resync = '30s', prefix = 'tenant' } = {}) {
  const tenants = [];
  for (let i = 0; i < count; i++) {
    const emulator = await startGraphEmulator({
      port: 0,
      tenantId: tenantId(i),
      seed: { roles },
      requestLogLimit: 200,
    });
    const provider = `${prefix}-${i}`;
    await createProvider(k, provider, emulator, resync);
    tenants.push({ i, emulator, provider, ids: emulator.roleDefinitions().map((r) => r.id) });
  }
  return {
    tenants,
    async close() {
      for (const t of tenants) {
        await deleteProvider(k, t.provider);
        await t.emulator.close();
      }
    },
  };
}

/** The PrivilegedRole objects of a tenant, in namespace `ns`. */
export function tenantRoles(t, ns) {
  return t.ids.map((id, j) => roleObject(ns, `${t.provider}-${j}`, t.provider, id));
}

/** Graph counts over tenants: requests and writes (non-GET operations, batch items included). */
export function graphCounts(tenants) {
  let requests = 0;
  let writes = 0;
  for (const t of tenants) {
    const c = t.emulator.counts();
    requests += c.requests;
    writes += c.writes;
  }
  return { requests, writes };
}

/** Roles of a tenant still without MFA on activation. */
export function missingMfa(t) {
  return t.ids.filter(
    (id) =>
      !t.emulator
        .getRule(id, 'Enablement_EndUser_Assignment')
        ?.enabledRules?.includes('MultiFactorAuthentication'),
  ).length;
}

export { createNamespace, createRoles };
