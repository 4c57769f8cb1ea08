// Times `rolegate validate` over N generated manifests (default 10,000). Needs the build: npm run build.
// Usage: node bench/validate.mjs [N] [invalidRatio] [text|json|junit|github|sarif]
import { benchValidate } from '../dist/bench/validate-bench.js';

const n = Number(process.argv[2] ?? 10_000);
const invalidRatio = Number(process.argv[3] ?? 0);
const format = process.argv[4] ?? 'text';
const r = await benchValidate(n, { invalidRatio, format });
console.log(JSON.stringify(r));
console.log(
  `validated ${r.objects} objects in ${r.files} files in ${r.ms} ms (${r.perSecond}/s): ${r.errors} errors, exit ${r.exitCode}`,
);
// A valid set must validate cleanly; with invalid manifests, exit 1 is the expected outcome.
if (invalidRatio === 0 && (r.exitCode !== 0 || r.errors !== 0)) process.exitCode = 1;
