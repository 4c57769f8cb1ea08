// validateObject compiles the CRD schemas without checking them against the JSON Schema meta-schema (that
// check costs ~30 ms of every `rolegate validate`); the check is done here instead.
import { describe, expect, it } from 'vitest';
import { createAjv, enforcedSchemas, KINDS } from '../../../src/api/validate.js';

describe('enforced schemas', () => {
  it.each(KINDS)('%s: valid JSON Schema, and it compiles in strict mode', (kind) => {
    const ajv = createAjv({ validateSchema: true });
    const schema = enforcedSchemas()[kind];
    expect(ajv.validateSchema(schema), ajv.errorsText()).toBe(true);
    expect(() => ajv.compile(schema)).not.toThrow();
  });
});
