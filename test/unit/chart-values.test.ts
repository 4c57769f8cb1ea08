// Every value of helm/rolegate/values.yaml is typed in values.schema.json and documented in the chart README,
// and the defaults themselves satisfy the schema (helm checks the schema; this keeps the three in step).
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const values = parse(readFileSync('helm/rolegate/values.yaml', 'utf8')) as Record<string, unknown>;
const schema = JSON.parse(readFileSync('helm/rolegate/values.schema.json', 'utf8')) as Schema;
const readme = readFileSync('helm/rolegate/README.md', 'utf8');

interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  definitions?: Record<string, Schema>;
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Value paths: a path is a leaf when the README documents it or its value is not a non-empty map. */
function paths(v: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(v).flatMap(([k, x]) => {
    const p = prefix + k;
    if (readme.includes(`| \`${p}\` |`) || !isMap(x) || Object.keys(x).length === 0) return [p];
    return paths(x, `${p}.`);
  });
}

function resolve(s: Schema): Schema {
  if (!s.$ref) return s;
  const name = s.$ref.replace('#/definitions/', '');
  return resolve(schema.definitions?.[name] ?? {});
}

/** The schema of a dotted path, or undefined when the schema does not name it. */
function schemaAt(path: string): Schema | undefined {
  let s: Schema | undefined = schema;
  for (const key of path.split('.')) {
    s = s && resolve(s).properties?.[key];
  }
  return s;
}

const all = paths(values);

describe('helm/rolegate values', () => {
  it('has values', () => expect(all.length).toBeGreaterThan(40));

  it.each(all)('%s is typed in values.schema.json', (p) => {
    const s = schemaAt(p);
    expect(s, `values.schema.json does not describe ${p}`).toBeDefined();
    const r = resolve(s!);
    expect(r.type ?? (r as { anyOf?: unknown }).anyOf, `${p} has no type`).toBeDefined();
  });

  it.each(all)('%s is documented in the README table', (p) => {
    expect(readme, `helm/rolegate/README.md has no row for \`${p}\``).toContain(`| \`${p}\` |`);
  });

  it('forbids unknown keys at the top level and in every object the chart defines', () => {
    expect(schema.additionalProperties).toBe(false);
    for (const p of paths(values)
      .map((x) => x.split('.').slice(0, -1).join('.'))
      .filter(Boolean)) {
      expect(resolve(schemaAt(p)!).additionalProperties, p).toBe(false);
    }
  });

  it.each([
    { name: 'values.yaml', file: 'helm/rolegate/values.yaml' },
    { name: 'the full values fixture', file: 'test/fixtures/helm/full-values.yaml' },
  ])('accepts $name', ({ file }) => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const v = parse(readFileSync(file, 'utf8')) as unknown;
    expect(validate(v), JSON.stringify(validate.errors)).toBe(true);
  });

  it('the full values fixture sets every value', () => {
    const full = parse(readFileSync('test/fixtures/helm/full-values.yaml', 'utf8')) as Record<
      string,
      unknown
    >;
    const has = (p: string): boolean =>
      p.split('.').reduce<unknown>((o, k) => (isMap(o) ? o[k] : undefined), full) !== undefined;
    expect(all.filter((p) => !has(p))).toEqual([]);
  });
});
