import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runValidate, validateCommand, type ValidateOptions } from '../../../src/cli/validate.js';
import { escapeData, escapeProperty, githubLine } from '../../../src/cli/report/github.js';
import type { ReportIssue } from '../../../src/cli/report/types.js';
import type { SarifLog } from '../../../src/cli/report/sarif.js';

const FIX = 'test/fixtures/manifests';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'rolegate-cli-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('exit codes', () => {
  it.each<{ name: string; reason: string; paths: string[]; opts?: ValidateOptions; code: number }>([
    { name: 'Valid', reason: 'valid manifests exit 0', paths: [`${FIX}/valid`], code: 0 },
    { name: 'Examples', reason: 'the examples are valid', paths: ['examples'], code: 0 },
    {
      name: 'WarningsAllowed',
      reason: 'warnings alone exit 0',
      paths: [`${FIX}/invalid/warn-only.yaml`],
      code: 0,
    },
    {
      name: 'WarningsStrict',
      reason: 'with --strict warnings exit 1',
      paths: [`${FIX}/invalid/warn-only.yaml`],
      opts: { strict: true },
      code: 1,
    },
    { name: 'Invalid', reason: 'errors exit 1', paths: [`${FIX}/invalid/role.yaml`], code: 1 },
    {
      name: 'DuplicateClaim',
      reason: 'cross-file errors exit 1',
      paths: [`${FIX}/dup-claim`, `${FIX}/valid/provider.yaml`],
      code: 1,
    },
    {
      name: 'Missing',
      reason: 'a nonexistent path is an error, 1 (2 is never an error)',
      paths: ['no/such/dir'],
      code: 1,
    },
    {
      name: 'MissingWithInvalid',
      reason: 'I/O and invalid together: still 1',
      paths: [`${FIX}/invalid`, 'no/such.yaml'],
      code: 1,
    },
  ])('$name: $reason', async ({ paths, opts, code }) => {
    const r = await runValidate(paths, opts);
    expect(r.exitCode).toBe(code);
  });

  it('an unwritable --output-file exits 1', async () => {
    const r = await runValidate([`${FIX}/valid`], {
      format: 'json',
      outputFile: join(tmp, 'no/such/dir/report.json'),
    });
    expect(r.exitCode).toBe(1);
    expect(r.output).toContain('cannot write');
  });
});

describe('text format', () => {
  it('prints file:line:col: severity: message [rule] (at pointer), sorted, then the summary', async () => {
    const r = await runValidate([`${FIX}/invalid`]);
    const lines = r.output.trimEnd().split('\n');
    expect(lines).toEqual([
      `${FIX}/invalid/role.yaml:4:9: error: Field metadata.name must be a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters), got the string "Bad_Name" [metadata.name] (at /metadata/name)`,
      expect.stringMatching(
        /^test\/fixtures\/manifests\/invalid\/role\.yaml:8:11: warning: No IdentityProvider named emulator \(spec\.providerRef\.name\) .* \[semantic\.provider-ref\]/,
      ),
      expect.stringMatching(
        /^test\/fixtures\/manifests\/invalid\/role\.yaml:10:9: error: Field spec\.role\.id must be a GUID .* \[schema\.pattern\] \(at \/spec\/role\/id\)$/,
      ),
      expect.stringMatching(
        /^test\/fixtures\/manifests\/invalid\/role\.yaml:11:16: error: Field spec\.mfaRequired must be a boolean: kubectl \(YAML 1\.1\) would read the unquoted yes .* \[yaml\.bool-1\.1\] \(at \/spec\/mfaRequired\)$/,
      ),
      expect.stringMatching(
        /^test\/fixtures\/manifests\/invalid\/role\.yaml:12:3: error: Field spec\.enforcment is not a field of spec; did you mean enforcement\?.* \[schema\.additionalProperties\] \(at \/spec\/enforcment\)$/,
      ),
      expect.stringMatching(
        /^test\/fixtures\/manifests\/invalid\/warn-only\.yaml:8:11: warning: .* \[semantic\.provider-ref\]/,
      ),
      expect.stringMatching(
        /^test\/fixtures\/manifests\/invalid\/warn-only\.yaml:10:18: warning: Field spec\.role\.displayName: kubectl \(YAML 1\.1\) would read the unquoted on .* \[yaml\.bool-1\.1\]/,
      ),
      '2 files, 2 objects: 4 errors, 3 warnings',
    ]);
  });

  it('--quiet prints errors only, without the summary', async () => {
    const r = await runValidate([`${FIX}/invalid`], { quiet: true });
    expect(r.output.trimEnd().split('\n')).toHaveLength(4);
    expect(r.output).not.toContain('warning');
    expect((await runValidate([`${FIX}/valid`], { quiet: true })).output).toBe('');
  });

  it('a missing path has no position and exits 1', async () => {
    const r = await runValidate(['no/such/dir']);
    expect(r.exitCode).toBe(1);
    expect(r.output).toContain(
      'no/such/dir: error: Path no/such/dir does not exist [io.not-found]\n',
    );
  });
});

