// The CLI habits of issue #18, through the built bin as a user runs it: Terraform's exit codes, one output
// convention, standard input and quoted globs, logs for people and for machines, completion and version.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli, type CliResult } from '../../harness/cli.js';

const ROOT = resolve('.');
const cli = (args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<CliResult> =>
  runCli(args, ROOT, env, input);
const PKG = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'rolegate-habits-'));
  // A role whose manifest is broken at a known place, next to the quickstart's provider.
  writeFileSync(
    join(tmp, 'broken.yaml'),
    'apiVersion: rolegate.io/v1alpha1\nkind: PrivilegedRole\nmetadata: { name: Bad_Name, namespace: identity }\nspec: { providerRef: { name: emulator }, role: { id: fe930be7-5e62-47db-91af-98c3a49a38b1 }, mfaRequired: true }\n',
  );
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('exit codes: 0 success, 1 error, 2 only for --detailed-exitcode drift', () => {
  it.each([
    {
      reason: 'plan of a missing path is an error, not drift',
      args: ['plan', '--detailed-exitcode', 'nonexistent/'],
      code: 1,
      stderr: /^Error: Path nonexistent\/ does not exist/,
    },
    {
      reason: 'a mistyped flag is a usage error, not drift',
      args: ['plan', '--stict', '--detailed-exitcode', 'examples'],
      code: 1,
      stderr: /^Error: unknown option '--stict'/,
    },
    {
      reason: 'validate of a missing path',
      args: ['validate', 'nonexistent/'],
      code: 1,
      stderr: /^$/,
    },
    {
      reason: 'validate of invalid manifests',
      args: ['validate', 'test/fixtures/manifests/invalid'],
      code: 1,
      stderr: /^$/,
    },
    {
      reason: 'validate of valid manifests',
      args: ['validate', 'examples'],
      code: 0,
      stderr: /^$/,
    },
    {
      reason: 'plan with drift and --detailed-exitcode',
      args: ['plan', 'examples/quickstart', '--emulator', '--detailed-exitcode'],
      code: 2,
      stderr: /^$/,
    },
    {
      reason: 'plan with drift, without --detailed-exitcode',
      args: ['plan', 'examples/quickstart', '--emulator'],
      code: 0,
      stderr: /^$/,
    },
    {
      reason: 'alerts with roles without MFA and --detailed-exitcode',
      args: ['alerts', 'examples/quickstart', '--emulator', '--detailed-exitcode'],
      code: 2,
      stderr: /^(Warning: .*\n)*$/,
    },
    {
      reason: 'an unknown command',
      args: ['vaildate', 'examples'],
      code: 1,
      stderr: /^Error: unknown command 'vaildate'/,
    },
    {
      reason: '-v is not --version (kubectl users read it as verbosity)',
      args: ['-v'],
      code: 1,
      stderr: /^Error: unknown option '-v'/,
    },
    { reason: 'help', args: ['plan', '--help'], code: 0, stderr: /^$/ },
  ])('$reason: $code', async ({ args, code, stderr }) => {
    const r = await cli(args);
    expect(r.code, r.stderr).toBe(code);
    expect(r.stderr).toMatch(stderr);
  });

  it('every command documents its exit codes in --help', async () => {
    for (const c of [
      'validate',
      'plan',
      'apply',
      'alerts',
      'report',
      'export',
      'version',
      'completion',
    ]) {
      const r = await cli([c, '--help']);
      expect(r.stdout, c).toMatch(/Exit codes: 0 /);
    }
    expect((await cli(['--help'])).stdout).toContain('A usage error is never 2.');
  });
});

