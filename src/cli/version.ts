// `rolegate version`: what is running, for bug reports and for pinning in CI: the package version, the git
// commit it was built from and the Node.js that runs it.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { EXIT_CODES_HELP } from './exit-codes.js';
import { outputOption, toJson, toYaml } from './output.js';

/** What `rolegate version` reports. */
export interface VersionInfo {
  version: string;
  commit: string;
  /** `clean`, `dirty` (built from a tree with uncommitted changes) or `unknown`. */
  treeState: string;
  node: string;
  platform: string;
}

/** The package version, from package.json two levels up (from both src/cli and dist/cli). */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/**
 * The commit. In a git checkout (the package root holds `.git`): its HEAD, so a rebuild after a commit never
 * reports the commit before. Installed from a tarball or git (no `.git` beside it): dist/build-info.json,
 * written by `prepare` when the package was packed. Else `unknown`.
 */
export function buildCommit(): { commit: string; treeState: string } {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  if (existsSync(join(root, '.git'))) {
    try {
      const git = (args: string[]): string =>
        execFileSync('git', args, {
          cwd: root,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        }).trim();
      const commit = git(['rev-parse', 'HEAD']);
      const dirty = git(['status', '--porcelain', '--untracked-files=no']) !== '';
      return { commit, treeState: dirty ? 'dirty' : 'clean' };
    } catch {
      // no git on this machine: fall back to what the build recorded
    }
  }
  try {
    const info = JSON.parse(
      readFileSync(new URL('../build-info.json', import.meta.url), 'utf8'),
    ) as { commit?: string; treeState?: string };
    if (info.commit) return { commit: info.commit, treeState: info.treeState ?? 'unknown' };
  } catch {
    // not packed: no build-info.json
  }
  return { commit: 'unknown', treeState: 'unknown' };
}

/** Everything `rolegate version` prints. */
export function versionInfo(): VersionInfo {
  return {
    version: packageVersion(),
    ...buildCommit(),
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
  };
}

/** The `version` command. */
export function versionCommand(): Command {
  return new Command('version')
    .description(
      'Print the rolegate version, the git commit it was built from and the Node.js version',
    )
    .addOption(outputOption(['text', 'json', 'yaml'], 'text'))
    .addHelpText(
      'after',
      `\n${EXIT_CODES_HELP.other}\n\nExamples:\n  rolegate version\n  rolegate version -o json\n  rolegate --version        # the version number only`,
    )
    .action(async (o: { output: string }) => {
      const v = versionInfo();
      process.stdout.write(
        o.output === 'json'
          ? toJson(v)
          : o.output === 'yaml'
            ? await toYaml(v)
            : `rolegate ${v.version}\ncommit:   ${v.commit}${v.treeState === 'dirty' ? ' (dirty)' : ''}\nnode:     ${v.node}\nplatform: ${v.platform}\n`,
      );
    });
}