describe('json format', () => {
  it('has the documented shape', async () => {
    const r = await runValidate([`${FIX}/invalid`], { format: 'json' });
    const j = JSON.parse(r.output) as Record<string, unknown>;
    expect(Object.keys(j)).toEqual([
      'version',
      'valid',
      'strict',
      'files',
      'objects',
      'errors',
      'warnings',
      'problems',
      'summary',
    ]);
    expect(j).toMatchObject({
      version: 1,
      valid: false,
      files: 2,
      objects: 2,
      errors: 4,
      warnings: 3,
    });
    const issue = (j['problems'] as Record<string, unknown>[])[0];
    expect(issue).toEqual({
      file: `${FIX}/invalid/role.yaml`,
      line: 4,
      col: 9,
      pointer: '/metadata/name',
      rule: 'metadata.name',
      severity: 'error',
      message: expect.any(String) as string,
      object: 'PrivilegedRole/identity/Bad_Name',
    });
  });

  it('--output-file writes the report to a file and the text report to stdout', async () => {
    const out = join(tmp, 'report.json');
    const r = await runValidate([`${FIX}/valid`], { format: 'json', outputFile: out });
    expect(r.exitCode).toBe(0);
    expect(r.output).toBe('4 files, 4 objects: 0 errors, 0 warnings\n');
    expect((JSON.parse(await readFile(out, 'utf8')) as { valid: boolean }).valid).toBe(true);
  });
});

describe('github format', () => {
  const base: ReportIssue = {
    file: 'a.yaml',
    line: 3,
    col: 5,
    pointer: '/spec/x',
    rule: 'schema.type',
    severity: 'error',
    message: 'm',
  };
  it.each([
    {
      reason: 'plain message',
      issue: base,
      want: '::error file=a.yaml,line=3,col=5,title=rolegate validate [schema.type]::m',
    },
    {
      reason: '% CR LF are escaped in the message',
      issue: { ...base, message: '100% bad\r\nnext' },
      want: '::error file=a.yaml,line=3,col=5,title=rolegate validate [schema.type]::100%25 bad%0D%0Anext',
    },
    {
      reason: ', and : are escaped in properties',
      issue: { ...base, file: 'dir,x/a:b.yaml', severity: 'warning' as const },
      want: '::warning file=dir%2Cx/a%3Ab.yaml,line=3,col=5,title=rolegate validate [schema.type]::m',
    },
    {
      reason: 'no position: no line or col',
      issue: { ...base, line: 0, col: 0, pointer: '' },
      want: '::error file=a.yaml,title=rolegate validate [schema.type]::m',
    },
  ])('$reason', ({ issue, want }) => {
    expect(githubLine(issue)).toBe(want);
  });

  it('escapes per the workflow command rules', () => {
    expect(escapeData('a%b\nc\rd')).toBe('a%25b%0Ac%0Dd');
    expect(escapeProperty('a,b:c%')).toBe('a%2Cb%3Ac%25');
  });

  it('annotates real lines', async () => {
    const r = await runValidate([`${FIX}/invalid/role.yaml`], { format: 'github' });
    expect(r.output.split('\n')[0]).toBe(
      `::error file=${FIX}/invalid/role.yaml,line=4,col=9,title=rolegate validate [metadata.name]::${"Field metadata.name must be a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters), got the string \"Bad_Name\""}`,
    );
  });
});

