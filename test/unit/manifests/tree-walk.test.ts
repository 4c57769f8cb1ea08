// The walk shared by validate and directory mode, on real trees in a temporary directory: links are followed
// but every directory and file is read once by its real path, loops and second paths are reported instead of
// walked, and special files are refused.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emptyTree, walkTree } from '../../../src/manifests/tree-walk.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

type Step = ['dir', string] | ['file', string] | ['link', string, string] | ['fifo', string];

/** Builds a tree from steps, walks it, and returns what was found (paths relative to the root). */
function walk(steps: Step[]): { files: string[]; problems: string[] } {
  const root = mkdtempSync(join(tmpdir(), 'rolegate-walk-'));
  roots.push(root);
  for (const s of steps) {
    const p = join(root, s[1]);
    if (s[0] === 'dir') mkdirSync(p, { recursive: true });
    else if (s[0] === 'file') writeFileSync(p, 'kind: ConfigMap\n');
    else if (s[0] === 'link') symlinkSync(s[2], p);
    else execFileSync('mkfifo', [p]);
  }
  const tree = emptyTree();
  walkTree(root, '', tree, (_full, dirShown, name) =>
    dirShown === '' ? name : `${dirShown}/${name}`,
  );
  return {
    files: tree.files.map((f) => f.shown).sort(),
    problems: tree.problems.map((p) => `${p.file} ${p.rule} ${p.severity}`).sort(),
  };
}

describe('walkTree', () => {
  it.each<{ reason: string; steps: Step[]; files: string[]; problems: string[] }>([
    {
      reason: 'a plain tree: manifests only, hidden entries and node_modules skipped',
      steps: [
        ['dir', 'a/node_modules'],
        ['dir', '.git'],
        ['file', 'a/r.yaml'],
        ['file', 'a/README.md'],
        ['file', 'a/.hidden.yaml'],
        ['file', 'a/node_modules/x.yaml'],
        ['file', '.git/y.yaml'],
      ],
      files: ['a/r.yaml'],
      problems: [],
    },
    {
      reason:
        'a link back to an ancestor is a loop, reported and not followed (it used to be walked ~40 deep)',
      steps: [
        ['dir', 'a/b'],
        ['file', 'a/r.yaml'],
        ['link', 'a/b/up', '..'],
        ['link', 'a/b/root', '../..'],
      ],
      files: ['a/r.yaml'],
      problems: ['a/b/root io.symlink-loop warning', 'a/b/up io.symlink-loop warning'],
    },
    {
      reason: 'a link to a sibling directory is a second path: read once',
      steps: [
        ['dir', 'a'],
        ['file', 'a/r.yaml'],
        ['link', 'b', 'a'],
      ],
      files: ['a/r.yaml'],
      problems: ['b io.duplicate-path warning'],
    },
    {
      reason: 'a link to a file is read, unless its target is read already',
      steps: [
        ['dir', 'shared'],
        ['file', 'shared/r.yaml'],
        ['link', 'z.yaml', 'shared/r.yaml'],
        ['link', 'a.yaml', 'elsewhere.txt'],
        ['file', 'elsewhere.txt'],
      ],
      files: ['a.yaml', 'shared/r.yaml'],
      problems: ['z.yaml io.duplicate-path warning'],
    },
    {
      reason: 'a link to a directory (git-sync current) is followed',
      steps: [
        ['dir', '.worktrees/abc'],
        ['file', '.worktrees/abc/r.yaml'],
        ['link', 'current', '.worktrees/abc'],
      ],
      files: ['current/r.yaml'],
      problems: [],
    },
    {
      reason:
        'a dangling or self-referencing link with a manifest name is an error; others are nothing',
      steps: [
        ['link', 'gone.yaml', 'missing.yaml'],
        ['link', 'self.yaml', 'self.yaml'],
        ['link', 'gone-dir', 'missing'],
      ],
      files: [],
      problems: ['gone.yaml io.read error', 'self.yaml io.read error'],
    },
    {
      reason: 'a FIFO with a manifest name is refused (opening one blocks until a writer comes)',
      steps: [
        ['fifo', 'pipe.yaml'],
        ['fifo', 'pipe'],
      ],
      files: [],
      problems: ['pipe.yaml io.special-file error'],
    },
  ])('$reason', ({ steps, files, problems }) => {
    expect(walk(steps)).toEqual({ files, problems });
  });
});
