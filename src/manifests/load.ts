// Reads PrivilegedRole and IdentityProvider manifests from files and directories. Bad input gets a clear
// error and loses nothing: a broken document is reported at its file:line:col and the other documents and
// files still load; an invalid object is still returned (with its problems) so the controller can report it
// as a condition instead of dropping it; every problem is mapped back from its JSON pointer to a position.
import { closeSync, openSync, statSync, type Stats } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import type { Node, Scalar } from 'yaml';
import type { IdentityProvider, PrivilegedRole } from '../api/v1alpha1/types.js';
import { validateObject } from '../api/validate.js';
import { escapePointerToken } from '../api/validation/pointer.js';
import { isKind, type Kind } from '../api/validation/problem.js';
import { didYouMean, sentence } from '../api/validation/wording.js';
import { PROVIDERS } from '../providers/registry.js';
import { claimKey, claimRefOf, duplicateClaims } from '../reconcile/claims.js';
import { offlineRoleIds } from '../providers/offline-role-ids.js';
import { pointerOffset } from './find-node.js';
import { parseManifestFast } from './fast-path.js';
import { CROSS_POINTERS, locate, locatorOf, makeLocator, setLocator } from './locators.js';
import { foreignFinding, isOurs } from './ours.js';
import { BOOL_11, locateProblems, type TrapScalar } from './locate.js';
import { parseFiles, type ParallelOptions } from './parallel.js';
import { readUpTo } from './read-text.js';
import { encodingFinding } from './encoding.js';
import { parseLargeFile, STREAM_MIN_BYTES } from './large-file.js';
import { sortIssues } from './sort-issues.js';
import { emptyTree, specialFileProblem, specialKind, walkTree } from './tree-walk.js';
import type { LoadedObject, LoadResult, ManifestIssue, ParsedFile } from './types.js';
import { yamlLib } from './yaml-lib.js';
import { roleTarget } from '../api/role-target.js';
import { repeatedGroups } from '../api/repeated-groups.js';

export { findNode, pointerOffset, pointerPosition, type FoundNode } from './find-node.js';
export { sortIssues } from './sort-issues.js';
export type { LoadedObject, LoadResult, ManifestIssue, ParsedFile } from './types.js';

/**
 * A path given to loadManifests does not exist (or cannot be read at all). Thrown rather than reported as an
 * issue: a typo in a CI path must not pass as "0 files, 0 objects" (the CLI maps it to exit code 2).
 */
export class ManifestPathError extends Error {
  override readonly name = 'ManifestPathError';
  constructor(
    /** The path as given. */
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export { MANIFEST_EXTENSIONS } from './tree-walk.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The first line of a yaml error message, without the " at line L, column C" that file:line:col repeats. */
function shortYamlMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, '').replace(/:$/, '');
}

/** Collects the plain scalars under `node` that read differently in YAML 1.1, with their pointers. */
function collectTraps(node: unknown, pointer: string, out: TrapScalar[]): void {
  const { isMap, isPair, isScalar, isSeq } = yamlLib();
  const trap = (n: unknown): n is Scalar =>
    isScalar(n) &&
    n.type === 'PLAIN' &&
    n.tag === undefined &&
    typeof n.value === 'string' &&
    BOOL_11.test(n.value);
  const push = (p: string, n: Scalar, isKey: boolean): void => {
    out.push({ pointer: p, word: String(n.value), offset: n.range?.[0] ?? 0, isKey });
  };
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyText = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (keyText === undefined) continue;
      const p = `${pointer}/${escapePointerToken(keyText)}`;
      if (trap(pair.key)) push(p, pair.key, true);
      if (trap(pair.value)) push(p, pair.value, false);
      else collectTraps(pair.value, p, out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const p = `${pointer}/${i}`;
      if (trap(item)) push(p, item, false);
      else collectTraps(item, p, out);
    });
  }
}

