// Builds the container image's file tree the way the Dockerfile says, without a Docker engine: every stage gets
// a clean directory as its root file system, COPY takes exactly its sources from the build context (the
// repository filtered by .dockerignore) or from an earlier stage, RUN runs its command in the stage's WORKDIR.
// A file the runtime needs but no COPY names, or a RUN step that fails on a clean checkout, fails here.
// The final stage's tree alone then has to run the CLI. (The Node.js running it is this one, not the image's.)
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const context = process.cwd();
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

// ---- Dockerfile ------------------------------------------------------------------------------------------

interface Instruction {
  op: string;
  args: string;
  line: number;
}

/** Instructions of a Dockerfile: comments dropped, `\` continuations joined. */
function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let buf = '';
  let start = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!buf && (line === '' || line.startsWith('#'))) return;
    if (buf && line.startsWith('#')) return;
    if (!buf) start = i + 1;
    if (line.endsWith('\\')) {
      buf += `${line.slice(0, -1)} `;
      return;
    }
    buf += line;
    const m = /^(\S+)\s*(.*)$/s.exec(buf)!;
    out.push({ op: m[1]!.toUpperCase(), args: m[2]!.trim(), line: start });
    buf = '';
  });
  return out;
}

/** Exec form (["a", "b"]) or shell form. */
function execForm(args: string): string[] | undefined {
  return args.startsWith('[') ? (JSON.parse(args) as string[]) : undefined;
}

/** Splits a shell-ish word list, honouring double and single quotes. */
function words(s: string): string[] {
  return [...s.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

function expand(s: string, vars: Record<string, string>): string {
  return s.replace(
    /\$\{(\w+)\}|\$(\w+)/g,
    (_, a: string | undefined, b: string | undefined) => vars[(a ?? b)!] ?? '',
  );
}

// ---- .dockerignore (moby patternmatcher semantics: last matching pattern wins, parents count) -------------

interface IgnoreRule {
  re: RegExp;
  exclude: boolean;
}

function ignoreRules(text: string): IgnoreRule[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const exclude = !l.startsWith('!');
      const pattern = posix
        .normalize((exclude ? l : l.slice(1)).replace(/^\/+/, ''))
        .replace(/\/+$/, '');
      let re = '';
      for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i]!;
        if (c === '*' && pattern[i + 1] === '*') {
          re += pattern[i + 2] === '/' ? '(?:.*/)?' : '.*';
          i += pattern[i + 2] === '/' ? 2 : 1;
        } else if (c === '*') re += '[^/]*';
        else if (c === '?') re += '[^/]';
        else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      }
      return { re: new RegExp(`^${re}$`), exclude };
    });
}

/** Whether a context-relative path is left out of the build context. */
function ignored(rules: IgnoreRule[], path: string): boolean {
  const parts = path.split('/');
  const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let out = false;
  for (const r of rules) if (prefixes.some((p) => r.re.test(p))) out = r.exclude;
  return out;
}

// ---- The build ---------------------------------------------------------------------------------------------

interface Stage {
  name: string;
  base: string;
  root: string;
  workdir: string;
  env: Record<string, string>;
  args: Record<string, string>;
  labels: Record<string, string>;
  user?: string;
  entrypoint?: string[];
  cmd?: string[];
  copied: string[];
  runs: { command: string; ms: number }[];
}

const work = mkdtempSync(join(tmpdir(), 'rolegate-image-'));
const rules = ignoreRules(existsSync('.dockerignore') ? readFileSync('.dockerignore', 'utf8') : '');
const stages: Stage[] = [];
const inStage = (s: Stage, p: string): string => join(s.root, posix.resolve(s.workdir, p));

