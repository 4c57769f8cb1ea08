#!/usr/bin/env node
// Writes dist/build-info.json: the git commit the build was made from, for `rolegate version`. Run by
// `prepare` (npm pack, npm install from git or from a checkout), so a tarball carries the commit of the tree
// it was packed from. Outside a git checkout an existing file is kept, else the commit is "unknown".
// `--commit SHA` records the given commit instead (the container build has no .git: it passes its REVISION arg).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'build-info.json');

function git(args) {
  return execFileSync('git', args, {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
}

const flag = process.argv.indexOf('--commit');
let info;
if (flag !== -1) {
  const commit = process.argv[flag + 1];
  info = { commit: commit || 'unknown', treeState: 'unknown' };
} else
  try {
    const commit = git(['rev-parse', 'HEAD']);
    const dirty = git(['status', '--porcelain', '--untracked-files=no']) !== '';
    info = { commit, treeState: dirty ? 'dirty' : 'clean' };
  } catch {
    if (existsSync(out)) process.exit(0);
    info = { commit: 'unknown', treeState: 'unknown' };
  }
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(info) + '\n');
