// Pure, and imports nothing: the contract between the generated validators and the code that runs them, so that
// generated-validators.ts depends on no module that depends on it.
import type { ErrorObject, SchemaValidateFunction } from 'ajv';

/** A compiled validator, as ajv's standalone code defines it: true when valid, else `errors` says why. */
export type CompiledValidator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/**
 * The functions the generated validators call: rolegate's two keywords, and ajv's runtime helper for
 * minLength/maxLength. Passed to createValidators rather than imported by the generated module.
 */
export interface ValidatorRuntime {
  celKeyword: SchemaValidateFunction;
  listTypeKeyword: SchemaValidateFunction;
  ucs2length: (s: string) => number;
}
