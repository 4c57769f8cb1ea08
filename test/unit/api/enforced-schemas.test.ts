// The validators are generated without checking the schemas against the JSON Schema meta-schema (that check
// would cost ~30 ms of every generation or start); the check is done here instead.
import { describe, expect, it } from 'vitest';
import { createAjv } from '../../../src/api/validation/codegen.js';
import { KINDS } from '../../../src/api/validation/problem.js';
import { enforcedSchemas } from '../../../src/api/validation/schema.js';

describe('enforced schemas', () => {
  it.each(KINDS)('%s: valid JSON Schema, and it compiles in strict mode', async (kind) => {
    const ajv = await createAjv({ validateSchema: true });
    const schema = enforcedSchemas()[kind];
    expect(ajv.validateSchema(schema), ajv.errorsText()).toBe(true);
    expect(() => ajv.compile(schema)).not.toThrow();
  });
});
