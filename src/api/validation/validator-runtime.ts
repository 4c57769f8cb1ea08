// Pure. The functions the generated validators are given: rolegate's two keywords and ajv's runtime helper. Both
// the generator (codegen.ts, which registers them by reference) and the run time (runtime.ts) take them from here.
import ucs2lengthModule from 'ajv/dist/runtime/ucs2length.js';
import { celKeyword, listTypeKeyword } from './cel.js';
import type { ValidatorRuntime } from './runtime-types.js';

// ajv's runtime helper for minLength/maxLength (length in code points). CommonJS: under Node its default
// import is the module object, under the test runner's interop the function itself.
type Ucs2length = (s: string) => number;
const ucs2lengthImport = ucs2lengthModule as unknown as Ucs2length | { default: Ucs2length };
const ucs2length: Ucs2length =
  typeof ucs2lengthImport === 'function' ? ucs2lengthImport : ucs2lengthImport.default;

/** The functions the generated validators call (see ValidatorRuntime). */
export const VALIDATOR_RUNTIME: ValidatorRuntime = { celKeyword, listTypeKeyword, ucs2length };
