// Desired state from a directory of YAML (a git checkout). chokidar reports file changes; bursts (a git
// checkout touching many files) are debounced and only changed files are parsed again. A file that stops
// parsing keeps its last good objects, so a half-saved edit never makes rolegate forget a role.
import { readFile, stat } from 'node:fs/promises';
import { resolve, relative, extname } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Logger } from 'pino';
import {
  RESET_FINALIZER,
  type IdentityProvider,
  type PrivilegedRole,
} from '../api/v1alpha1/types.js';
import { objectKey, type ObjectKey } from '../api/keys.js';
import { parseManifestText, type ManifestIssue } from '../manifests/load.js';
import { MemoryStore } from './memory-store.js';
import type { Source, WatchedKind } from './types.js';
import type { FinalizerWriter } from '../status/types.js';

/** Options of a DirectorySource. */
export interface DirectorySourceOptions {
  /** Watch for changes (run) or read once (plan, apply). */
  watch: boolean;
  debounceMs?: number;
  /** Namespace given to PrivilegedRoles that name none, as kubectl would. */
  defaultNamespace?: string;
  log: Logger;
}

interface FileState {
  roles: ObjectKey[];
  providers: ObjectKey[];
  issues: ManifestIssue[];
}

const MANIFEST = new Set(['.yaml', '.yml', '.json']);

