// `rolegate validate` with large and hostile input, through the built CLI (issue #14): output and memory
// linear in the input, very large files, files that are not UTF-8 text, and foreign documents under --strict.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliMeasured } from '../../harness/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolegate-validate-input-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const guid = (i: number): string => `4b1d0000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

describe('rolegate validate: large input', () => {
  it('reports 150,000 cross-file findings on 100,000 objects, with output and memory linear in the input', async () => {
    // 50,000 PrivilegedRoles named alike (each a duplicate of all the others) and 50,000 more, all naming an
    // IdentityProvider that is not there: 50,000 duplicate-object errors and 100,000 provider-ref warnings.
    // A message naming every other duplicate grew with the square of the input, and the findings were
    // spread into Array.prototype.push as arguments, beyond what the stack holds.
    const n = 100_000;
    const dups = 50_000;
    const docs: string[] = [];
    for (let i = 0; i < n; i++) {
      docs.push(
        `apiVersion: rolegate.io/v1alpha1\nkind: PrivilegedRole\nmetadata:\n  name: ${i < dups ? 'dup' : `r${i}`}\n  namespace: ns\nspec:\n  providerRef:\n    name: missing\n  role:\n    id: ${guid(i)}\n  mfaRequired: true\n`,
      );
    }
    const file = 'findings.yaml';
    writeFileSync(join(dir, file), docs.join('---\n'));

    const r = await runCliMeasured(['validate', file], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(dups + n + 1);
    expect(lines.at(-1)).toBe(`1 file, ${n} objects: ${dups} errors, ${n} warnings`);
    // Each document is 12 lines with its `---`: document i starts at line 12 i + 1.
    const last = n - 1;
    expect(lines).toContain(
      `${file}:${12 * last + 8}:11: warning: No IdentityProvider named missing (spec.providerRef.name) in the given paths; pass the files that define it, unless it exists only in the cluster [semantic.provider-ref] (at /spec/providerRef/name)`,
    );
    const dupLine = lines.find((l) => l.startsWith(`${file}:4:9: error:`));
    expect(dupLine).toBe(
      `${file}:4:9: error: PrivilegedRole ns/dup is also defined at ${Array.from({ length: 10 }, (_, k) => `${file}:${12 * (k + 1) + 1}:1`).join(', ')} and ${dups - 11} more; the last one applied would replace the others [semantic.duplicate-object] (at /metadata/name)`,
    );
    // Linear: no line names more than a few places.
    expect(Math.max(...lines.slice(0, 1000).map((l) => l.length))).toBeLessThan(600);
    expect(r.stdout.length).toBeLessThan((dups + n) * 400);
    console.log(
      `validate, ${n} objects, ${dups + n} findings: ${(r.ms / 1000).toFixed(1)} s, peak RSS ${r.peakRssMiB.toFixed(0)} MiB`,
    );
    expect(r.peakRssMiB).toBeLessThan(1024);
  });

  it('validates a 200,000-document file one document at a time, in bounded time and memory', async () => {
    // A generated bundle: an IdentityProvider, then 200,000 PrivilegedRoles; one document outside the fast
    // parser's subset (a flow mapping), which used to send the whole file through the yaml parser (46 s,
    // 1.8 GB here), and two findings whose lines must be the file's, not the document's.
    const n = 200_000;
    const flowAt = 1_000;
    const trapAt = 150_000;
    const enumAt = n - 1;
    const provider =
      'apiVersion: rolegate.io/v1alpha1\nkind: IdentityProvider\nmetadata:\n  name: p\nspec:\n  entra:\n    tenantId: 0d6e1f0a-5b7c-4e4f-9a3b-2c1d0e9f8a7b\n    graphBaseUrl: http://127.0.0.1:8943\n    credentials:\n      type: Emulator\n';
    const parts = [provider];
    for (let k = 0; k < n; k++) {
      parts.push(
        `apiVersion: rolegate.io/v1alpha1\nkind: PrivilegedRole\nmetadata:\n  name: r${k}\n  namespace: ns${k % 5}\n  ${k === flowAt ? 'labels: {team: a}' : '# bulk'}\nspec:\n  providerRef:\n    name: p\n  role:\n    id: ${guid(k)}\n  mfaRequired: ${k === trapAt ? 'yes' : 'true'}\n  enforcement: ${k === enumAt ? 'Sometimes' : 'Enforce'}\n`,
      );
    }
    const file = 'bundle.yaml';
    writeFileSync(join(dir, file), parts.join('---\n'));
    // The provider takes 11 lines with its `---`, each role 14: role k starts at line 11 + 14 k + 1.
    const roleLine = (k: number, offset: number): number => 11 + 14 * k + offset;

    const r = await runCliMeasured(['validate', file], dir);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      [
        `${file}:${roleLine(trapAt, 12)}:16: error: Field spec.mfaRequired must be a boolean: kubectl (YAML 1.1) would read the unquoted yes as the boolean true, but rolegate (YAML 1.2) reads the string "yes"; write true (or quote it if a string is meant) [yaml.bool-1.1] (at /spec/mfaRequired)`,
        `${file}:${roleLine(enumAt, 13)}:16: error: Field spec.enforcement must be one of Enforce, Audit, got the string "Sometimes" [schema.enum] (at /spec/enforcement)`,
        `1 file, ${n + 1} objects: 2 errors, 0 warnings`,
        '',
      ].join('\n'),
    );
    expect(r.code).toBe(1);
    console.log(
      `validate, one file of ${n} documents: ${(r.ms / 1000).toFixed(1)} s, peak RSS ${r.peakRssMiB.toFixed(0)} MiB`,
    );
    expect(r.peakRssMiB).toBeLessThan(768);
    expect(r.ms).toBeLessThan(60_000);
  });
});