/**
 * Parses the text of one manifest file: every YAML document (and every item of a `List`), keeping the
 * rolegate objects and ignoring other kinds. Single-object checks only; cross-object checks (duplicates,
 * provider references) are done by crossCheck over a whole set.
 *
 * Most files are plain YAML: those take a fast path (parseManifestFast) that builds no YAML document model
 * and maps pointers to lines only for findings. A file outside the fast parser's subset (flow style, block
 * scalars, anchors, a syntax error, a List...) is parsed by parseManifestFull. Both locate findings with the
 * same code and report the same (test/unit/manifests/fast-path.test.ts).
 */
export function parseManifestText(file: string, text: string): ParsedFile {
  const body = text.startsWith('\ufeff') ? text.slice(1) : text;
  return parseManifestFast(file, body) ?? parseManifestFull(file, body);
}

/**
 * parseManifestText without the fast path: the `yaml` parser with positions for every node. Exported for
 * the tests that compare both paths.
 */
export function parseManifestFull(file: string, text: string): ParsedFile {
  const { isMap, isSeq, LineCounter, parseAllDocuments } = yamlLib();
  const out: ParsedFile = { roles: [], providers: [], issues: [] };
  const lc = new LineCounter();
  // merge: kubectl (go-yaml v2) honours `<<` merge keys, so rolegate does too. uniqueKeys and strict stay on.
  const docs = parseAllDocuments(text.startsWith('\ufeff') ? text.slice(1) : text, {
    lineCounter: lc,
    merge: true,
    prettyErrors: true,
    uniqueKeys: true,
    strict: true,
  });
  out.documents = docs.length;
  const addForeign = (data: unknown, offset: number, pointer: string): void => {
    const f = foreignFinding(file, data, lc.linePos(offset), pointer);
    if (f) (out.foreign ??= []).push(f);
  };
  let docIndex = -1;
  for (const doc of docs) {
    docIndex++;
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const pos = e.linePos?.[0] ?? lc.linePos(e.pos[0]);
        out.issues.push({
          file,
          line: pos.line,
          col: pos.col,
          pointer: '',
          rule: e.code === 'DUPLICATE_KEY' ? 'yaml.syntax.duplicate-key' : 'yaml.syntax',
          severity: 'error',
          message:
            e.code === 'DUPLICATE_KEY'
              ? 'duplicate key: a mapping has this key twice (kubectl would keep only the last one); remove one. The document is skipped'
              : `YAML syntax error: ${shortYamlMessage(e.message)}. The document is skipped`,
        });
      }
      // A document with errors is ambiguous (toJS() would still return data, last duplicate winning), and
      // acting on a guess could weaken a role: skip it, the other documents still load.
      continue;
    }
    for (const w of doc.warnings) {
      const pos = w.linePos?.[0] ?? lc.linePos(w.pos[0]);
      out.issues.push({
        file,
        line: pos.line,
        col: pos.col,
        pointer: '',
        rule: 'yaml.warning',
        severity: 'warning',
        message: shortYamlMessage(w.message),
      });
    }
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      const pos = lc.linePos(doc.contents?.range[0] ?? 0);
      out.issues.push({
        file,
        line: pos.line,
        col: pos.col,
        pointer: '',
        rule: 'yaml.syntax',
        severity: 'error',
        message: `cannot read the document: ${err instanceof Error ? err.message : String(err)}. The document is skipped`,
      });
      continue;
    }
    if (!isObject(data) || !doc.contents) {
      if (doc.contents) addForeign(data, doc.contents.range?.[0] ?? 0, '');
      continue;
    }
    const candidates: { obj: Json; prefix: string; node: Node }[] = [];
    const kind = data['kind'];
    if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(data['items'])) {
      const itemsNode = isMap(doc.contents) ? doc.contents.get('items', true) : undefined;
      (data['items'] as unknown[]).forEach((item, i) => {
        const node = isSeq(itemsNode) ? (itemsNode.items[i] as Node | undefined) : undefined;
        if (isObject(item) && node) candidates.push({ obj: item, prefix: `/items/${i}`, node });
        else if (node) addForeign(item, node.range?.[0] ?? 0, `/items/${i}`);
      });
    } else {
      candidates.push({ obj: data, prefix: '', node: doc.contents });
    }
    for (const c of candidates) {
      if (!isOurs(c.obj)) {
        addForeign(c.obj, c.node.range?.[0] ?? 0, c.prefix);
        continue;
      }
      const traps: TrapScalar[] = [];
      collectTraps(c.node, '', traps);
      const node = c.node;
      const issues = locateProblems(
        file,
        {
          linePos: lc.linePos,
          offsetOf: (pointer, prefer) => pointerOffset(node, pointer, prefer),
          traps,
        },
        c.prefix,
        validateObject(c.obj, PROVIDERS.descriptors),
      );
      for (const i of issues) out.issues.push(i);
      const meta = c.obj['metadata'];
      const name = isObject(meta) ? meta['name'] : undefined;
      const objKind = c.obj['kind'];
      if (!isKind(objKind) || typeof name !== 'string' || name === '') continue;
      const pos = lc.linePos(c.node.range?.[0] ?? 0);
      const loaded: LoadedObject<unknown> = {
        file,
        line: pos.line,
        col: pos.col,
        docIndex,
        object: c.obj,
        issues,
      };
      setLocator(
        loaded,
        makeLocator(
          c.prefix,
          pos,
          CROSS_POINTERS.map((p) => lc.linePos(pointerOffset(c.node, p))),
        ),
      );
      if (objKind === 'PrivilegedRole') out.roles.push(loaded as LoadedObject<PrivilegedRole>);
      else out.providers.push(loaded as LoadedObject<IdentityProvider>);
    }
  }
  sortIssues(out.issues);
  for (const i of out.issues) i.message = sentence(i.message);
  return out;
}

