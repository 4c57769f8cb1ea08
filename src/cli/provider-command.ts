// Shared by commands that talk to one IdentityProvider declared in manifests (export, alerts, report).
import { roleTarget } from '../api/role-target.js';
import type { Command } from 'commander';
import type { IdentityProvider, PrivilegedRole } from '../api/v1alpha1/types.js';
import type { LiveRole } from '../api/observation.js';
import { objectKey } from '../api/keys.js';
import type { ProviderSession } from '../controller/provider-session.js';
import type { ProviderSnapshot } from '../providers/types.js';
import type { DirectorySource } from '../sources/directory.js';
import { emulatorOption, loadSource, oneShotRuntime, type DirectoryRuntime } from './runtime.js';
import { manifestInputs } from './inputs.js';
import { withLogOptions, type LogFlags } from './log-options.js';

/** Options common to commands that read one provider. */
export interface ProviderCommandOptions extends LogFlags {
  provider?: string;
  emulator: boolean;
}

/** Adds the common options to a command. */
export function withProviderOptions(c: Command): Command {
  return withLogOptions(
    c
      .argument(
        '<paths...>',
        'files, directories or quoted globs holding the IdentityProvider manifest',
      )
      .option(
        '-p, --provider <name>',
        'the IdentityProvider to read (needed when the paths hold several)',
      )
      .addOption(emulatorOption()),
    'warn',
    'stderr',
  );
}

/**
 * Loads the manifests, picks the provider and runs `fn` with its session, the PrivilegedRoles and the runtime
 * (the source says where each object was read); closes everything afterwards.
 */
export async function withProvider<T>(
  command: string,
  paths: string[],
  o: ProviderCommandOptions,
  fn: (
    idp: IdentityProvider,
    session: ProviderSession,
    roles: readonly PrivilegedRole[],
    rt: DirectoryRuntime,
  ) => Promise<T>,
): Promise<T> {
  const rt = await oneShotRuntime(await manifestInputs(paths), o, 'warn');
  try {
    await loadSource(rt);
    const all = rt.source.providers.list();
    const idp = o.provider
      ? all.find((p) => p.metadata.name === o.provider)
      : all.length === 1
        ? all[0]
        : undefined;
    if (!idp) {
      const names = all.map((p) => p.metadata.name).join(', ') || 'none';
      throw new Error(
        o.provider
          ? `no IdentityProvider named ${o.provider} in the given paths (found: ${names})`
          : `the paths hold ${all.length} IdentityProviders (${names}); choose one with --provider`,
      );
    }
    const session = await rt.registry.session(idp);
    return await fn(idp, session, rt.source.roles.list(), rt);
  } finally {
    await rt.registry.close();
    await rt.emulator?.close();
  }
}

/** The PrivilegedRoles that declare each live role of one provider, and where they were read. */
export interface Declarations {
  /** `namespace/name` of the PrivilegedRoles of `idp` that resolve to `role`, in manifest order. */
  of(role: LiveRole): string[];
  /** The same, for a role id at any scope (a provider's own alerts name roles by id only). */
  ofId(roleId: string): string[];
  /** `file:line:col` of a PrivilegedRole named as `of` names it. */
  where(declared: string): string | undefined;
}

/** Resolves every PrivilegedRole of `idp` against a snapshot once, so that looking a role up is cheap. */
export function declarations(
  idp: IdentityProvider,
  roles: readonly PrivilegedRole[],
  snapshot: ProviderSnapshot,
  source: DirectorySource,
): Declarations {
  const byRole = new Map<string, string[]>();
  const byId = new Map<string, string[]>();
  const where = new Map<string, string | undefined>();
  for (const r of roles) {
    if (r.spec?.providerRef?.name !== idp.metadata.name) continue;
    const l = snapshot.resolve(roleTarget(r.spec).ref, roleTarget(r.spec).scope);
    if (l.kind !== 'Found') continue;
    const label = `${r.metadata.namespace ?? 'default'}/${r.metadata.name}`;
    const id = roleIdentity(l.role);
    byRole.set(id, [...(byRole.get(id) ?? []), label]);
    const rid = l.role.roleId.toLowerCase();
    byId.set(rid, [...(byId.get(rid) ?? []), label]);
    where.set(label, source.origin('PrivilegedRole', objectKey(r.metadata)));
  }
  return {
    of: (role) => byRole.get(roleIdentity(role)) ?? [],
    ofId: (roleId) => byId.get(roleId.toLowerCase()) ?? [],
    where: (d) => where.get(d),
  };
}

/** A live role's identity within a snapshot: its id at its scope (Azure RBAC has one role at many scopes). */
function roleIdentity(role: LiveRole): string {
  return `${role.roleId.toLowerCase()}@${role.scope}`;
}
