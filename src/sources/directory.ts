// Desired state from a directory of YAML (a git checkout). The watcher's events only say "look again": each
// look is one walk of the whole tree and one consistent snapshot (unchanged files are not read again), and the
// stores follow the set of objects the snapshot holds, whichever files hold them. So a renamed file, a moved
// directory, or a deleted copy of a manifest changes nothing while some file still holds the object, and a
// burst of events (a git checkout) is one transaction. An object no file holds any more is removed only once
// it has stayed absent for a settle period and a later snapshot agrees: a file truncated mid-write, or a
// checkout caught half-way, does not delete (or reset) a role. A file that cannot be read keeps its last good
// objects, and so does one that does not parse.
import { statSync } from 'node:fs';
import { lstat, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Logger } from 'pino';
import { objectFields } from '../log.js';
import {
  RESET_FINALIZER,
  type IdentityProvider,
  type PrivilegedRole,
} from '../api/v1alpha1/types.js';
import { objectKey, type ObjectKey } from '../api/keys.js';
import type { ManifestIssue } from '../manifests/load.js';
import { isManifestName, specialKind } from '../manifests/tree-walk.js';
import { STDIN_LABEL } from '../manifests/types.js';
import { readSnapshot, type FileEntry, type Held, type Snapshot } from './directory-snapshot.js';
import { MemoryStore } from './memory-store.js';
import type { Source, WatchedKind } from './types.js';
import type { SourceProblem } from '../reconcile/source-problem.js';
import type { FinalizerWriter } from '../status/types.js';

/** Options of a DirectorySource. */
export interface DirectorySourceOptions {
  /** Watch for changes (run) or read once (plan, apply). */
  watch: boolean;
  debounceMs?: number;
  /**
   * How long an object must stay absent from the files (and an empty file stay empty) before it is removed
   * (default 1 s): editors truncate before they write, and a checkout deletes before it creates.
   */
  settleMs?: number;
  /**
   * While some file cannot be read, look again this often (default 10 s): a permission fixed by chmod alone is
   * not always a watcher event.
   */
  retryUnreadableMs?: number;
  /** Namespace given to PrivilegedRoles that name none, as kubectl would. */
  defaultNamespace?: string;
  /** Manifests read from standard input (one-shot commands only), shown as `<stdin>`. */
  stdin?: Buffer;
  /**
   * When each object was first seen (`PrivilegedRole/ns/name`, `IdentityProvider/name` → RFC 3339), from a
   * previous run's status file: the claim age of an object survives restarts.
   */
  firstSeen?: ReadonlyMap<string, string>;
  log: Logger;
}

/** Where an object comes from, and whether that file currently has a problem. */
export interface ObjectSource {
  file: string;
  /** The file could not be read (its last good objects are used), or does not parse. */
  problem?: string;
}

