// Generates src/api/v1alpha1/generated-validators.ts: ajv's standalone code for the CRD schemas as
// src/api/validation/schema.ts enforces them (validatorsModuleSource), so that `rolegate validate` neither loads
// ajv nor compiles schemas at run time. The code comes from the build of validation/codegen.ts, so this runs
// after `npm run build` (`npm run generate` does both); with --check it only says whether the file is up to date,
// and a unit test checks it too. Usage: node scripts/generate-validators.mjs [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'src/api/v1alpha1/generated-validators.ts');

let validate;
try {
  validate = await import('../dist/api/validation/codegen.js');
} catch (err) {
  console.error(
    `cannot load dist/api/validation/codegen.js (run npm run build first): ${err.message}`,
  );
  process.exit(1);
}
const config = (await prettier.resolveConfig(out)) ?? {};
const text = await prettier.format(await validate.validatorsModuleSource(), {
  ...config,
  parser: 'typescript',
});

if (process.argv.includes('--check')) {
  let current;
  try {
    current = readFileSync(out, 'utf8');
  } catch {
    current = undefined;
  }
  if (current !== text) {
    console.error(`${out} is stale: run npm run generate`);
    process.exit(1);
  }
} else {
  writeFileSync(out, text);
}