/** A DirectorySource reads PrivilegedRoles and IdentityProviders from files under one or more paths. */
export class DirectorySource implements Source, FinalizerWriter {
  readonly roles = new MemoryStore<PrivilegedRole>();
  readonly providers = new MemoryStore<IdentityProvider>();
  private readonly files = new Map<string, FileState>();
  private readonly where = new Map<ObjectKey, string>();
  private watcher: FSWatcher | undefined;
  private enqueue: (kind: WatchedKind, key: ObjectKey) => void = () => undefined;
  private readonly dirtyFiles = new Set<string>();
  private debounce: NodeJS.Timeout | undefined;
  private synced: Promise<void> | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    readonly paths: string[],
    private readonly options: DirectorySourceOptions,
  ) {}

  /** Problems found in the files, by file, for reports. */
  issues(): ManifestIssue[] {
    return [...this.files.values()].flatMap((f) => f.issues);
  }

  /** The file (and line) an object came from, for reports. */
  origin(kind: WatchedKind, key: ObjectKey): string | undefined {
    return this.where.get(`${kind}/${key}`);
  }

  async start(
    enqueue: (kind: WatchedKind, key: ObjectKey) => void,
    _signal: AbortSignal,
  ): Promise<void> {
    this.enqueue = enqueue;
    const abs = this.paths.map((p) => resolve(p));
    for (const p of abs) {
      // chokidar watches a missing path silently; a typo must not look like "no roles"
      await stat(p).catch(() => {
        throw new Error(`${p} does not exist`);
      });
    }
    this.synced = new Promise<void>((resolveSync, rejectSync) => {
      const w = watch(abs, {
        persistent: this.options.watch,
        ignoreInitial: false,
        ignored: (path: string, stats?: { isFile(): boolean }) =>
          /(^|[/\\])(\.[^/\\.]|node_modules)/.test(relative(process.cwd(), path)) ||
          (stats?.isFile() === true && !MANIFEST.has(extname(path))),
        awaitWriteFinish: this.options.watch ? { stabilityThreshold: 50, pollInterval: 20 } : false,
      });
      this.watcher = w;
      const touch = (file: string): void => {
        if (!MANIFEST.has(extname(file))) return;
        this.dirtyFiles.add(file);
        if (this.synced && this.ready) this.schedule();
      };
      w.on('add', touch)
        .on('change', touch)
        .on('unlink', touch)
        .on('error', (err) =>
          this.options.log.error({ err: String(err) }, 'watching manifests failed'),
        )
        .on('ready', () => {
          this.ready = true;
          this.flushing = this.flush();
          this.flushing.then(resolveSync, rejectSync);
        });
    });
    if (!this.options.watch) {
      await this.synced;
      await this.watcher?.close();
      this.watcher = undefined;
    }
  }

  private ready = false;

  async waitForSync(): Promise<void> {
    await this.synced;
  }

  async stop(): Promise<void> {
    if (this.debounce) clearTimeout(this.debounce);
    await this.watcher?.close();
    this.watcher = undefined;
    await this.flushing;
  }

  private schedule(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      this.flushing = this.flushing.then(() => this.flush());
    }, this.options.debounceMs ?? 200);
  }

  /** Parses every dirty file and updates the stores, enqueueing what changed. */
  private async flush(): Promise<void> {
    const files = [...this.dirtyFiles].sort();
    this.dirtyFiles.clear();
    for (const file of files) await this.load(file);
  }

  private async load(file: string): Promise<void> {
    const rel = relative(process.cwd(), file) || file;
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      text = undefined; // deleted
    }
    const prev = this.files.get(file) ?? { roles: [], providers: [], issues: [] };
    if (text === undefined) {
      this.files.delete(file);
      this.replace(prev, new Map(), new Map());
      this.options.log.info({ file: rel }, 'manifest file removed');
      return;
    }
    const parsed = parseManifestText(rel, text);
    const broken = parsed.issues.some(
      (i) => i.severity === 'error' && i.rule.startsWith('yaml.syntax'),
    );
    for (const i of parsed.issues) {
      this.options.log[i.severity === 'error' ? 'error' : 'warn'](
        { file: i.file, line: i.line, col: i.col, rule: i.rule, pointer: i.pointer },
        `${i.file}:${i.line}:${i.col}: ${i.message}`,
      );
    }
    if (broken && (prev.roles.length > 0 || prev.providers.length > 0)) {
      this.options.log.warn(
        { file: rel },
        'keeping the last good objects of a file that does not parse',
      );
      this.files.set(file, { ...prev, issues: parsed.issues });
      return;
    }
    const roles = new Map<ObjectKey, PrivilegedRole>();
    for (const r of parsed.roles) {
      const obj: PrivilegedRole = {
        ...r.object,
        metadata: {
          ...r.object.metadata,
          namespace: r.object.metadata.namespace ?? this.options.defaultNamespace ?? 'default',
        },
      };
      const key = objectKey(obj.metadata);
      roles.set(key, obj);
      this.where.set(`PrivilegedRole/${key}`, `${r.file}:${r.line}:${r.col}`);
    }
    const providers = new Map<ObjectKey, IdentityProvider>();
    for (const p of parsed.providers) {
      const key = objectKey({ name: p.object.metadata.name });
      providers.set(key, p.object);
      this.where.set(`IdentityProvider/${key}`, `${p.file}:${p.line}:${p.col}`);
    }
    const next: FileState = {
      roles: [...roles.keys()],
      providers: [...providers.keys()],
      issues: parsed.issues,
    };
    this.files.set(file, next);
    this.replace(prev, roles, providers);
  }

  private replace(
    prev: FileState,
    roles: Map<ObjectKey, PrivilegedRole>,
    providers: Map<ObjectKey, IdentityProvider>,
  ): void {
    this.sync('PrivilegedRole', this.roles, this.statuses, prev.roles, roles);
    this.sync('IdentityProvider', this.providers, this.providerStatuses, prev.providers, providers);
  }

  /**
   * Replaces one file's objects of one kind in a store: removed keys are deleted (with their status), the rest
   * set with the status rolegate recorded and a generation that moves only when the spec changed.
   */
  private sync<T extends PrivilegedRole | IdentityProvider>(
    kind: WatchedKind,
    store: MemoryStore<T>,
    statuses: Map<ObjectKey, NonNullable<T['status']>>,
    before: readonly ObjectKey[],
    now: Map<ObjectKey, T>,
  ): void {
    for (const key of before) {
      if (now.has(key)) continue;
      const old = store.get(key);
      if (old?.metadata.finalizers?.includes(RESET_FINALIZER)) {
        // Like the API server with a finalizer: the object stays, marked deleted, until the reconciler has
        // reset the role and calls setFinalizer(role, false).
        store.set(key, {
          ...old,
          metadata: { ...old.metadata, deletionTimestamp: new Date().toISOString() },
        });
      } else {
        store.delete(key);
        statuses.delete(key);
      }
      this.enqueue(kind, key);
    }
    for (const [key, obj] of now) {
      const old = store.get(key);
      const generation = old?.metadata.generation ?? 0;
      const changed = !old || JSON.stringify(old.spec) !== JSON.stringify(obj.spec);
      const merged = {
        ...obj,
        metadata: { ...obj.metadata, generation: changed ? generation + 1 : generation },
      };
      // A file holds no finalizers: the source adds rolegate's where the controller would have.
      if (kind === 'PrivilegedRole' && resetOnDelete(obj))
        merged.metadata.finalizers = [RESET_FINALIZER];
      const status = statuses.get(key);
      if (status) merged.status = status;
      store.set(key, merged);
      this.enqueue(kind, key);
    }
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
