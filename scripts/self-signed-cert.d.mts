/** A self-signed certificate for 127.0.0.1 in a new temporary directory (see self-signed-cert.mjs). */
export function selfSignedCert(): {
  dir: string;
  certFile: string;
  keyFile: string;
  cert: Buffer;
  key: Buffer;
};