/**
 * Parses the bytes of one manifest file: a file that is not UTF-8 text gives an `encoding.*` finding (UTF-16
 * and binary files nothing else), then the text is parsed by parseManifestText.
 */
export function parseManifestBytes(file: string, bytes: Buffer): ParsedFile {
  const enc = encodingFinding(file, bytes);
  if (enc && !enc.readable) return { roles: [], providers: [], issues: [enc.issue] };
  const parsed = parseManifestText(file, bytes.toString('utf8'));
  if (enc) {
    parsed.issues.push(enc.issue);
    sortIssues(parsed.issues);
  }
  return parsed;
}

/**
 * Reads and parses one file. Never throws: a file that cannot be read (or parsed) gives one `io.read` issue.
 * `shown` is the path as reported in issues. A file of STREAM_MIN_BYTES or more is read and parsed one
 * document at a time (large-file.ts).
 */
export function parseManifestFile(abs: string, shown: string): ParsedFile {
  let fd: number | undefined;
  try {
    fd = openSync(abs, 'r');
    const head = readUpTo(fd, STREAM_MIN_BYTES);
    return head.complete
      ? parseManifestBytes(shown, head.bytes)
      : parseLargeFile(fd, shown, head.bytes, parseManifestText);
  } catch (err) {
    const issue: ManifestIssue = {
      file: shown,
      line: 0,
      col: 0,
      pointer: '',
      rule: 'io.read',
      severity: 'error',
      message: `cannot read ${shown}: ${(err as Error).message}`,
    };
    return { roles: [], providers: [], issues: [issue] };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Options of crossCheck and loadManifests. */
export interface LoadOptions extends ParallelOptions {
  /** Report an unknown providerRef as an error instead of a warning. */
  strict?: boolean;
  /** Manifests that are no file (standard input), each under the name its findings show. */
  texts?: readonly { file: string; text: string }[];
}

function located(
  o: LoadedObject<unknown>,
  pointer: string,
  rule: string,
  severity: 'error' | 'warning',
  message: string,
): ManifestIssue {
  const loc = locatorOf(o);
  const pos = loc ? locate(loc, pointer) : { line: o.line, col: o.col };
  return {
    file: o.file,
    line: pos.line,
    col: pos.col,
    pointer: (loc?.prefix ?? '') + pointer,
    rule,
    severity,
    message,
  };
}

const describeObject = (
  kind: Kind,
  meta: { name: string; namespace?: string | undefined },
): string => `${kind} ${meta.namespace ? `${meta.namespace}/` : ''}${meta.name}`;

/**
 * Checks across a set of objects: duplicate objects (kind, namespace, name), duplicate claims (two
 * PrivilegedRoles on the same provider + role + scope, reported on both, each naming the other) and
 * providerRefs that name no IdentityProvider of the set. Appends to each object's `issues` and returns all
 * new issues.
 */
export function crossCheck(
  roles: readonly LoadedObject<PrivilegedRole>[],
  providers: readonly LoadedObject<IdentityProvider>[],
  opts: LoadOptions = {},
): ManifestIssue[] {
  const all: ManifestIssue[] = [];
  const add = (o: LoadedObject<unknown>, issue: ManifestIssue): void => {
    o.issues.push(issue);
    all.push(issue);
  };
  const where = (o: LoadedObject<unknown>): string => `${o.file}:${o.line}:${o.col}`;

  // Same identity: the API server would keep only the last applied.
  type Any = LoadedObject<PrivilegedRole | IdentityProvider>;
  const identity = (o: Any): string => {
    const m = o.object.metadata;
    // kubectl puts an object without a namespace into the current one, and rolegate's directory mode into
    // "default": the same place for two such objects either way.
    return o.object.kind === 'PrivilegedRole'
      ? `PrivilegedRole/${m.namespace ?? 'default'}/${m.name}`
      : `IdentityProvider/${m.name}`;
  };
  function* everyObject(): Generator<Any> {
    yield* roles;
    yield* providers;
  }
  for (const list of repeatedGroups(everyObject(), identity)) {
    for (const o of list) {
      const others = listSome(list, (x) => (x === o ? undefined : where(x)), list.length - 1);
      add(
        o,
        located(
          o,
          '/metadata/name',
          'semantic.duplicate-object',
          'error',
          `${describeObject(o.object.kind, o.object.metadata)} is also defined at ${others}; the last one applied would replace the others`,
        ),
      );
    }
  }

  // Same claim: two objects would fight over one role; the controller enforces only the owner (the oldest). Each
  // message names one other claimant, so that the output grows with the claims, not with their square.
  const resolve = offlineRoleIds(
    new Map(providers.map((p) => [p.object.metadata.name, p.object.spec] as const)),
  );
  // Generated one by one rather than listed: only duplicateClaims' index holds them.
  function* claims(): Generator<{
    claim: string;
    claimant: { key: string; createdAt?: string | undefined; o: Role };
  }> {
    for (const o of roles) {
      const ref = claimRefOf(o.object);
      const claim = ref && claimKey(ref, resolve);
      if (claim === undefined) continue;
      const m = o.object.metadata;
      yield { claim, claimant: { key: identity(o), createdAt: m.creationTimestamp, o } };
    }
  }
  for (const group of duplicateClaims(claims())) {
    const owner = group[0]!.o;
    const others = group.filter((c) => identity(c.o) !== identity(owner));
    if (others.length === 0) continue; // the same object twice is a duplicate-object problem
    const claimed = (o: Role): string => {
      const spec = o.object.spec;
      const { ref, scope } = roleTarget(spec);
      const role = ref.id ?? `"${ref.displayName ?? ''}"`;
      const what = spec.group ? `the ${spec.group.access} access of group ${role}` : `role ${role}`;
      return `${describeObject('PrivilegedRole', o.object.metadata)} claims ${what}${ref.clientId ? ` of client ${ref.clientId}` : ''}${spec.group ? '' : ` at scope ${scope}`} of IdentityProvider ${spec.providerRef.name}`;
    };
    const named = (o: Role): string =>
      `${describeObject('PrivilegedRole', o.object.metadata)} (${where(o)})`;
    const first = others[0]!.o;
    const more = others.length > 1 ? ` and ${others.length - 1} more` : '';
    const issue = (o: Role, message: string): void =>
      add(
        o,
        located(
          o,
          o.object.spec.group ? '/spec/group' : '/spec/role',
          'semantic.duplicate-claim',
          'error',
          message,
        ),
      );
    issue(
      owner,
      `${claimed(owner)}, as does ${named(first)}${more}; only the oldest claim (creation time, then name) is enforced, remove the others`,
    );
    for (const c of others)
      issue(
        c.o,
        `${claimed(c.o)}, as does ${named(owner)}, which is enforced instead (the oldest claim, by creation time then name); remove one`,
      );
  }

  // References: a typo in providerRef leaves the role unmanaged. A provider defined elsewhere (only in the
  // cluster) is legitimate, hence a warning unless strict.
  const names = new Set(providers.map((p) => p.object.metadata.name));
  let known: string | undefined;
  // Per distinct name, not per role: many roles share one mistyped providerRef.
  const hints = new Map<string, string | undefined>();
  for (const o of roles) {
    const ref = (o.object.spec as Partial<PrivilegedRole['spec']> | undefined)?.providerRef?.name;
    if (typeof ref !== 'string' || names.has(ref)) continue;
    let hint = hints.get(ref);
    if (!hints.has(ref)) {
      // Each hint compares the name with every provider's: with thousands of both, no hint.
      hint = names.size <= MAX_HINT_CANDIDATES ? didYouMean(ref, [...names]) : undefined;
      hints.set(ref, hint);
    }
    if (hint === undefined && names.size > 0) {
      known ??= listSome([...names].sort(), (n) => n, names.size);
    }
    add(
      o,
      located(
        o,
        '/spec/providerRef/name',
        'semantic.provider-ref',
        opts.strict ? 'error' : 'warning',
        `No IdentityProvider named ${ref} (spec.providerRef.name) in the given paths${hint ? ` (did you mean ${hint}?)` : known !== undefined ? ` (known: ${known})` : ''}; pass the files that define it, unless it exists only in the cluster`,
      ),
    );
  }
  // Fields the role's provider has no use for: known only once providerRef is resolved to a kind.
  const byName = new Map(providers.map((p) => [p.object.metadata.name, p.object] as const));
  for (const o of roles) {
    const spec = o.object.spec as Partial<PrivilegedRole['spec']> | undefined;
    const ref = spec?.providerRef?.name;
    const idp = typeof ref === 'string' ? byName.get(ref) : undefined;
    const check = idp && PROVIDERS.forSpec(idp.spec)?.descriptor.validateRoleSpec;
    if (!check || !spec) continue;
    for (const p of check(spec as Record<string, unknown>, idp.metadata.name)) {
      add(o, located(o, p.pointer, p.rule, p.severity, sentence(p.message)));
    }
  }
  return all;
}

type Role = LoadedObject<PrivilegedRole>;

/** The path to show for a file: relative to the working directory, with forward slashes. */
function displayPath(abs: string, cwd: string): string {
  const rel = relative(cwd, abs) || abs;
  return sep === '/' ? rel : rel.split(sep).join('/');
}

/**
 * The path to show for `full`, the entry `name` of a directory shown as `dirShown` (`''` for cwd itself): what
 * displayPath(full, cwd) returns for a file, without path.relative for each of tens of thousands of files.
 * A directory on the way to cwd is the exception, where the relative path goes back down (`..` then `.`).
 */
export function childPath(cwd: string, full: string, dirShown: string, name: string): string {
  if (full === cwd) return '';
  // cwd.startsWith(full + sep), without building that string for every file.
  if (cwd.length > full.length && cwd.startsWith(sep, full.length) && cwd.startsWith(full)) {
    return displayPath(full, cwd);
  }
  return dirShown === '' ? name : `${dirShown}/${name}`;
}

/**
 * How many places or names a message lists at most: a message naming every one of thousands of others would
 * make the output grow with the square of the input.
 */
export const MAX_LISTED = 10;

/**
 * `a, b, c`: the texts `show` gives for the first MAX_LISTED items it does not skip (undefined), then
 * `and N more` when `total` (how many it would give in all) is larger.
 */
function listSome<T>(
  items: readonly T[],
  show: (item: T) => string | undefined,
  total: number,
): string {
  const shown: string[] = [];
  for (const item of items) {
    if (shown.length === MAX_LISTED) break;
    const text = show(item);
    if (text !== undefined) shown.push(text);
  }
  const rest = total - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(', ');
}

/** The most IdentityProviders a mistyped providerRef is compared with for a "did you mean". */
const MAX_HINT_CANDIDATES = 1000;

/**
 * Loads every manifest under `paths` (files, or directories searched recursively for .yaml, .yml and .json).
 * A path that does not exist throws ManifestPathError before anything is read. Otherwise bad input never
 * throws: an unreadable file (`io.read`), a broken document or an invalid object is an issue, and everything
 * else still loads.
 */
export async function loadManifests(paths: string[], opts: LoadOptions = {}): Promise<LoadResult> {
  const issues: ManifestIssue[] = [];
  const result: LoadResult = { roles: [], providers: [], issues, files: [] };
  // The list of files (absolute and shown paths) is dropped once they are parsed: it is as large as the loaded
  // objects' own bookkeeping, and the cross-file checks below are where a run's memory peaks.
  await parseFiles(
    filesToRead(paths, issues, result.files),
    parseManifestFile,
    (p) => {
      for (const o of p.roles) result.roles.push(o);
      for (const o of p.providers) result.providers.push(o);
      for (const i of p.issues) result.issues.push(i);
      if (opts.strict && p.foreign) for (const i of p.foreign) result.issues.push(i);
    },
    opts,
  );
  for (const t of opts.texts ?? []) {
    const p = parseManifestText(t.file, t.text);
    for (const o of p.roles) result.roles.push(o);
    for (const o of p.providers) result.providers.push(o);
    for (const i of p.issues) result.issues.push(i);
    result.files.unshift(t.file);
  }
  // One by one: a spread into push passes every element as an argument, on the stack.
  for (const i of crossCheck(result.roles, result.providers, opts)) result.issues.push(i);
  sortIssues(result.issues);
  // The issue objects are shared with each object's `issues`, so one pass covers both lists.
  for (const i of result.issues) i.message = sentence(i.message);
  for (const o of result.roles) sortIssues(o.issues);
  for (const o of result.providers) sortIssues(o.issues);
  return result;
}

/**
 * The files under `paths`, sorted by the path shown for them, which are also appended to `shown`. Problems of
 * the walk go to `issues`; a path that does not exist throws ManifestPathError.
 */
function filesToRead(
  paths: readonly string[],
  issues: ManifestIssue[],
  shown: string[],
): { abs: string; shown: string }[] {
  const cwd = process.cwd();
  /** Absolute path → path shown in issues. */
  const files = new Map<string, string>();
  // One tree for all paths: a directory or file reached through two paths (or a loop of links) is read once.
  const tree = emptyTree();
  for (const p of paths) {
    const abs = resolve(cwd, p);
    let s: Stats | NodeJS.ErrnoException;
    try {
      s = statSync(abs);
    } catch (err) {
      s = err as NodeJS.ErrnoException;
    }
    if (s instanceof Error) {
      throw new ManifestPathError(
        p,
        s.code === 'ENOENT' ? `Path ${p} does not exist` : `Cannot read ${p}: ${s.message}`,
        { cause: s },
      );
    }
    if (s.isDirectory()) {
      const before = tree.files.length;
      let walked = true;
      // Inside cwd itself, files are shown as their names.
      const shownDir = abs === cwd ? '' : displayPath(abs, cwd);
      try {
        walked = walkTree(abs, shownDir, tree, (full, dirShown, name) =>
          childPath(cwd, full, dirShown, name),
        );
      } catch (err) {
        issues.push({
          file: p,
          line: 0,
          col: 0,
          pointer: '',
          rule: 'io.read',
          severity: 'error',
          message: `cannot read directory ${p}: ${(err as Error).message}`,
        });
      }
      if (walked && tree.files.length === before) {
        issues.push({
          file: p,
          line: 0,
          col: 0,
          pointer: '',
          rule: 'io.no-files',
          severity: 'warning',
          message: `no .yaml, .yml or .json files under ${p}`,
        });
      }
    } else if (!s.isFile()) {
      issues.push(specialFileProblem(p, specialKind(s) ?? 'another kind of file'));
    } else {
      files.set(abs, displayPath(abs, cwd));
    }
  }
  for (const f of tree.files) files.set(f.abs, f.shown);
  for (const p of tree.problems) issues.push(p);
  const sorted = [...files]
    .map(([abs, shown]) => ({ abs, shown }))
    .sort((a, b) => (a.shown < b.shown ? -1 : a.shown > b.shown ? 1 : 0));
  for (const f of sorted) shown.push(f.shown);
  return sorted;
}