describe('-o/--output FORMAT and --output-file PATH on every command', () => {
  it.each([
    {
      args: ['validate', 'examples', '-o', 'json'],
      check: (s: string) => (JSON.parse(s) as { valid: boolean }).valid,
    },
    {
      args: ['validate', 'examples', '-o', 'yaml'],
      check: (s: string) => (parse(s) as { valid: boolean }).valid,
    },
    {
      args: ['validate', 'examples', '--output', 'junit'],
      check: (s: string) => s.startsWith('<?xml'),
    },
    {
      args: ['plan', 'examples/quickstart', '--emulator', '-o', 'yaml'],
      check: (s: string) => (parse(s) as { summary: { roles: number } }).summary.roles === 7,
    },
    {
      args: ['plan', 'examples/quickstart', '--emulator', '-o', 'markdown'],
      check: (s: string) => s.startsWith('### rolegate plan'),
    },
    {
      args: ['alerts', 'examples/quickstart', '--emulator', '-o', 'yaml'],
      check: (s: string) => (parse(s) as { provider: string }).provider === 'emulator',
    },
    {
      args: ['alerts', 'examples/quickstart', '--emulator', '-o', 'markdown'],
      check: (s: string) => s.startsWith('### rolegate alerts: emulator'),
    },
    {
      args: ['alerts', 'examples/quickstart', '--emulator', '-o', 'sarif'],
      check: (s: string) => (JSON.parse(s) as { version: string }).version === '2.1.0',
    },
    {
      args: ['report', 'examples/quickstart', '--emulator', '-o', 'json'],
      check: (s: string) => (JSON.parse(s) as { kind: string }).kind === 'RolegateCoverageReport',
    },
    {
      args: ['export', 'examples/quickstart/identityprovider.yaml', '--emulator', '-o', 'json'],
      check: (s: string) => (JSON.parse(s) as { kind: string }).kind === 'List',
    },
    {
      args: ['version', '-o', 'json'],
      check: (s: string) => (JSON.parse(s) as { version: string }).version === PKG.version,
    },
  ])('$args', async ({ args, check }) => {
    const r = await cli(args);
    expect(r.code === 0 || r.code === 2, r.stderr).toBe(true);
    expect(check(r.stdout)).toBe(true);
  });

  it('--output-file writes the format to the file and the text report to stdout', async () => {
    const file = join(tmp, 'plan.md');
    const r = await cli([
      'plan',
      'examples/quickstart',
      '--emulator',
      '-o',
      'markdown',
      '--output-file',
      file,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^### rolegate plan/);
    expect(r.stdout).toMatch(/^NAME +ROLE/);
    const out = join(tmp, 'roles.yaml');
    const e = await cli([
      'export',
      'examples/quickstart/identityprovider.yaml',
      '--emulator',
      '--output-file',
      out,
    ]);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).toMatch(/^Wrote \d+ PrivilegedRoles of IdentityProvider emulator to /);
    expect((await cli(['validate', out])).code).toBe(0);
  });

  it.each([
    {
      reason: "export's old -o FILE",
      args: ['export', 'examples/quickstart', '--emulator', '-o', 'roles.yaml'],
      says: 'use --output-file roles.yaml',
    },
    {
      reason: "validate's old --output FILE",
      args: ['validate', 'examples', '--output', 'report.xml'],
      says: 'use --output-file report.xml',
    },
    {
      reason: "validate's old --format",
      args: ['validate', 'examples', '--format', 'junit'],
      says: '--format is now -o/--output: use -o junit',
    },
  ])('$reason is refused, naming the new spelling', async ({ args, says }) => {
    const r = await cli(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(says);
  });

  it('validate --output json (the old spelling of a file named json) is now the json format', async () => {
    const r = await cli(['validate', 'examples', '--output', 'json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { files: number }).files).toBeGreaterThan(0);
  });
});

describe('standard input and quoted globs', () => {
  it('- reads manifests from stdin, findings labelled <stdin> with line:col', async () => {
    const text = readFileSync('test/fixtures/manifests/invalid/role.yaml', 'utf8');
    const r = await cli(['validate', '-', '-o', 'json'], {}, text);
    expect(r.code).toBe(1);
    const problems = (
      JSON.parse(r.stdout) as { problems: { file: string; line: number; col: number }[] }
    ).problems;
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.file === '<stdin>' && p.line > 0 && p.col > 0)).toBe(true);
    const t = await cli(['validate', '-'], {}, text);
    expect(t.stdout).toMatch(/^<stdin>:4:9: error: Field metadata\.name/);
  });

  it('- and files together are checked as one set (cross-file references resolve)', async () => {
    const roles = readFileSync('test/fixtures/manifests/valid/roles.yaml', 'utf8');
    const r = await cli(
      ['validate', '--strict', '-', 'test/fixtures/manifests/valid/provider.yaml'],
      {},
      roles,
    );
    expect(r.code, r.stdout).toBe(0);
  });

  it('a quoted glob is expanded as bash with globstar would', async () => {
    const dirRun = await cli(['validate', 'examples', '-o', 'json']);
    const globRun = await cli(['validate', 'examples/**/*.yaml', '-o', 'json']);
    expect(globRun.code).toBe(0);
    const files = (s: string): number => (JSON.parse(s) as { files: number }).files;
    expect(files(globRun.stdout)).toBe(files(dirRun.stdout));
  });

  it('a glob without matches is an error', async () => {
    const r = await cli(['validate', 'nothing/**/*.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('No file matches nothing/**/*.yaml');
  });

  it('plan expands globs too, and reads - (kustomize build | rolegate plan -)', async () => {
    const g = await cli(['plan', 'examples/quickstart/*.yaml', '--emulator', '-o', 'json']);
    expect(g.code, g.stderr).toBe(0);
    const summary = (s: string): unknown => (JSON.parse(s) as { summary: unknown }).summary;
    expect((summary(g.stdout) as { roles: number }).roles).toBe(7);
    const files = readdirSync('examples/quickstart').filter((f) => f.endsWith('.yaml'));
    const stream = files
      .map((f) => readFileSync(join('examples/quickstart', f), 'utf8'))
      .join('\n---\n');
    const s = await cli(['plan', '-', '--emulator', '-o', 'json'], {}, stream);
    expect(s.code, s.stderr).toBe(0);
    expect(summary(s.stdout)).toEqual(summary(g.stdout));
  });

  it('a broken manifest on standard input is reported at <stdin>:line:col, the rest still planned', async () => {
    const good = readFileSync('examples/quickstart/identityprovider.yaml', 'utf8');
    const broken = 'apiVersion: rolegate.io/v1alpha1\nkind: PrivilegedRole\nmetadata: {name: x\n';
    const r = await cli(
      ['plan', '-', '--emulator', '--log-format', 'text'],
      {},
      `${good}\n---\n${broken}`,
    );
    expect(r.stderr).toMatch(/<stdin>:\d+:\d+/);
  });
});

describe('logs', () => {
  const planBroken = ['plan', 'examples/quickstart', join(tmp ?? '', 'broken.yaml'), '--emulator'];

  it('text: Warning:/Error: lines, manifest errors at file:line:col as validate prints them', async () => {
    const r = await cli([
      'plan',
      'examples/quickstart',
      join(tmp, 'broken.yaml'),
      '--emulator',
      '--log-format',
      'text',
    ]);
    const lines = r.stderr.trim().split('\n');
    const error = lines.find((l) => l.startsWith('Error: '));
    expect(error, r.stderr).toMatch(
      /^Error: \S*broken\.yaml:3:19: Field metadata\.name must be a DNS-1123 subdomain.* \[metadata\.name\] \(at \/metadata\/name\)$/,
    );
    expect(r.stderr).not.toContain('{"level"');
  });

  it('json when piped: string levels, ISO times, pid, hostname, kind/namespace/name and a reconcileID', async () => {
    void planBroken;
    const r = await cli(['apply', 'examples/quickstart', '--emulator', '--log-level', 'info']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const l of lines) {
      expect(['trace', 'debug', 'info', 'warn', 'error']).toContain(l.level);
      expect(l.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(l.pid).toBeTypeOf('number');
      expect(l.hostname).toBeTypeOf('string');
      expect(l).not.toHaveProperty('key');
      expect(l).not.toHaveProperty('object');
    }
    const write = lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith('wrote: '));
    expect(write).toMatchObject({ kind: 'PrivilegedRole', namespace: 'identity' });
    expect(write!.reconcileID).toMatch(/^[0-9a-f-]{36}$/);
    const status = lines.find((l) => l.name === write!.name && typeof l.ready === 'string');
    expect(status).toMatchObject({ kind: 'PrivilegedRole', namespace: 'identity' });
  });

  it('ROLEGATE_LOG_LEVEL is honoured, --log-level wins, and a bad value is an error', async () => {
    const base = ['plan', 'examples/quickstart', '--emulator', '--log-format', 'json'];
    const quiet = await cli(base);
    const info = await cli(base, { ROLEGATE_LOG_LEVEL: 'info' });
    const flag = await cli([...base, '--log-level', 'error'], { ROLEGATE_LOG_LEVEL: 'info' });
    const levels = (r: CliResult): string[] =>
      r.stderr
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { level: string }).level);
    expect(levels(quiet).every((l) => l === 'warn' || l === 'error')).toBe(true);
    expect(levels(info)).toContain('info');
    expect(levels(flag)).toEqual([]);
    const bad = await cli(base, { ROLEGATE_LOG_LEVEL: 'verbose' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('ROLEGATE_LOG_LEVEL verbose is not a log level');
  });
});

describe('version and completion', () => {
  it('--version prints the version only; version prints version, commit and Node.js', async () => {
    expect((await cli(['--version'])).stdout).toBe(`${PKG.version}\n`);
    const v = JSON.parse((await cli(['version', '-o', 'json'])).stdout) as Record<string, string>;
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    expect(v).toMatchObject({ version: PKG.version, commit: head, node: process.version });
    expect((await cli(['version'])).stdout).toMatch(
      new RegExp(`^rolegate ${PKG.version}\\ncommit: +${head}`),
    );
  });

  /** Completes `line` (the cursor at its end) with the generated bash script, as bash itself would. */
  async function complete(line: string): Promise<string[]> {
    const script = join(tmp, 'rolegate.bash');
    writeFileSync(script, (await cli(['completion', 'bash'])).stdout);
    const words = line.split(' ');
    const out = execFileSync(
      'bash',
      [
        '-c',
        `source "$0"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _rolegate; printf '%s\\n' "\${COMPREPLY[@]}"`,
        script,
      ],
      { encoding: 'utf8', cwd: ROOT },
    );
    return out.split('\n').filter(Boolean);
  }

  it.each([
    { line: 'rolegate va', want: ['validate'] },
    { line: 'rolegate validate -o ', want: ['text', 'json', 'yaml', 'junit', 'github', 'sarif'] },
    { line: 'rolegate plan --detailed', want: ['--detailed-exitcode'] },
    { line: 'rolegate run --log-format ', want: ['auto', 'json', 'text'] },
    { line: 'rolegate completion ', want: ['bash', 'zsh', 'fish'] },
    { line: 'rolegate rep', want: ['report'] },
    { line: 'rolegate report -o ', want: ['html', 'json'] },
    { line: 'rolegate alerts -o ', want: ['text', 'json', 'yaml', 'markdown', 'sarif'] },
    { line: 'rolegate validate exam', want: ['examples'] },
  ])('bash completes "$line"', async ({ line, want }) => {
    expect(await complete(line)).toEqual(want);
  });

  /** Completes `line` in a real interactive zsh (through a pseudo-terminal) with the generated script. */
  async function zshComplete(line: string): Promise<string[]> {
    const dir = join(tmp, 'zsh-functions');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '_rolegate'), (await cli(['completion', 'zsh'])).stdout);
    const out = execFileSync(
      'zsh',
      ['-f', join(ROOT, 'test/harness/zsh-complete.zsh'), line, join(dir, '_rolegate')],
      { encoding: 'utf8', cwd: ROOT, timeout: 20_000 },
    ).replace(/\r/g, '');
    const hits = /BEGINHITS\n([\s\S]*?)ENDHITS/.exec(out);
    if (!hits) throw new Error(`zsh offered nothing for "${line}":\n${out}`);
    return hits[1]!.split('\n').filter(Boolean);
  }

  /** Completes `line` with fish's own `complete -C`, the generated script sourced. */
  async function fishComplete(line: string): Promise<string[]> {
    const script = join(tmp, 'rolegate.fish');
    writeFileSync(script, (await cli(['completion', 'fish'])).stdout);
    const out = execFileSync(
      'fish',
      ['-c', `source $argv[1]; complete -C $argv[2]`, script, line],
      {
        encoding: 'utf8',
        cwd: ROOT,
      },
    );
    return out
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t')[0]!);
  }

  // zsh lists value candidates in the order the script gives them; fish sorts them.
  it.each([
    { line: 'rolegate va', zsh: ['validate'], fish: ['validate'] },
    {
      line: 'rolegate validate -o ',
      zsh: ['text', 'json', 'yaml', 'junit', 'github', 'sarif'],
      fish: ['github', 'json', 'junit', 'sarif', 'text', 'yaml'],
    },
    {
      line: 'rolegate plan --detailed',
      zsh: ['--detailed-exitcode'],
      fish: ['--detailed-exitcode'],
    },
    {
      line: 'rolegate run --log-format ',
      zsh: ['auto', 'json', 'text'],
      fish: ['auto', 'json', 'text'],
    },
    { line: 'rolegate completion ', zsh: ['bash', 'zsh', 'fish'], fish: ['bash', 'fish', 'zsh'] },
  ])('zsh and fish complete "$line"', async ({ line, zsh, fish }) => {
    expect(await zshComplete(line)).toEqual(zsh);
    expect(await fishComplete(line)).toEqual(fish);
  });

  it('zsh and fish scripts name every command; an unknown shell is an error', async () => {
    const zsh = (await cli(['completion', 'zsh'])).stdout;
    const fish = (await cli(['completion', 'fish'])).stdout;
    expect(zsh).toMatch(/^#compdef rolegate/);
    for (const c of [
      'validate',
      'plan',
      'apply',
      'run',
      'export',
      'alerts',
      'report',
      'emulator',
      'version',
      'completion',
    ]) {
      expect(zsh).toContain(`'${c}:`);
      expect(fish).toContain(`-a ${c} `);
    }
    expect(fish).toContain("-s o -l output -x -a 'text json yaml junit github sarif'");
    const bad = await cli(['completion', 'tcsh']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('unknown shell tcsh');
  });
});
