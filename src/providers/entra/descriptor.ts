// The Entra provider as it registers itself: Microsoft Entra PIM (directory roles through Graph, Azure roles
// through ARM), in spec.entra. The client is loaded on first use, so that validating manifests does not load it.
import { defineProvider } from '../descriptor.js';
import { builtinDirectoryRoleId } from './builtin-roles.js';
import type { EntraSpec } from './credentials.js';
import { ENTRA_RULES, validateEntraSpec } from './validate-spec.js';

/** The Entra provider's descriptor. */
export const entraProvider = defineProvider<EntraSpec>({
  kind: 'entra',
  specKey: 'entra',
  description:
    'Microsoft Entra ID Privileged Identity Management (Graph), and Azure RBAC roles (ARM)',
  inCrd: true,
  validateSpec: validateEntraSpec,
  rules: ENTRA_RULES,
  async create(spec, ctx) {
    const ref = spec.credentials.clientSecretRef;
    const clientSecret =
      spec.credentials.type === 'ClientSecret' && ref ? await ctx.secrets.get(ref) : undefined;
    const { createEntraProvider } = await import('./entra-provider.js');
    return createEntraProvider(spec, {
      ...(clientSecret === undefined ? {} : { clientSecret }),
      ...(ctx.logger ? { logger: ctx.logger.child({ provider: ctx.name }) } : {}),
      ...(ctx.onRequest ? { onRequest: ctx.onRequest } : {}),
    });
  },
  // PIM's out-of-the-box role setting asks for MFA on activation (Enablement_EndUser_Assignment lists
  // MultiFactorAuthentication) for directory and Azure resource roles alike. [unverified against a new tenant]
  // A wrong guess here cannot weaken a role: a reset towards "required" only ever adds MFA.
  defaultMfaRequired: () => true,
  // PIM's out-of-the-box Enablement_Admin_Assignment lists Justification only: active assignment does not ask the
  // assigning administrator for MFA (the rule as Graph lists it for a role nobody configured). Resetting to it
  // removes MFA, so the guard allows it only under --allow-weakening.
  defaultMfaOnActiveAssignment: () => false,
  offlineRoleId(ref, scope) {
    if (ref.id !== undefined || ref.displayName === undefined || ref.clientId !== undefined)
      return undefined;
    // the catalog is of directory roles, which live at scope '/'
    return scope.replace(/\/+$/, '') === '' ? builtinDirectoryRoleId(ref.displayName) : undefined;
  },
  // Graph and, for Azure roles, Azure Resource Manager: both are served by the emulator.
  withEmulator(spec, emulator) {
    if (spec.credentials.type !== 'Emulator') return undefined;
    const rbac = spec.azureRbac;
    return {
      ...spec,
      graphBaseUrl: emulator.graph,
      ...(rbac ? { azureRbac: { ...rbac, resourceManagerUrl: emulator.arm } } : {}),
    };
  },
});
