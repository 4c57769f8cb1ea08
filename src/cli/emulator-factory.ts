// `--emulator`: Entra IdentityProviders with Emulator credentials are pointed at the in-process Graph emulator.
import type { Logger } from 'pino';
import type { IdentityProvider } from '../api/v1alpha1/types.js';
import type { ProviderFactory } from '../controller/provider-registry.js';

/** Rewrites Emulator-credential Entra providers to the in-process emulator's URL. */
export function emulatorFactory(
  base: ProviderFactory,
  emulatorUrl: string,
  log: Logger,
): ProviderFactory {
  return (idp: IdentityProvider, secrets) => {
    const entra = idp.spec.entra;
    if (entra?.credentials.type !== 'Emulator') return base(idp, secrets);
    if (entra.graphBaseUrl !== emulatorUrl) {
      log.info(
        { provider: idp.metadata.name, from: entra.graphBaseUrl, to: emulatorUrl },
        'using the in-process Graph emulator',
      );
    }
    return base(
      { ...idp, spec: { ...idp.spec, entra: { ...entra, graphBaseUrl: emulatorUrl } } },
      secrets,
    );
  };
}
