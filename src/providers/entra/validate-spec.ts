// Checks of spec.entra beyond its schema (which crds/ defines): what the controller would otherwise only find
// when it builds the client.
import type { ValidationProblem } from '../../api/validation/problem.js';
import { isObject } from '../../api/validation/problem.js';
import { fieldPath } from '../../api/validation/pointer.js';
import { describe } from '../../api/validation/wording.js';
import { isLoopbackUrl } from '../../util/loopback.js';

/** The rules validateEntraSpec reports that the validator does not define itself. */
export const ENTRA_RULES: Readonly<Record<string, string>> = {
  'semantic.emulator-loopback':
    'Emulator credentials are accepted only with a loopback graphBaseUrl.',
};

/** Emulator credentials only against a loopback Graph; a client secret reference only where it is used. */
export function validateEntraSpec(entra: unknown, at: string): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  if (!isObject(entra) || !isObject(entra['credentials'])) return out;
  const path = fieldPath(at);
  const creds = entra['credentials'];
  if (creds['type'] === 'Emulator') {
    const url = entra['graphBaseUrl'];
    if (typeof url !== 'string' || !isLoopbackUrl(url)) {
      out.push({
        pointer: typeof url === 'string' ? `${at}/graphBaseUrl` : `${at}/credentials/type`,
        rule: 'semantic.emulator-loopback',
        severity: 'error',
        message:
          typeof url === 'string'
            ? `${path}.graphBaseUrl must be a loopback URL (localhost, 127.0.0.1 or [::1]) with credentials type Emulator, got ${describe(url)}`
            : `${path}.credentials.type Emulator needs ${path}.graphBaseUrl set to a loopback URL such as http://127.0.0.1:8943`,
      });
    }
  }
  if (creds['clientSecretRef'] !== undefined && creds['type'] !== 'ClientSecret') {
    out.push({
      pointer: `${at}/credentials/clientSecretRef`,
      rule: 'semantic.ignored-field',
      severity: 'warning',
      message: `${path}.credentials.clientSecretRef is ignored with credentials type ${String(creds['type'])}; it is used only with type ClientSecret`,
    });
  }
  return out;
}
