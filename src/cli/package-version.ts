// The package's version, read from package.json (two levels up from both src/cli and dist/cli).
import { readFileSync } from 'node:fs';

/** The version in package.json. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
