// Lists the manifest files under a directory, for `validate` and for directory mode alike. Symbolic links are
// followed (git-sync publishes a checkout as a link to a versioned directory), but every directory and file is
// remembered by its real path, so a link back to an ancestor (a loop) or a second path to the same place is
// read once and reported instead of being walked until the kernel says ELOOP. Anything that is not a regular
// file (a FIFO, a socket, a device) is refused: opening a FIFO for reading blocks until a writer comes.
import { readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { extname, sep } from 'node:path';
import type { ManifestIssue } from './types.js';

/** File extensions read when walking a directory. Files named explicitly are read whatever their name. */
export const MANIFEST_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json'];

/** One manifest file found by the walk. */
export interface TreeFile {
  /** The path as reached (through links), absolute. */
  abs: string;
  /** The path to show in issues. */
  shown: string;
  /** The real path (no links), to recognize one file reached twice. */
  real: string;
}

/** What a walk found: files, the real directories it read, the links it followed, and problems. */
export interface Tree {
  files: TreeFile[];
  /** Real paths of the directories read (each once). */
  dirs: string[];
  /** Absolute paths (as reached) of the symbolic links followed. */
  links: string[];
  problems: ManifestIssue[];
  /** Absolute paths (as reached) of the directories that could not be read. */
  unreadable: string[];
  /** Real paths already read: shared by the walks of one load, so two roots that overlap are read once. */
  seenDirs: Map<string, string>;
  seenFiles: Map<string, string>;
}

/** An empty Tree, to pass to walkTree for each root of one load. */
export function emptyTree(): Tree {
  return {
    files: [],
    dirs: [],
    links: [],
    problems: [],
    unreadable: [],
    seenDirs: new Map(),
    seenFiles: new Map(),
  };
}

/** Whether a name is one of the manifest extensions (case-insensitive). */
export function isManifestName(name: string): boolean {
  return MANIFEST_EXTENSIONS.includes(extname(name).toLowerCase());
}

/** What a special file is, for messages; undefined for a regular file or a directory. */
export function specialKind(s: Stats | Dirent): string | undefined {
  if (s.isFIFO()) return 'a FIFO (named pipe)';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  return undefined;
}

function problem(
  file: string,
  rule: string,
  severity: 'error' | 'warning',
  message: string,
): ManifestIssue {
  return { file, line: 0, col: 0, pointer: '', rule, severity, message };
}

/** The path to show for entry `name` of a directory shown as `dirShown`. */
export type ChildPath = (full: string, dirShown: string, name: string) => string;

/**
 * Walks the directory `dir` (absolute; may be a link) into `tree`. Hidden entries and node_modules are
 * skipped. Synchronous on purpose (see read-text.ts): thousands of awaited readdirs leave the thread idle.
 * Throws when `dir` itself cannot be read; a subdirectory that cannot be read is an `io.read` problem. Returns
 * false when `dir` was read already (given twice, or inside another root): nothing new was listed.
 */
export function walkTree(dir: string, shown: string, tree: Tree, childPath: ChildPath): boolean {
  const real = realpathSync(dir);
  // A path given twice, or inside another one given: its files are listed already, which is no problem.
  if (tree.seenDirs.has(real)) return false;
  tree.seenDirs.set(real, shown);
  walkDir(dir, real, shown, tree, childPath, new Set([real]));
  return true;
}

function walkDir(
  dir: string,
  real: string,
  shown: string,
  tree: Tree,
  childPath: ChildPath,
  ancestors: Set<string>,
): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if (ancestors.size === 1) throw err;
    tree.unreadable.push(dir);
    tree.problems.push(
      problem(
        shown,
        'io.read',
        'error',
        `cannot read directory ${shown}: ${(err as Error).message}`,
      ),
    );
    return;
  }
  tree.dirs.push(real);
  // join(dir, name) without normalizing again: `dir` is normalized and an entry's name holds no separator.
  const prefix = dir.endsWith(sep) ? dir : dir + sep;
  const realPrefix = real.endsWith(sep) ? real : real + sep;
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = prefix + e.name;
    let kind: Stats | Dirent = e;
    let target = realPrefix + e.name;
    if (e.isSymbolicLink()) {
      try {
        target = realpathSync(full);
        kind = statSync(target);
      } catch (err) {
        // A link that leads nowhere (missing target, a loop of links) only matters if it names a manifest.
        if (isManifestName(e.name)) {
          const code = (err as NodeJS.ErrnoException).code ?? '';
          tree.problems.push(
            problem(
              childPath(full, shown, e.name),
              'io.read',
              'error',
              `cannot read ${childPath(full, shown, e.name)}: ${code === 'ELOOP' ? 'a loop of symbolic links' : code === 'ENOENT' ? 'a symbolic link to a missing file' : (err as Error).message}`,
            ),
          );
        }
        continue;
      }
      tree.links.push(full);
    }
    if (kind.isDirectory()) {
      if (e.name === 'node_modules') continue;
      const childShown = childPath(full, shown, e.name);
      if (ancestors.has(target)) {
        tree.problems.push(
          problem(
            childShown,
            'io.symlink-loop',
            'warning',
            `A symbolic link back to ${tree.seenDirs.get(target) || '.'}, which contains it (a loop); not followed`,
          ),
        );
        continue;
      }
      const first = tree.seenDirs.get(target);
      // Reached without a link, it is a root given explicitly as well: listed already, no problem.
      if (first !== undefined && !e.isSymbolicLink()) continue;
      if (first !== undefined) {
        tree.problems.push(
          problem(
            childShown,
            'io.duplicate-path',
            'warning',
            `Same directory as ${first || '.'} (reached again through a symbolic link); its files are read once`,
          ),
        );
        continue;
      }
      tree.seenDirs.set(target, childShown);
      ancestors.add(target);
      walkDir(full, target, childShown, tree, childPath, ancestors);
      ancestors.delete(target);
    } else if (isManifestName(e.name)) {
      const fileShown = childPath(full, shown, e.name);
      const special = kind.isFile() ? undefined : specialKind(kind);
      if (special !== undefined) {
        tree.problems.push(specialFileProblem(fileShown, special));
        continue;
      }
      if (!kind.isFile()) continue;
      const first = tree.seenFiles.get(target);
      if (first !== undefined) {
        tree.problems.push(
          problem(
            fileShown,
            'io.duplicate-path',
            'warning',
            `Same file as ${first} (reached again through a symbolic link); it is read once`,
          ),
        );
        continue;
      }
      tree.seenFiles.set(target, fileShown);
      tree.files.push({ abs: full, shown: fileShown, real: target });
    }
  }
}

/** The error for a manifest path that is not a regular file. */
export function specialFileProblem(shown: string, what: string): ManifestIssue {
  return problem(
    shown,
    'io.special-file',
    'error',
    `Not a regular file but ${what}; it is not read (reading one can block forever)`,
  );
}
