// Times `rolegate validate` over N generated manifests (default 10,000). Needs the build: npm run build.
// Usage: node bench/validate.mjs [N] [text|json|sarif]
import { benchValidate } from '../dist/bench/validate-bench.js';

const n = Number(process.argv[2] ?? 10_000);
const format = process.argv[3] ?? 'text';
const r = await benchValidate(n, format);
console.log(JSON.stringify(r));
console.log(
  `validated ${r.objects} objects in ${r.files} files in ${r.ms} ms (${r.perSecond}/s), exit ${r.exitCode}`,
);
if (r.exitCode !== 0 || r.errors !== 0) process.exitCode = 1;
