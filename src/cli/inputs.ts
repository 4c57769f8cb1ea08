// The paths a command is given, as a shell user means them: `-` is standard input (`kustomize build |
// rolegate validate -`), and a quoted glob (`'manifests/**/*.yaml'`, as CI systems pass them without a shell)
// is expanded here as bash would with globstar: `*`, `?` and `[…]` within one path segment, `**` for any
// number of directories, no match for a leading dot unless the pattern has one. A path that exists is taken
// as it is, even with glob characters in its name.
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, sep } from 'node:path';

/** The argument that means standard input. */
export const STDIN_ARG = '-';
export { STDIN_LABEL } from '../manifests/types.js';

/** The help of the paths argument of the one-shot commands (manifestInputs). */
export const FILE_PATHS_HELP =
  "files or directories of manifests (searched recursively), quoted globs ('manifests/**/*.yaml'), or - for standard input";

/** A glob that matches nothing, or a second `-`. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    /** The argument as given. */
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** What a command's path arguments resolve to. */
export interface Inputs {
  /** Files and directories, globs expanded, in argument order. */
  paths: string[];
  /** Whether `-` was given. */
  stdin: boolean;
}

const GLOB = /[*?[]/;

/** Whether an argument is a glob pattern (has `*`, `?` or `[` outside a backslash escape). */
export function isGlob(arg: string): boolean {
  return GLOB.test(arg.replace(/\\./g, ''));
}

function exists(path: string): boolean {
  // statSync without throwing: a missing path is an answer here, not an error
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Expands the path arguments: `-` is noted (once at most), a glob is replaced by its matches (sorted), and
 * anything else is kept for the loader to read or report. Throws InputError on a glob without matches.
 */
export function resolveInputs(args: readonly string[], cwd = process.cwd()): Inputs {
  const paths: string[] = [];
  let stdin = false;
  for (const arg of args) {
    if (arg === STDIN_ARG) {
      if (stdin) throw new InputError(arg, 'standard input (-) can be given only once');
      stdin = true;
    } else if (isGlob(arg) && !exists(join(cwd, arg))) {
      const matches = expandGlob(arg, cwd);
      if (matches.length === 0) throw new InputError(arg, `No file matches ${arg}`);
      paths.push(...matches);
    } else {
      paths.push(arg);
    }
  }
  return { paths, stdin };
}

/** Reads all of standard input as bytes (the manifest reader checks the encoding, as it does for files). */
export async function readStdinBytes(
  stream: NodeJS.ReadableStream = process.stdin,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks);
}

/** Reads all of standard input as UTF-8. */
export async function readStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  return (await readStdinBytes(stream)).toString('utf8');
}

/** The regular expression of one path segment of a glob. */
export function segmentRegExp(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '\\' && i + 1 < segment.length) {
      re += escapeRe(segment[++i]!);
    } else if (c === '*') {
      re += '[^/]*';
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '[') {
      const end = segment.indexOf(']', i + 2);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let body = segment.slice(i + 1, end);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      re += `[${negate ? '^' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`;
      i = end;
    } else {
      re += escapeRe(c);
    }
  }
  // As bash does: `*` or `?` at the start of a segment does not match a leading dot.
  return new RegExp(`^${segment.startsWith('.') ? '' : '(?!\\.)'}${re}$`);
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function entries(dir: string): { name: string; dir: boolean }[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).map((e) => {
      let isDir = e.isDirectory();
      if (e.isSymbolicLink()) {
        try {
          isDir = statSync(join(dir, e.name)).isDirectory();
        } catch {
          isDir = false;
        }
      }
      return { name: e.name, dir: isDir };
    });
  } catch {
    return [];
  }
}

/** `dir` and every directory below it that is not hidden, for `**`. */
function subdirectories(base: string, rel: string, out: string[], depth = 0): void {
  out.push(rel);
  if (depth > 64) return;
  for (const e of entries(join(base, rel))) {
    if (e.dir && !e.name.startsWith('.'))
      subdirectories(base, rel ? `${rel}/${e.name}` : e.name, out, depth + 1);
  }
}

/** The paths matching a glob, relative to `cwd` unless the pattern is absolute, sorted and unique. */
export function expandGlob(pattern: string, cwd = process.cwd()): string[] {
  const normalized = sep === '\\' ? pattern.replace(/\\(?![*?[\]])/g, '/') : pattern;
  const absolute = isAbsolute(normalized);
  const base = absolute ? '/' : cwd;
  const segments = normalized.split('/').filter((s, i) => s !== '' || i === 0);
  if (absolute && segments[0] === '') segments.shift();
  // Each candidate is a path relative to `base`, '' for base itself.
  let current = [''];
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    const next: string[] = [];
    for (const dir of current) {
      if (segment === '**') {
        subdirectories(base, dir, next);
      } else if (!isGlob(segment)) {
        const literal = segment.replace(/\\(.)/g, '$1');
        const p = dir ? `${dir}/${literal}` : literal;
        if (exists(join(base, p))) next.push(p);
      } else {
        const re = segmentRegExp(segment);
        for (const e of entries(join(base, dir))) {
          if ((last || e.dir) && re.test(e.name)) next.push(dir ? `${dir}/${e.name}` : e.name);
        }
      }
    }
    current = next;
  });
  const shown = current.filter((p) => p !== '').map((p) => (absolute ? `/${p}` : p));
  return [...new Set(shown)].sort();
}

/** The manifests a one-shot command (plan, apply, export, alerts) reads: files, and standard input if `-`. */
export interface ManifestInputs {
  paths: string[];
  /** What standard input held, when `-` was given (shown as `<stdin>`). */
  stdin?: Buffer;
}

/**
 * The inputs of a command that reads manifests once through the directory source (plan, apply, export,
 * alerts): globs expanded, paths checked, standard input read when `-` is given.
 */
export async function manifestInputs(
  args: readonly string[],
  stream: NodeJS.ReadableStream = process.stdin,
): Promise<ManifestInputs> {
  const { paths, stdin } = resolveInputs(args);
  for (const p of paths) {
    // The directory source would say so too, with an absolute path; say it as validate does.
    if (!exists(p)) throw new InputError(p, `Path ${p} does not exist`);
  }
  return stdin ? { paths, stdin: await readStdinBytes(stream) } : { paths };
}