/** Copies one COPY source into a stage, from the build context or from an earlier stage. */
function copy(
  stage: Stage,
  from: Stage | undefined,
  src: string,
  dest: string,
  intoDir: boolean,
): void {
  const source = from ? join(from.root, posix.resolve(from.workdir, src)) : join(context, src);
  if (/[*?[]/.test(src))
    throw new Error(`COPY ${src}: wildcards are not supported by this test; name the files`);
  const rel = from ? undefined : posix.normalize(src).replace(/^\.\/?|\/$/g, '');
  if (!existsSync(source) || (rel !== undefined && rel !== '' && ignored(rules, rel))) {
    throw new Error(
      `COPY ${from ? `--from=${from.name} ` : ''}${src}: not found in the ${from ? 'stage' : 'build context'}`,
    );
  }
  const target =
    statSync(source).isDirectory() || !intoDir
      ? inStage(stage, dest)
      : join(inStage(stage, dest), posix.basename(src));
  mkdirSync(dirname(target), { recursive: true });
  cpSync(source, target, {
    recursive: true,
    filter: (p) =>
      from !== undefined || !ignored(rules, relative(context, p).split('\\').join('/')),
  });
  stage.copied.push(`${from ? `${from.name}:` : ''}${src}`);
}

// PATH without this repository's node_modules/.bin (npx and npm run put it there).
const cleanPath = (process.env.PATH ?? '')
  .split(':')
  .filter((p) => !p.includes('node_modules'))
  .join(':');

function run(stage: Stage, command: string): void {
  const cwd = inStage(stage, '.');
  mkdirSync(cwd, { recursive: true });
  const t0 = Date.now();
  const r = spawnSync('sh', ['-c', command], {
    cwd,
    // Only the stage's ENV on top of a minimal environment: no npm config or node_modules/.bin of the repo.
    env: { PATH: cleanPath, HOME: process.env.HOME ?? '', ...stage.env },
    encoding: 'utf8',
    timeout: 600_000,
  });
  stage.runs.push({ command, ms: Date.now() - t0 });
  if (r.status !== 0)
    throw new Error(
      `RUN ${command} (stage ${stage.name}) exited ${r.status}:\n${r.stderr}\n${r.stdout}`,
    );
}

/** Builds the stages; `buildArgs` override ARG defaults as `docker build --build-arg` does. */
function build(dockerfile: string, buildArgs: Record<string, string> = {}): void {
  const globalArgs: Record<string, string> = {};
  let stage: Stage | undefined;
  for (const ins of instructions(dockerfile)) {
    const vars = { ...globalArgs, ...stage?.args, ...stage?.env };
    const args = expand(ins.args, vars);
    switch (ins.op) {
      case 'ARG': {
        const [name, def] = ins.args.split(/=(.*)/s) as [string, string | undefined];
        const value =
          buildArgs[name] ??
          (def !== undefined
            ? expand(def.replace(/^"(.*)"$/, '$1'), vars)
            : (globalArgs[name] ?? ''));
        if (stage) stage.args[name] = value;
        else globalArgs[name] = value;
        break;
      }
      case 'FROM': {
        const [base, as, name] = words(args);
        const n = as?.toUpperCase() === 'AS' && name ? name : String(stages.length);
        const parent = stages.find((s) => s.name === base);
        stage = {
          name: n,
          base: base!,
          root: join(work, `stage-${stages.length}-${n.replace(/\W/g, '_')}`),
          workdir: parent?.workdir ?? '/',
          env: { ...parent?.env },
          args: {},
          labels: {},
          copied: [],
          runs: [],
        };
        mkdirSync(stage.root, { recursive: true });
        if (parent) cpSync(parent.root, stage.root, { recursive: true });
        stages.push(stage);
        break;
      }
      case 'WORKDIR':
        stage!.workdir = posix.resolve(stage!.workdir, args);
        mkdirSync(inStage(stage!, '.'), { recursive: true });
        break;
      case 'COPY':
      case 'ADD': {
        if (ins.op === 'ADD') throw new Error(`line ${ins.line}: use COPY, not ADD`);
        const list = execForm(args) ?? words(args);
        const flags = list.filter((w) => w.startsWith('--'));
        const paths = list.filter((w) => !w.startsWith('--'));
        const fromName = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
        const from = fromName === undefined ? undefined : stages.find((s) => s.name === fromName);
        if (fromName !== undefined && !from)
          throw new Error(`line ${ins.line}: COPY --from=${fromName}: no such stage`);
        const dest = paths.pop()!;
        const intoDir = dest.endsWith('/') || paths.length > 1;
        for (const src of paths) copy(stage!, from, src, dest, intoDir);
        break;
      }
      case 'RUN':
        run(stage!, execForm(args)?.join(' ') ?? args);
        break;
      case 'ENV': {
        for (const [, k, v] of args.matchAll(/(\w+)=("[^"]*"|\S+)/g))
          stage!.env[k!] = v!.replace(/^"(.*)"$/, '$1');
        break;
      }
      case 'LABEL': {
        for (const [, k, v] of args.matchAll(/([\w.-]+)=("(?:[^"\\]|\\.)*"|\S+)/g))
          stage!.labels[k!] = v!.replace(/^"(.*)"$/s, '$1');
        break;
      }
      case 'USER':
        stage!.user = args;
        break;
      case 'ENTRYPOINT':
        stage!.entrypoint = execForm(args) ?? ['/bin/sh', '-c', args];
        break;
      case 'CMD':
        stage!.cmd = execForm(args) ?? ['/bin/sh', '-c', args];
        break;
      case 'EXPOSE':
        break;
      default:
        throw new Error(`line ${ins.line}: ${ins.op} is not supported by this test`);
    }
  }
}

// ---- The tests ---------------------------------------------------------------------------------------------

let image: Stage;
let buildMs = 0;
/** The commit the build is told it is made from (CI passes --build-arg REVISION=$GITHUB_SHA). */
const REVISION = '0123456789abcdef0123456789abcdef01234567';

/** Runs the image's ENTRYPOINT with these arguments, node and /app mapped onto the final stage's tree. */
function runImage(args: string[], cwd?: string): { code: number; stdout: string; stderr: string } {
  const [bin, script, ...rest] = image.entrypoint!;
  expect(posix.basename(bin!)).toBe('node');
  const r = spawnSync(process.execPath, [join(image.root, script!), ...rest, ...args], {
    cwd: cwd ?? inStage(image, '.'),
    env: { PATH: cleanPath, ...image.env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('the container image (Dockerfile steps, no Docker engine)', () => {
  beforeAll(() => {
    const t0 = Date.now();
    build(readFileSync('Dockerfile', 'utf8'), { REVISION });
    buildMs = Date.now() - t0;
    image = stages.at(-1)!;
    const steps = stages.flatMap((s) =>
      s.runs.map((r) => `  [${s.name}] ${r.command}: ${(r.ms / 1000).toFixed(1)}s`),
    );
    process.stderr.write(
      `image build steps took ${(buildMs / 1000).toFixed(1)}s\n${steps.join('\n')}\n`,
    );
  }, 900_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('has a build stage, a production-dependency stage and a distroless non-root runtime', () => {
    expect(stages.map((s) => s.name)).toEqual([
      'build',
      'deps',
      'app',
      'shell',
      expect.any(String),
    ]);
    expect(stages[0]!.runs.map((r) => r.command)).toEqual([
      expect.stringMatching(/^npm ci\b/),
      `npm run build && node scripts/build-info.mjs --commit "${REVISION}"`,
    ]);
    expect(stages[1]!.runs.map((r) => r.command)).toEqual([
      expect.stringMatching(/^npm ci --omit=dev --ignore-scripts\b/),
    ]);
    expect(image.base).toMatch(/^gcr\.io\/distroless\/nodejs\d+-debian\d+:nonroot$/);
    expect(image.runs).toEqual([]); // nothing to run a shell with
    expect(image.user).toBe('65532:65532');
  });

  it('labels the image with the OCI annotations and package.json version', () => {
    expect(image.labels).toMatchObject({
      'org.opencontainers.image.title': 'rolegate',
      'org.opencontainers.image.licenses': 'Apache-2.0',
      'org.opencontainers.image.version': pkg.version,
    });
    expect(image.labels['org.opencontainers.image.description']).toBeTruthy();
    // No invented repository URL: the source label is what the build passes (--build-arg SOURCE=...).
    expect(image.labels['org.opencontainers.image.source']).toBe('');
  });

  it('holds only what the runtime needs', () => {
    expect(readdirSync(inStage(image, '.')).sort()).toEqual([
      'crds',
      'dist',
      'examples',
      'node_modules',
      'package.json',
    ]);
    expect(existsSync(inStage(image, 'dist/cli/main.js'))).toBe(true);
  });

  it('prints its version', () => {
    const r = runImage(['--version']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('reports the commit given as the REVISION build argument', () => {
    const r = runImage(['version', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ version: pkg.version, commit: REVISION });
    expect(image.labels['org.opencontainers.image.revision']).toBe(REVISION);
  });

  it('validates the examples with that tree alone', () => {
    const r = runImage(['validate', 'examples/']);
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
  });

  it("accepts the default CMD's flags", () => {
    expect(image.cmd?.[0]).toBe('run');
    const help = runImage(['run', '--help']);
    expect(help.code, help.stderr).toBe(0);
    for (const flag of image.cmd!.filter((a) => a.startsWith('--')))
      expect(help.stdout).toContain(flag);
  });

  it('ships every dependency and no devDependency', () => {
    const modules = inStage(image, 'node_modules');
    for (const dep of Object.keys(pkg.dependencies))
      expect(existsSync(join(modules, dep, 'package.json')), dep).toBe(true);
    for (const dev of [
      'typescript',
      'vitest',
      'eslint',
      'prettier',
      'typescript-eslint',
      '@eslint/js',
    ]) {
      expect(existsSync(join(modules, dev)), `${dev} is a devDependency`).toBe(false);
    }
    // Every installed package is one the lockfile does not mark dev-only (@types/node, say, is also a
    // dependency of @kubernetes/client-node, so it may be there).
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const installed = Object.keys(lock.packages).filter(
      (k) => k && existsSync(join(inStage(image, '.'), k, 'package.json')),
    );
    expect(installed.length).toBeGreaterThan(Object.keys(pkg.dependencies).length);
    expect(installed.filter((k) => lock.packages[k]!.dev)).toEqual([]);
  });

  describe('the shell variant (--target shell, for CI jobs that need sh)', () => {
    const shell = (): Stage => stages.find((s) => s.name === 'shell')!;

    it('is the same runtime with busybox, non-root, its shell as entrypoint', () => {
      expect(shell().base).toMatch(/^gcr\.io\/distroless\/nodejs\d+-debian\d+:debug-nonroot$/);
      expect(shell().user).toBe('65532:65532');
      expect(shell().entrypoint).toEqual(['/busybox/sh']);
      expect(shell().env.PATH?.split(':')).toEqual(
        expect.arrayContaining(['/usr/local/bin', '/busybox']),
      );
      expect(shell().runs).toEqual([]);
      expect(shell().labels['org.opencontainers.image.version']).toBe(pkg.version);
    });

    it('puts a `rolegate` on PATH that runs the CLI of the same tree', () => {
      const wrapper = readFileSync(join(shell().root, 'usr/local/bin/rolegate'), 'utf8');
      expect(statSync(join(shell().root, 'usr/local/bin/rolegate')).mode & 0o111).not.toBe(0);
      expect(wrapper.split('\n')[0]).toBe('#!/busybox/sh');
      // This machine has no busybox or /nodejs: the wrapper's command runs with this sh and Node.js, its paths
      // mapped onto the stage's tree.
      const script = wrapper
        .replace('/nodejs/bin/node', process.execPath)
        .replace('/app/', `${join(shell().root, 'app')}/`);
      const r = spawnSync('sh', ['-c', script, 'rolegate', 'validate', 'examples/'], {
        cwd: join(shell().root, 'app'),
        env: { PATH: cleanPath },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    });
  });

  it('keeps the build context small (.dockerignore)', () => {
    for (const p of [
      'node_modules',
      'dist',
      'test',
      '.git',
      'reports',
      'coverage',
      'docs',
      'helm',
      'bench',
      'Dockerfile',
    ]) {
      expect(ignored(rules, p), p).toBe(true);
    }
    for (const p of ['package.json', 'src/cli/main.ts', 'crds/rolegate.io_privilegedroles.yaml']) {
      expect(ignored(rules, p), p).toBe(false);
    }
  });
});
