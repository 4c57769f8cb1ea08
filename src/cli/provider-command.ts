// Shared by commands that talk to one IdentityProvider declared in manifests (export, alerts).
import type { Command } from 'commander';
import type { IdentityProvider, PrivilegedRole } from '../api/v1alpha1/types.js';
import type { ProviderSession } from '../controller/provider-session.js';
import { emulatorOption, loadSource, oneShotRuntime } from './runtime.js';
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

/** Loads the manifests, picks the provider and runs `fn` with its session; closes everything afterwards. */
export async function withProvider<T>(
  command: string,
  paths: string[],
  o: ProviderCommandOptions,
  fn: (
    idp: IdentityProvider,
    session: ProviderSession,
    roles: readonly PrivilegedRole[],
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
    return await fn(idp, session, rt.source.roles.list());
  } finally {
    await rt.registry.close();
    await rt.emulator?.close();
  }
}