/** A DirectorySource reads PrivilegedRoles and IdentityProviders from files under one or more paths. */
export class DirectorySource implements Source, FinalizerWriter {
  readonly roles = new MemoryStore<PrivilegedRole>();
  readonly providers = new MemoryStore<IdentityProvider>();
  private readonly roots: string[];
  private files = new Map<string, FileEntry>();
  private treeProblems: ManifestIssue[] = [];
  private duplicates: ManifestIssue[] = [];
  /** `Kind/key` → the file holding the object in use (absolute path) and where in it. */
  private readonly holder = new Map<string, { abs: string; where: string }>();
  /** `Kind/key` → JSON of the object as last read, to enqueue only what changed. */
  private readonly asRead = new Map<string, string>();
  /** `Kind/key` → the problem of its file as last reported to the reconciler, while it has one. */
  private readonly problemOf = new Map<string, string>();
  /** `Kind/key` → when the object was first seen (RFC 3339): its creationTimestamp. */
  private readonly firstSeen = new Map<string, string>();
  /** First-seen times of the previous run, until the object is seen (or is gone, and so new if it returns). */
  private readonly previousRun: Map<string, string>;
  /** `Kind/key` → when the object was first found absent from every file (ms). */
  private readonly missingSince = new Map<string, number>();
  private readonly logged = new Set<string>();
  private watcher: FSWatcher | undefined;
  private watched = new Set<string>();
  private enqueue: (kind: WatchedKind, key: ObjectKey) => void = () => undefined;
  private readonly dirty = new Set<string>();
  private debounce: NodeJS.Timeout | undefined;
  private settleTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private synced: Promise<void> | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    readonly paths: string[],
    private readonly options: DirectorySourceOptions,
  ) {
    this.roots = paths.map((p) => resolve(p));
    this.previousRun = new Map(options.firstSeen);
  }

  /** Problems found in the files and the tree, for reports. */
  issues(): ManifestIssue[] {
    return [
      ...this.treeProblems,
      ...this.duplicates,
      ...[...this.files.values()].flatMap((f) => f.issues),
    ];
  }

  /** The file (and line) an object came from, for reports. */
  origin(kind: WatchedKind, key: ObjectKey): string | undefined {
    return this.holder.get(`${kind}/${key}`)?.where;
  }

  /** The file an object comes from, and that file's read problem if it has one. */
  sourceOf(kind: WatchedKind, key: ObjectKey): ObjectSource | undefined {
    const h = this.holder.get(`${kind}/${key}`);
    if (!h) return undefined;
    const f = this.files.get(h.abs);
    if (!f) return undefined;
    return f.error !== undefined ? { file: f.shown, problem: f.error } : { file: f.shown };
  }

  /** The file an object comes from, when that file cannot be used now. */
  sourceProblem(kind: WatchedKind, key: ObjectKey): SourceProblem | undefined {
    const from = this.sourceOf(kind, key);
    return from?.problem !== undefined ? { file: from.file, problem: from.problem } : undefined;
  }

  async start(
    enqueue: (kind: WatchedKind, key: ObjectKey) => void,
    _signal: AbortSignal,
  ): Promise<void> {
    this.enqueue = enqueue;
    for (const p of this.roots) {
      let s;
      try {
        s = await stat(p);
      } catch (err) {
        // chokidar watches a missing path silently; a typo must not look like "no roles"
        const code = (err as NodeJS.ErrnoException).code;
        throw new Error(
          code === 'ENOENT' ? `${p} does not exist` : `cannot read ${p}: ${(err as Error).message}`,
        );
      }
      const special = s.isFile() || s.isDirectory() ? undefined : specialKind(s);
      if (special !== undefined) throw new Error(`${p} is ${special}, not a file or a directory`);
      // A root that is a link (git-sync's `current`) is swapped in its directory, and a file may be replaced
      // by a rename there: watch that directory too (for this entry only).
      if (s.isFile() || (await lstat(p)).isSymbolicLink()) this.rootParents.push(dirname(p));
    }
    this.synced = this.flushing = this.scan();
    if (this.options.watch) {
      // The first snapshot is read before the watcher exists; once it watches, look once more so a change made
      // in between is not missed.
      this.synced = this.synced.then(async () => {
        await this.watchDirs(this.lastDirs);
        this.schedule(0);
      });
    }
    await this.synced;
  }

  async waitForSync(): Promise<void> {
    await this.synced;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.debounce) clearTimeout(this.debounce);
    if (this.settleTimer) clearTimeout(this.settleTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.watcher?.close();
    this.watcher = undefined;
    await this.flushing;
  }

  private lastDirs: string[] = [];
  /** The real directories of the last walk. */
  private walked = new Set<string>();
  private readonly rootParents: string[] = [];

  /**
   * Watches exactly the directories the last walk read, each by its real path and without descending (the
   * walk decides what is part of the tree, so chokidar never follows a loop of links), plus the directory of
   * each root that is a file or a link.
   */
  private async watchDirs(dirs: readonly string[]): Promise<void> {
    if (!this.options.watch || this.stopped) return;
    const want = new Set([...dirs, ...this.rootParents]);
    const added = [...want].filter((d) => !this.watched.has(d));
    const removed = [...this.watched].filter((d) => !want.has(d));
    this.watched = want;
    if (!this.watcher) {
      const w = watch([...want], {
        persistent: true,
        ignoreInitial: true,
        followSymlinks: false,
        depth: 0,
        ignored: (path: string, stats?: { isFile(): boolean }) =>
          !this.watched.has(path) && this.ignored(path, stats),
        awaitWriteFinish: { stabilityThreshold: 50, pollInterval: 20 },
      });
      this.watcher = w;
      w.on('all', (_event, path) => this.touch(path)).on('error', (err) =>
        this.options.log.error({ err: String(err) }, 'watching manifests failed'),
      );
      await new Promise<void>((r) => w.once('ready', () => r()));
      return;
    }
    if (removed.length > 0) this.watcher.unwatch(removed);
    if (added.length > 0) this.watcher.add(added);
  }

  /** Entries whose changes cannot matter: hidden names, node_modules, files that are not manifests. */
  private ignored(path: string, stats?: { isFile(): boolean }): boolean {
    if (this.roots.includes(path)) return false;
    const name = basename(path);
    if (name.startsWith('.') || name === 'node_modules') return true;
    // Only files that are not manifests are ignored; a link or a directory of any name may lead to some.
    return !isManifestName(name) && (stats ? stats.isFile() : isRegularFile(path));
  }

  private touch(path: string): void {
    if (this.stopped) return;
    // In a root's parent directory only the root itself matters; in the tree, whatever may hold manifests.
    const relevant =
      this.roots.includes(path) ||
      this.watched.has(path) ||
      (this.walked.has(dirname(path)) && !this.ignored(path));
    if (!relevant) return;
    this.dirty.add(path);
    this.schedule();
  }

  private schedule(delayMs = this.options.debounceMs ?? 200): void {
    if (this.stopped) return;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      this.flushing = this.flushing.then(() => this.scan());
    }, delayMs);
  }

  /** Takes a snapshot of the tree and makes the stores follow it. */
  private async scan(): Promise<void> {
    if (this.stopped) return;
    const dirty = new Set(this.dirty);
    this.dirty.clear();
    let snap: Snapshot;
    try {
      snap = await readSnapshot(this.roots, this.files, {
        defaultNamespace: this.options.defaultNamespace ?? 'default',
        dirty,
        ...(this.options.stdin
          ? { texts: [{ label: STDIN_LABEL, bytes: this.options.stdin }] }
          : {}),
      });
    } catch (err) {
      this.options.log.error({ err: String(err) }, 'reading the manifests failed');
      return;
    }
    this.files = snap.files;
    this.treeProblems = snap.problems;
    this.apply();
    this.report();
    const newDirs = snap.dirs.some((d) => !this.watched.has(d));
    this.lastDirs = snap.dirs;
    this.walked = new Set(snap.dirs);
    if (this.watcher) await this.watchDirs(snap.dirs);
    // A file created in a directory before it was watched, or one that vanished during the walk: look again.
    if (this.watcher && (newDirs || snap.changedDuringScan)) this.schedule();
    const unreadable = this.issues().some((i) => i.rule === 'io.read');
    if (this.watcher && unreadable && !this.retryTimer) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.schedule(0);
      }, this.options.retryUnreadableMs ?? 10_000);
    }
  }

  /** Makes the stores hold the objects of the current snapshot. */
  private apply(): void {
    const now = Date.now();
    const stamp = new Date(now).toISOString();
    const entries = [...this.files].sort(([, a], [, b]) =>
      a.shown < b.shown ? -1 : a.shown > b.shown ? 1 : 0,
    );
    this.duplicates = [];
    const roles = this.choose('PrivilegedRole', entries, (f) => f.roles);
    const providers = this.choose('IdentityProvider', entries, (f) => f.providers);
    let nextSettle = Infinity;
    const settleMs = this.options.watch ? (this.options.settleMs ?? 1000) : 0;
    const sync = <T extends PrivilegedRole | IdentityProvider>(
      kind: WatchedKind,
      store: MemoryStore<T>,
      statuses: Map<ObjectKey, NonNullable<T['status']>>,
      now_: Map<ObjectKey, { held: Held<T>; abs: string }>,
    ): void => {
      for (const key of store.keys()) {
        const id = `${kind}/${key}`;
        if (now_.has(key)) continue;
        const old = store.get(key);
        if (old?.metadata.deletionTimestamp) continue;
        const since = this.missingSince.get(id) ?? now;
        this.missingSince.set(id, since);
        if (now - since < settleMs) {
          nextSettle = Math.min(nextSettle, since + settleMs);
          continue;
        }
        this.missingSince.delete(id);
        this.asRead.delete(id);
        this.holder.delete(id);
        this.problemOf.delete(id);
        this.firstSeen.delete(id);
        this.previousRun.delete(id);
        this.options.log.info(objectFields(kind, key), `${kind} ${key}: no file holds it any more`);
        if (old?.metadata.finalizers?.includes(RESET_FINALIZER)) {
          // Like the API server with a finalizer: the object stays, marked deleted, until the reconciler has
          // reset the role and calls setFinalizer(role, false).
          store.set(key, {
            ...old,
            metadata: { ...old.metadata, deletionTimestamp: stamp },
          });
        } else {
          store.delete(key);
          statuses.delete(key);
        }
        this.enqueue(kind, key);
      }
      for (const [key, { held, abs }] of now_) {
        const id = `${kind}/${key}`;
        this.missingSince.delete(id);
        this.holder.set(id, { abs, where: held.where });
        const obj = held.object;
        const json = JSON.stringify(obj);
        const old = store.get(key);
        // A file's problem starting, changing or ending changes the object's conditions, not the object.
        const problem = this.files.get(abs)?.error;
        const problemChanged = this.problemOf.get(id) !== problem;
        if (problem === undefined) this.problemOf.delete(id);
        else this.problemOf.set(id, problem);
        if (old && !old.metadata.deletionTimestamp && this.asRead.get(id) === json) {
          if (problemChanged) this.enqueue(kind, key);
          continue;
        }
        this.asRead.set(id, json);
        const generation = old?.metadata.generation ?? 0;
        const changed = !old || JSON.stringify(old.spec) !== JSON.stringify(obj.spec);
        // The first-seen time, never the file's own creationTimestamp: a file must not make itself older.
        const created = this.firstSeen.get(id) ?? this.previousRun.get(id) ?? stamp;
        this.firstSeen.set(id, created);
        const merged = {
          ...obj,
          metadata: {
            ...obj.metadata,
            creationTimestamp: created,
            generation: changed ? generation + 1 : generation,
          },
        };
        // A file holds no finalizers: the source adds rolegate's where the controller would have.
        if (kind === 'PrivilegedRole' && resetOnDelete(obj))
          merged.metadata.finalizers = [RESET_FINALIZER];
        else delete merged.metadata.finalizers;
        delete merged.metadata.deletionTimestamp;
        const status = statuses.get(key);
        if (status) merged.status = status;
        else delete merged.status;
        store.set(key, merged);
        this.enqueue(kind, key);
      }
    };
    sync('PrivilegedRole', this.roles, this.statuses, roles);
    sync('IdentityProvider', this.providers, this.providerStatuses, providers);
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = undefined;
    if (nextSettle !== Infinity && !this.stopped) {
      // Look again once the absence has lasted the settle period; the empty file is read again then.
      this.settleTimer = setTimeout(
        () => {
          this.settleTimer = undefined;
          this.schedule(0);
        },
        Math.max(0, nextSettle - now),
      );
    }
  }

  /**
   * The object in use for each key of one kind: the one in the file that held it so far if that file still
   * does, else the one in the first file by path. Two files holding one object is reported.
   */
  private choose<T>(
    kind: WatchedKind,
    entries: readonly [string, FileEntry][],
    of: (f: FileEntry) => Map<ObjectKey, Held<T>>,
  ): Map<ObjectKey, { held: Held<T>; abs: string }> {
    const out = new Map<ObjectKey, { held: Held<T>; abs: string }>();
    const all = new Map<ObjectKey, { held: Held<T>; abs: string }[]>();
    for (const [abs, f] of entries) {
      for (const [key, held] of of(f)) {
        const list = all.get(key);
        if (list) list.push({ held, abs });
        else all.set(key, [{ held, abs }]);
      }
    }
    for (const [key, list] of all) {
      const current = this.holder.get(`${kind}/${key}`)?.abs;
      const pick = list.find((x) => x.abs === current) ?? list[0]!;
      out.set(key, pick);
      if (list.length > 1) {
        const others = list.filter((x) => x !== pick).map((x) => x.held.where);
        this.duplicates.push({
          file: pick.held.file,
          line: pick.held.line,
          col: pick.held.col,
          pointer: '/metadata/name',
          rule: 'semantic.duplicate-object',
          severity: 'error',
          message: `${kind} ${key} is also defined at ${others.join(', ')}; rolegate uses the one at ${pick.held.where}`,
        });
      }
    }
    return out;
  }

  /** Logs each problem once, when it appears (a watcher event must not repeat every open problem). */
  private report(): void {
    const current = new Set<string>();
    for (const i of this.issues()) {
      // as validate prints it: file:line:col: message [rule] (at pointer)
      const line = `${i.file}:${i.line}:${i.col}: ${i.message} [${i.rule}]${i.pointer ? ` (at ${i.pointer})` : ''}`;
      current.add(line);
      if (this.logged.has(line)) continue;
      const file = this.fileOf(i.file);
      const kept =
        i.rule === 'io.read' && file && (file.roles.size > 0 || file.providers.size > 0)
          ? '; its last good objects are kept'
          : '';
      this.options.log[i.severity === 'error' ? 'error' : 'warn'](
        { file: i.file, line: i.line, col: i.col, rule: i.rule, pointer: i.pointer },
        `${line}${kept}`,
      );
    }
    this.logged.clear();
    for (const l of current) this.logged.add(l);
  }

  private fileOf(shown: string): FileEntry | undefined {
    for (const f of this.files.values()) if (f.shown === shown) return f;
    return undefined;
  }

  private readonly statuses = new Map<ObjectKey, NonNullable<PrivilegedRole['status']>>();
  private readonly providerStatuses = new Map<ObjectKey, NonNullable<IdentityProvider['status']>>();

  /**
   * Removing rolegate's finalizer from a role whose file is gone lets it go, as the API server would. Adding one
   * is a no-op: the source already holds it on every role whose deletionPolicy is ResetToDefault.
   */
  setFinalizer(role: PrivilegedRole, present: boolean): Promise<void> {
    const key = objectKey(role.metadata);
    const held = this.roles.get(key);
    if (!present && held?.metadata.deletionTimestamp) {
      this.roles.delete(key);
      this.statuses.delete(key);
      this.enqueue('PrivilegedRole', key);
    }
    return Promise.resolve();
  }

  /** Records a role's status (directory mode has no API server to hold it). */
  setRoleStatus(key: ObjectKey, status: NonNullable<PrivilegedRole['status']>): void {
    this.statuses.set(key, status);
    const obj = this.roles.get(key);
    if (obj) this.roles.set(key, { ...obj, status });
  }

  /** Records a provider's status. */
  setProviderStatus(key: ObjectKey, status: NonNullable<IdentityProvider['status']>): void {
    this.providerStatuses.set(key, status);
    const obj = this.providers.get(key);
    if (obj) this.providers.set(key, { ...obj, status });
  }
}

/** Whether a PrivilegedRole as read from a file asks for a reset when it is deleted. */
function resetOnDelete(obj: PrivilegedRole | IdentityProvider): boolean {
  return (
    (obj.spec as { deletionPolicy?: unknown } | undefined)?.deletionPolicy === 'ResetToDefault'
  );
}

function isRegularFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
