// A throwaway self-signed certificate for 127.0.0.1, made with openssl: the Graph emulator over HTTPS, which MSAL
// (@azure/identity) insists on for an authority host. Used by the tests and the benchmarks.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Writes a key and a certificate valid for a day into a new temporary directory and returns both, with their paths
 * (NODE_EXTRA_CA_CERTS takes the certificate's). The caller removes `dir`.
 */
export function selfSignedCert() {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-tls-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return { dir, certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile) };
}
