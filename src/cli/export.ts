// `rolegate export`: write PrivilegedRole manifests for every role the provider holds, with today's MFA
// settings (on activation, and PIM's MFA on active assignment where the provider has that rule), so that a team
// can bootstrap GitOps from what exists. The output validates and plans with zero drift.
import { compareText } from '../api/compare-text.js';
import { Command } from 'commander';
import { stringify } from 'yaml';
import { assessMfa, type LiveRole } from '../api/observation.js';
import { API_VERSION, type PrivilegedRole } from '../api/v1alpha1/types.js';
import { groupOfScope } from '../api/role-target.js';
import {
  withProvider,
  withProviderOptions,
  type ProviderCommandOptions,
} from './provider-command.js';
import { EXIT_CODES_HELP } from './exit-codes.js';
import { emit, outputFileOption, outputOption, toJson } from './output.js';

/** The formats of `rolegate export`: a YAML stream (the default) or a JSON `List`, as kubectl prints. */
export const EXPORT_FORMATS = ['yaml', 'json'] as const;

/** A DNS-1123 name for a role's manifest. */
export function manifestName(role: LiveRole): string {
  const base = role.roleDisplayName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50);
  const group = groupOfScope(role.scope);
  // A group access's name ends with its access already (`Tier0 Operators (member)`).
  if (group) return `group-${base || `${role.roleId.slice(0, 8)}-${group.access}`}`;
  return (
    (role.clientId ? `${role.clientId.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-` : '') +
    (base || role.roleId.slice(0, 8))
  );
}

/** Builds the PrivilegedRole manifests for a provider's roles, sorted by name. */
export function exportRoles(
  roles: readonly LiveRole[],
  provider: string,
  namespace: string,
): PrivilegedRole[] {
  const used = new Set<string>();
  return [...roles]
    .sort(
      (a, b) =>
        compareText(a.roleDisplayName, b.roleDisplayName) ||
        compareText(a.roleId, b.roleId) ||
        compareText(a.scope, b.scope),
    )
    .map((r) => {
      let name = manifestName(r);
      if (used.has(name)) name = `${name}-${r.roleId.slice(0, 8)}`;
      used.add(name);
      const role: PrivilegedRole['spec']['role'] =
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(r.roleId)
          ? { id: r.roleId }
          : { displayName: r.roleDisplayName };
      if (r.clientId) role.clientId = r.clientId;
      const group = groupOfScope(r.scope);
      const spec: PrivilegedRole['spec'] = {
        providerRef: { name: provider },
        // A PIM for Groups access is named by its group id and access; it takes no scope.
        ...(group ? { group: { id: group.groupId, access: group.access } } : { role }),
        mfaRequired: assessMfa(r).required,
      };
      // Only where the provider has the rule (PIM): Keycloak has none, and an absent field leaves it as it is.
      if (r.assignmentMfa !== undefined) spec.mfaOnActiveAssignment = r.assignmentMfa;
      if (r.scope !== '/' && !group) spec.scope = r.scope;
      return {
        apiVersion: API_VERSION,
        kind: 'PrivilegedRole',
        metadata: {
          name,
          namespace,
          annotations: { 'rolegate.io/role-display-name': r.roleDisplayName },
        },
        spec,
      };
    });
}

/** The `export` command. */
export function exportCommand(): Command {
  return withProviderOptions(new Command('export'))
    .description(
      'Write PrivilegedRole manifests for every role of an identity provider, with the current MFA setting',
    )
    .option('-n, --namespace <ns>', 'namespace of the generated objects', 'identity')
    .addOption(outputOption(EXPORT_FORMATS, 'yaml'))
    .addOption(outputFileOption('one line saying what was written'))
    .addHelpText(
      'after',
      `
${EXIT_CODES_HELP.export}

Examples:
  rolegate export examples/quickstart/identityprovider.yaml --emulator > roles.yaml
  rolegate export idp/ --provider contoso --output-file manifests/roles.yaml
  rolegate export idp/ -o json | jq '.items[].metadata.name'`,
    )
    .action(
      async (
        paths: string[],
        o: ProviderCommandOptions & { namespace: string; output: string; outputFile?: string },
      ) => {
        await withProvider('export', paths, o, async (idp, session) => {
          const snapshot = await session.snapshot();
          const docs = exportRoles(snapshot.roles(), idp.metadata.name, o.namespace);
          const header = `# Exported by rolegate from IdentityProvider ${idp.metadata.name}: ${docs.length} roles, with their current MFA setting.\n# Review mfaRequired: false entries; set them to true to have rolegate enforce MFA.\n`;
          const text =
            o.output === 'json'
              ? toJson({ apiVersion: 'v1', kind: 'List', items: docs })
              : header + docs.map((d) => `---\n${stringify(d, { lineWidth: 0 })}`).join('');
          await emit(
            text,
            o.outputFile,
            `Wrote ${docs.length} PrivilegedRoles of IdentityProvider ${idp.metadata.name} to ${o.outputFile ?? ''}\n`,
          );
        });
      },
    );
}
