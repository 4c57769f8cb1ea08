// One consistent reading of a directory tree of manifests: every file listed by one walk, each either read
// again (new, changed, or reported by the watcher) or taken from the previous snapshot when its identity and
// times are the same. A file that cannot be read keeps its last good objects, with the error: an unreadable
// file is a problem to report, never a reason to forget (or reset) a role.
import { constants, realpathSync, statSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import type { IdentityProvider, PrivilegedRole } from '../api/v1alpha1/types.js';
import { objectKey, type ObjectKey } from '../api/keys.js';
import { parseManifestBytes, type ManifestIssue } from '../manifests/load.js';
import {
  emptyTree,
  specialFileProblem,
  specialKind,
  walkTree,
  type Tree,
  type TreeFile,
} from '../manifests/tree-walk.js';

/** An object as read from a file, with where it starts. */
export interface Held<T> {
  object: T;
  /** file:line:col */
  where: string;
  file: string;
  line: number;
  col: number;
}

/** What one file held at the last snapshot. */
export interface FileEntry {
  shown: string;
  real: string;
  /** Device, inode, size and times when last read; '' after a failed read, so the next scan reads again. */
  sig: string;
  roles: Map<ObjectKey, Held<PrivilegedRole>>;
  providers: Map<ObjectKey, Held<IdentityProvider>>;
  /** Problems of the file (parse and validation findings, or the read error). */
  issues: ManifestIssue[];
  /** Set when the last read failed or did not parse: the objects are those of the last good read. */
  error?: string;
}

/** A snapshot of the tree. */
export interface Snapshot {
  /** By absolute path (as reached). */
  files: Map<string, FileEntry>;
  /** Problems of the tree itself: loops, duplicate paths, special files, unreadable directories and links. */
  problems: ManifestIssue[];
  /** Real paths of the directories read, to watch. */
  dirs: string[];
  /** Some listed file was gone when read: the tree changed during the walk, so another scan should follow. */
  changedDuringScan: boolean;
}

/** Options of readSnapshot. */
export interface SnapshotOptions {
  /** Namespace of PrivilegedRoles that name none. */
  defaultNamespace: string;
  /** Paths (absolute, or real) the watcher reported as changed: read again whatever their times say. */
  dirty: ReadonlySet<string>;
  /** Manifests that are not files (standard input), by the label findings show, such as `<stdin>`. */
  texts?: readonly { label: string; bytes: Buffer }[];
}

const emptyEntry = (f: TreeFile): FileEntry => ({
  shown: f.shown,
  real: f.real,
  sig: '',
  roles: new Map(),
  providers: new Map(),
  issues: [],
});

/** Reads the tree under `roots` (absolute paths of directories or files), reusing `prev` where unchanged. */
export async function readSnapshot(
  roots: readonly string[],
  prev: ReadonlyMap<string, FileEntry>,
  opts: SnapshotOptions,
): Promise<Snapshot> {
  const cwd = process.cwd();
  const shownOf = (abs: string): string => {
    const rel = relative(cwd, abs) || abs;
    return sep === '/' ? rel : rel.split(sep).join('/');
  };
  const tree: Tree = emptyTree();
  /** Absolute paths under which nothing could be listed: their files keep their last good objects. */
  const unlisted: string[] = [];
  for (const root of roots) {
    try {
      const s = statSync(root);
      if (s.isDirectory()) {
        walkTree(root, shownOf(root), tree, (full) => shownOf(full));
      } else if (s.isFile()) {
        tree.files.push({ abs: root, shown: shownOf(root), real: realpathSync(root) });
      } else {
        tree.problems.push(
          specialFileProblem(shownOf(root), specialKind(s) ?? 'another kind of file'),
        );
      }
    } catch (err) {
      unlisted.push(root);
      tree.problems.push({
        file: shownOf(root),
        line: 0,
        col: 0,
        pointer: '',
        rule: 'io.read',
        severity: 'error',
        message: `cannot read ${shownOf(root)}: ${(err as Error).message}`,
      });
    }
  }
  unlisted.push(...tree.unreadable);
  const files = new Map<string, FileEntry>();
  let changedDuringScan = false;
  for (const f of tree.files) {
    const entry = await readEntry(f, prev.get(f.abs), opts);
    if (entry === 'gone') changedDuringScan = true;
    else files.set(f.abs, entry);
  }
  // A link that leads nowhere, a directory that cannot be listed: what their files held is kept, as for a
  // file that cannot be read.
  const kept = new Set(unlisted.map((u) => (u.endsWith(sep) ? u : u + sep)));
  const brokenLinks = new Set(tree.problems.filter((p) => p.rule === 'io.read').map((p) => p.file));
  for (const [abs, old] of prev) {
    if (files.has(abs)) continue;
    const under = [...kept].some((k) => abs.startsWith(k)) || unlisted.includes(abs);
    if (!under && !brokenLinks.has(old.shown)) continue;
    const message =
      tree.problems.find((p) => p.file === old.shown)?.message ?? `cannot list ${old.shown}`;
    files.set(abs, { ...old, sig: '', error: message, issues: [] });
  }
  for (const t of opts.texts ?? []) {
    const f: TreeFile = { abs: t.label, shown: t.label, real: t.label };
    files.set(t.label, entryFromBytes(f, t.bytes, t.label, prev.get(t.label), opts));
  }
  return { files, problems: tree.problems, dirs: tree.dirs, changedDuringScan };
}

/** Reads one file, or returns the previous entry when it has not changed; 'gone' when it vanished. */
async function readEntry(
  f: TreeFile,
  prev: FileEntry | undefined,
  opts: SnapshotOptions,
): Promise<FileEntry | 'gone'> {
  const failed = (err: unknown): FileEntry => {
    const code = (err as NodeJS.ErrnoException).code;
    const message = `cannot read ${f.shown}: ${code ? `${code}: ` : ''}${(err as Error).message.replace(/^\w+: /, '')}`;
    return {
      ...(prev ?? emptyEntry(f)),
      shown: f.shown,
      real: f.real,
      sig: '',
      error: message,
      issues: [
        {
          file: f.shown,
          line: 0,
          col: 0,
          pointer: '',
          rule: 'io.read',
          severity: 'error',
          message,
        },
      ],
    };
  };
  let bytes: Buffer;
  let sig: string;
  try {
    const s = await stat(f.abs);
    sig = `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
    // An empty file is always read again: it may be one being written, which must not look unchanged.
    if (
      prev !== undefined &&
      prev.error === undefined &&
      prev.sig === sig &&
      s.size > 0 &&
      !opts.dirty.has(f.abs) &&
      !opts.dirty.has(f.real)
    ) {
      return prev.shown === f.shown ? prev : { ...prev, shown: f.shown };
    }
    // O_NONBLOCK: a path that turned into a FIFO since the walk must not block the open.
    const fh = await open(f.abs, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const s2 = await fh.stat();
      if (!s2.isFile()) {
        return {
          ...failed(new Error('not a regular file')),
          issues: [specialFileProblem(f.shown, specialKind(s2) ?? 'another kind of file')],
        };
      }
      bytes = await fh.readFile();
    } finally {
      await fh.close();
    }
  } catch (err) {
    // Gone since the walk (a rename, a swapped link): the next scan sees where it went.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    return failed(err);
  }
  return entryFromBytes(f, bytes, sig, prev, opts);
}

/** The entry of a file whose bytes were read (`sig` tells later scans whether it changed). */
function entryFromBytes(
  f: TreeFile,
  bytes: Buffer,
  sig: string,
  prev: FileEntry | undefined,
  opts: SnapshotOptions,
): FileEntry {
  const parsed = parseManifestBytes(f.shown, bytes);
  // A syntax error, or content that is not UTF-8 text at all: nothing in it can be trusted.
  const broken = parsed.issues.some(
    (i) =>
      i.severity === 'error' &&
      (i.rule.startsWith('yaml.syntax') || i.rule.startsWith('encoding.')),
  );
  if (broken && prev !== undefined && (prev.roles.size > 0 || prev.providers.size > 0)) {
    // A half-saved edit: keep what the file held before, with the new findings and the first of them as the
    // file's problem (the objects it held report it).
    const first = parsed.issues.find((i) => i.severity === 'error')!;
    const error = `${f.shown}:${first.line}:${first.col}: ${first.message}`;
    return { ...prev, shown: f.shown, real: f.real, sig, error, issues: parsed.issues };
  }
  const entry: FileEntry = { ...emptyEntry(f), sig, issues: parsed.issues };
  for (const r of parsed.roles) {
    const object: PrivilegedRole = {
      ...r.object,
      metadata: {
        ...r.object.metadata,
        namespace: r.object.metadata.namespace ?? opts.defaultNamespace,
      },
    };
    entry.roles.set(objectKey(object.metadata), { object, ...at(r) });
  }
  for (const p of parsed.providers) {
    entry.providers.set(objectKey({ name: p.object.metadata.name }), {
      object: p.object,
      ...at(p),
    });
  }
  return entry;
}

function at(o: { file: string; line: number; col: number }): Omit<Held<unknown>, 'object'> {
  return { where: `${o.file}:${o.line}:${o.col}`, file: o.file, line: o.line, col: o.col };
}