describe('rolegate validate: files that are not UTF-8 text', () => {
  const role =
    'apiVersion: rolegate.io/v1alpha1\nkind: PrivilegedRole\nmetadata:\n  name: ga\n  namespace: identity\nspec:\n  providerRef:\n    name: p\n  role:\n    id: 62e90394-69f5-4237-9190-012177145e10\n  mfaRequired: true\n';
  const utf16be = Buffer.from(role, 'utf16le').swap16();

  it.each([
    {
      name: 'UTF-16 with a byte order mark',
      file: 'utf16le-bom.yaml',
      bytes: Buffer.from(`\ufeff${role}`, 'utf16le'),
      line: '1:1: error: The file is UTF-16 (little-endian, with a byte order mark), not UTF-8: rolegate reads manifests as UTF-8, so nothing in it was validated; save it as UTF-8 (for example with iconv -f UTF-16 -t UTF-8) [encoding.utf16]',
    },
    {
      name: 'UTF-16 without a byte order mark',
      file: 'utf16be.yaml',
      bytes: utf16be,
      line: '1:1: error: The file looks like UTF-16 (big-endian, without a byte order mark: every other byte is NUL), not UTF-8: rolegate reads manifests as UTF-8, so nothing in it was validated; save it as UTF-8 (for example with iconv -f UTF-16 -t UTF-8) [encoding.utf16]',
    },
    {
      name: 'binary (a NUL byte)',
      file: 'binary.yaml',
      bytes: Buffer.concat([Buffer.from(role.slice(0, 40)), Buffer.from([0, 1, 2, 0xff])]),
      line: '2:8: error: The file holds a NUL byte: it is binary, not YAML or JSON text, so nothing in it was validated [encoding.binary]',
    },
  ])('$name: one finding, nothing read', async ({ file, bytes, line }) => {
    const d = mkdtempSync(join(dir, 'encoding-'));
    writeFileSync(join(d, file), bytes);
    // Under --strict too: these used to pass as "0 objects", the role in the file unmanaged.
    for (const flags of [[], ['--strict']]) {
      const r = await runCli(['validate', file, ...flags], d);
      expect(r.stdout).toBe(`${file}:${line}\n1 file, 0 objects: 1 error, 0 warnings\n`);
      expect(r.code).toBe(1);
    }
  });

  it('invalid UTF-8: reported where it is, the rest of the file still validated', async () => {
    const d = mkdtempSync(join(dir, 'latin1-'));
    // "# Rôle" in Latin-1: 0xf4 is no UTF-8 sequence.
    writeFileSync(
      join(d, 'latin1.yaml'),
      Buffer.concat([Buffer.from('# R\xf4le\n', 'latin1'), Buffer.from(role)]),
    );
    const r = await runCli(['validate', 'latin1.yaml'], d);
    expect(r.stdout).toBe(
      [
        'latin1.yaml:1:4: error: The file is not valid UTF-8 (byte 0xf4 here): manifests must be UTF-8 text, and rolegate read the invalid bytes as U+FFFD; save the file as UTF-8 [encoding.invalid-utf8]',
        'latin1.yaml:9:11: warning: No IdentityProvider named p (spec.providerRef.name) in the given paths; pass the files that define it, unless it exists only in the cluster [semantic.provider-ref] (at /spec/providerRef/name)',
        '1 file, 1 object: 1 error, 1 warning',
        '',
      ].join('\n'),
    );
    expect(r.code).toBe(1);
  });
});

describe('rolegate validate --strict: documents of other groups', () => {
  it('reports each document that is not a rolegate.io object, and only under --strict', async () => {
    const d = mkdtempSync(join(dir, 'foreign-'));
    writeFileSync(
      join(d, 'mixed.yaml'),
      [
        // A mistyped group: without --strict this PrivilegedRole is ignored like any other kind.
        'apiVersion: rolegate.example.com/v1alpha1\nkind: PrivilegedRole\nmetadata:\n  name: ga\n  namespace: identity\nspec:\n  mfaRequired: true\n',
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n',
        'just some text\n',
      ].join('---\n'),
    );
    const loose = await runCli(['validate', 'mixed.yaml'], d);
    expect(loose.stdout).toBe('1 file, 0 objects: 0 errors, 0 warnings\n');
    expect(loose.code).toBe(0);

    const strict = await runCli(['validate', 'mixed.yaml', '--strict'], d);
    expect(strict.stdout).toBe(
      [
        'mixed.yaml:1:1: warning: PrivilegedRole ga has apiVersion rolegate.example.com/v1alpha1, which is not in the rolegate.io group, so rolegate ignores it: use apiVersion rolegate.io/v1alpha1 [document.foreign]',
        'mixed.yaml:9:1: warning: ConfigMap settings (apiVersion v1) is not a rolegate.io object: nothing in it was validated (--strict expects only PrivilegedRoles and IdentityProviders) [document.foreign]',
        'mixed.yaml:16:1: warning: The document is the string "just some text", not a Kubernetes object: nothing in it was validated [document.foreign]',
        '1 file, 0 objects: 0 errors, 3 warnings',
        '',
      ].join('\n'),
    );
    expect(strict.code).toBe(1);
  });
});