describe('junit format', () => {
  it('has one testcase per object and one per file with file-level problems', async () => {
    const dir = await mkdtemp(join(tmp, 'junit-'));
    await writeFile(join(dir, 'broken.yaml'), 'a: [\n');
    const r = await runValidate([`${FIX}/invalid`, `${FIX}/valid/roles.yaml`, dir], {
      format: 'junit',
    });
    const xml = r.output;
    expect(
      xml.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="rolegate validate" tests="5" failures="2" errors="0">',
      ),
    ).toBe(true);
    expect(xml.match(/<testcase /g)).toHaveLength(5);
    expect(xml).toContain(
      `<testcase name="PrivilegedRole identity/Bad_Name" classname="${FIX}/invalid/role.yaml" file="${FIX}/invalid/role.yaml" line="1">`,
    );
    expect(xml).toContain('<failure message="');
    expect(xml).toContain('type="metadata.name"');
    expect(xml).toMatch(
      /<testcase name="[^"]*broken\.yaml \(file\)"[^>]*>\s*<failure [^>]*type="yaml\.syntax"/,
    );
    // Warnings are not failures without --strict.
    expect(xml).toMatch(/<testcase name="PrivilegedRole identity\/warn-only"[^>]*>\s*<system-out>/);
    expect((xml.match(/<testsuite /g) ?? []).length).toBe(4);
  });

  it('counts warnings as failures under --strict', async () => {
    const r = await runValidate([`${FIX}/invalid/warn-only.yaml`], {
      format: 'junit',
      strict: true,
    });
    expect(r.output).toContain('tests="1" failures="1"');
  });
});

describe('sarif format', () => {
  it('is structurally SARIF 2.1.0 with rules, levels, regions and pointers', async () => {
    const r = await runValidate([`${FIX}/invalid`], { format: 'sarif' });
    const log = JSON.parse(r.output) as SarifLog;
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0]!;
    expect(run.tool.driver.name).toBe('rolegate');
    const ruleIds = run.tool.driver.rules.map((x) => x.id);
    expect(new Set(ruleIds).size).toBe(ruleIds.length);
    for (const rule of run.tool.driver.rules)
      expect(rule.shortDescription.text.length).toBeGreaterThan(5);
    expect(run.results).toHaveLength(7);
    for (const res of run.results) {
      expect(ruleIds[res.ruleIndex]).toBe(res.ruleId);
      expect(['error', 'warning']).toContain(res.level);
      expect(res.message.text.length).toBeGreaterThan(0);
      const loc = res.locations[0]!;
      expect(loc.physicalLocation.artifactLocation.uri).toMatch(
        /^test\/fixtures\/manifests\/invalid\/[a-z-]+\.yaml$/,
      );
      expect(loc.physicalLocation.region?.startLine).toBeGreaterThan(0);
      expect(loc.physicalLocation.region?.startColumn).toBeGreaterThan(0);
      expect(loc.logicalLocations?.[0]?.fullyQualifiedName).toBe(res.properties.pointer);
    }
    const first = run.results[0]!;
    expect(first).toMatchObject({
      ruleId: 'metadata.name',
      level: 'error',
      locations: [
        {
          physicalLocation: { region: { startLine: 4, startColumn: 9 } },
          logicalLocations: [{ name: 'name', fullyQualifiedName: '/metadata/name' }],
        },
      ],
      properties: { pointer: '/metadata/name', object: 'PrivilegedRole/identity/Bad_Name' },
    });
  });
});

