// `rolegate validate --workers`: parsing the flag, and that worker threads never change a report.
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { FORMATS, parseWorkers, runValidate } from '../../../src/cli/validate.js';

describe('--workers', () => {
  it.each([
    { value: '0', want: 0, reason: 'in process, the default' },
    { value: '2', want: 2, reason: 'a number of threads' },
    { value: 'auto', want: 'auto', reason: 'chosen from the CPUs and the number of files' },
  ])('$value: $reason', ({ value, want }) => {
    expect(parseWorkers(value)).toBe(want);
  });

  it.each([
    { value: 'x', reason: 'not a number' },
    { value: '-1', reason: 'negative' },
    { value: '1.5', reason: 'not whole' },
    { value: '65', reason: 'more threads than any machine needs' },
    { value: '', reason: 'empty' },
  ])('$value is refused: $reason', ({ value }) => {
    expect(() => parseWorkers(value)).toThrow(InvalidArgumentError);
  });

  it.each(FORMATS)('%s: the report does not depend on --workers', async (format) => {
    const paths = ['test/fixtures/manifests', 'examples'];
    const base = await runValidate(paths, { format });
    for (const workers of ['auto', 1] as const) {
      const r = await runValidate(paths, { format, workers });
      expect(r.exitCode).toBe(base.exitCode);
      expect(r.output).toBe(base.output);
    }
  });
});
