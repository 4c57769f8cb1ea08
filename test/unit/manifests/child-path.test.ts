// loadManifests shows each file relative to the working directory; while walking a tree it builds those
// paths by appending names (path.relative for every one of 50,000 files cost ~90 ms). They must be exactly
// what path.relative gives.
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { childPath } from '../../../src/manifests/load.js';

/** The shown path of `file`, built the way walk() builds it from `root` down. */
function walked(cwd: string, root: string, file: string): string {
  let shown = root === cwd ? '' : relative(cwd, root) || root;
  let dir = root;
  const rest = file.slice(root === '/' ? 1 : root.length + 1);
  for (const name of rest.split('/')) {
    dir = `${dir === '/' ? '' : dir}/${name}`;
    shown = childPath(cwd, dir, shown, name);
  }
  return shown;
}

describe('childPath', () => {
  it.each([
    {
      cwd: '/work/repo',
      root: '/work/repo/manifests',
      file: '/work/repo/manifests/team/a.yaml',
      reason: 'a tree below cwd',
    },
    { cwd: '/work/repo', root: '/work/repo', file: '/work/repo/team/a.yaml', reason: 'cwd itself' },
    {
      cwd: '/work/repo',
      root: '/tmp/bench',
      file: '/tmp/bench/team-1/roles-1.yaml',
      reason: 'a tree elsewhere (the benchmark)',
    },
    {
      cwd: '/work/repo',
      root: '/work',
      file: '/work/repo/a.yaml',
      reason: 'a parent of cwd, back into cwd',
    },
    {
      cwd: '/work/repo',
      root: '/work',
      file: '/work/repo/x/a.yaml',
      reason: 'a parent of cwd, below cwd',
    },
    {
      cwd: '/work/repo',
      root: '/work',
      file: '/work/other/a.yaml',
      reason: 'a parent of cwd, a sibling tree',
    },
    { cwd: '/work/repo', root: '/', file: '/work/repo/a.yaml', reason: 'the root directory' },
    {
      cwd: '/work/repo',
      root: '/work/repo-2',
      file: '/work/repo-2/a.yaml',
      reason: 'a sibling sharing a name prefix',
    },
    {
      cwd: '/work/repo',
      root: '/work',
      file: '/work/rep/a.yaml',
      reason: 'a directory whose name is a prefix of one on the way to cwd',
    },
    { cwd: '/', root: '/tmp', file: '/tmp/x/a.yaml', reason: 'cwd is the root directory' },
  ])('$reason', ({ cwd, root, file }) => {
    expect(walked(cwd, root, file)).toBe(relative(cwd, file));
  });
});
