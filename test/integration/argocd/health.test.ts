// Runs Argo CD's health check for PrivilegedRole in gopher-lua (the interpreter Argo CD embeds) against the
// fixtures listed in health_test.yaml, the way Argo CD's own resource_customizations are tested.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const dir = 'argocd/resource_customizations/rolegate.io/PrivilegedRole';
const glua = execFileSync('bash', ['scripts/tools/glua.sh'], { encoding: 'utf8' }).trim();
const script = readFileSync(join(dir, 'health.lua'), 'utf8');
const suite = parse(readFileSync(join(dir, 'health_test.yaml'), 'utf8')) as {
  tests: { inputPath: string; healthStatus: { status: string; message: string } }[];
};

/** Renders a JSON value as a Lua table constructor. */
function toLua(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `{${v.map(toLua).join(', ')}}`;
  return `{${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `[${JSON.stringify(k)}] = ${toLua(x)}`)
    .join(', ')}}`;
}

function run(obj: unknown): { status: string; message: string } {
  const work = mkdtempSync(join(tmpdir(), 'health-'));
  const file = join(work, 'check.lua');
  writeFileSync(
    file,
    `obj = ${toLua(obj)}\nlocal function check()\n${script}\nend\nlocal hs = check()\nprint(hs.status)\nprint(hs.message)\n`,
  );
  const [status = '', message = ''] = execFileSync(glua, [file], { encoding: 'utf8' })
    .replace(/\n$/, '')
    .split('\n');
  return { status, message };
}

describe('Argo CD health.lua for PrivilegedRole', () => {
  it.each(suite.tests)('$inputPath is $healthStatus.status', (t) => {
    const obj = parse(readFileSync(join(dir, t.inputPath), 'utf8')) as unknown;
    expect(run(obj)).toEqual(t.healthStatus);
  });
});