describe('validateCommand (commander)', () => {
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  afterEach(() => {
    stdout.mockClear();
    process.exitCode = undefined;
  });
  afterAll(() => stdout.mockRestore());

  const run = async (args: string[]): Promise<void> => {
    const cmd = validateCommand()
      .exitOverride()
      .configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    await cmd.parseAsync(args, { from: 'user' });
  };

  it.each([
    { reason: 'valid: exit code 0', args: [`${FIX}/valid`], code: 0 },
    { reason: 'invalid: exit code 1', args: [`${FIX}/invalid`], code: 1 },
    {
      reason: 'strict warnings: exit code 1',
      args: ['--strict', `${FIX}/invalid/warn-only.yaml`],
      code: 1,
    },
    { reason: 'missing path: exit code 1', args: ['nope'], code: 1 },
  ])('$reason', async ({ args, code }) => {
    await run(args);
    expect(process.exitCode).toBe(code);
    expect(stdout).toHaveBeenCalled();
  });

  it.each([
    { reason: 'an unknown format is a usage error', args: ['-o', 'xml', FIX] },
    { reason: '--format, the old spelling, is a usage error', args: ['--format', 'json', FIX] },
    {
      reason: 'a file after --output, the old spelling, is a usage error',
      args: ['--output', 'r.json', FIX],
    },
    { reason: 'no path is a usage error', args: [] },
  ])('$reason', async ({ args }) => {
    await expect(run(args)).rejects.toBeInstanceOf(CommanderError);
  });

  it('has help with examples and exit codes', () => {
    let help = '';
    const cmd = validateCommand().configureOutput({ writeOut: (s) => (help += s) });
    cmd.outputHelp();
    expect(cmd.helpInformation()).toContain('-o, --output <format>');
    expect(cmd.helpInformation()).toContain('--output-file <path>');
    expect(cmd.helpInformation()).not.toContain('--format');
    expect(help).toContain('Examples:');
    expect(help).toContain('Exit codes: 0 valid');
  });

  it('the github output of the examples is empty of annotations', async () => {
    await run(['-o', 'github', 'examples']);
    const written = stdout.mock.calls.map((c) => String(c[0])).join('');
    expect(written).not.toContain('::');
  });
});

describe('duplicate claims at scale', () => {
  /** `n` PrivilegedRoles of Global Administrator, alternately by template id and by display name. */
  async function claimsOfOneRole(n: number): Promise<string> {
    const docs = Array.from(
      { length: n },
      (_, i) => `apiVersion: rolegate.io/v1alpha1
kind: PrivilegedRole
metadata: { name: claim-${String(i).padStart(5, '0')}, namespace: identity }
spec:
  providerRef: { name: tenant }
  role: { ${i % 2 === 0 ? 'id: 62e90394-69f5-4237-9190-012177145e10' : 'displayName: Global Administrator'} }
  mfaRequired: true
`,
    );
    const file = join(tmp, `claims-${n}.yaml`);
    await writeFile(file, docs.join('---\n'));
    return file;
  }

  it('reports every claim of one role, each message naming one other claimant: output linear in the claims', async () => {
    const sizes: Record<number, number> = {};
    for (const n of [2000, 4000]) {
      const r = await runValidate([await claimsOfOneRole(n)]);
      expect(r.exitCode).toBe(1);
      const claims = r.report.issues.filter((i) => i.rule === 'semantic.duplicate-claim');
      // id and display name of the same built-in role are one claim, so every object is in the one group
      expect(claims).toHaveLength(n);
      // the owner (first by name, none has a creation time) is named by every other claimant
      expect(claims.filter((i) => i.message.includes('identity/claim-00000 ('))).toHaveLength(
        n - 1,
      );
      sizes[n] = r.output.length;
      // one duplicate-claim error and one provider-ref warning per object, each a line or two
      expect(r.output.length / n).toBeLessThan(1000);
    }
    expect(sizes[4000]! / sizes[2000]!).toBeLessThan(2.2);
  }, 60_000);
});
