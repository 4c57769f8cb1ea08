// `--emulator`: IdentityProviders whose settings use the emulator are pointed at the in-process one (Graph and,
// for Azure roles, Azure Resource Manager).
import type { Logger } from 'pino';
import { jsonEqual } from '../api/json-equal.js';
import type { IdentityProvider } from '../api/v1alpha1/types.js';
import type { ProviderFactory } from '../controller/provider-registry.js';
import type { EmulatorUrls } from '../providers/descriptor.js';
import { PROVIDERS } from '../providers/registry.js';

/** Rewrites the settings of providers that use the emulator (see ProviderDescriptor.withEmulator). */
export function emulatorFactory(
  base: ProviderFactory,
  urls: EmulatorUrls,
  log: Logger,
): ProviderFactory {
  return (idp: IdentityProvider, secrets) => {
    const found = PROVIDERS.forSpec(idp.spec);
    const settings = found?.descriptor.withEmulator?.(found.settings, urls);
    if (!found || settings === undefined) return base(idp, secrets);
    const key = found.descriptor.specKey;
    if (!jsonEqual(settings, found.settings))
      log.info(
        { provider: idp.metadata.name, to: urls.graph, arm: urls.arm },
        'using the in-process emulator',
      );
    return base({ ...idp, spec: { ...idp.spec, [key]: settings } }, secrets);
  };
}
