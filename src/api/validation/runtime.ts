// Pure. Runs the validators generated from the CRD schemas (ajv's standalone code, see codegen.ts), without
// loading ajv or compiling anything at run time.
import { createValidators } from '../v1alpha1/generated-validators.js';
import type { Kind } from './problem.js';
import type { CompiledValidator } from './runtime-types.js';
import { VALIDATOR_RUNTIME } from './validator-runtime.js';

let compiled: Record<Kind, CompiledValidator> | undefined;

/** Both validators, created on first use. */
export function validators(): Record<Kind, CompiledValidator> {
  compiled ??= createValidators(VALIDATOR_RUNTIME);
  return compiled;
}
