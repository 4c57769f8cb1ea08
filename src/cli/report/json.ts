// `--format json`: a summary and every problem, for scripts. The shape is `{ version, valid, strict, files,
// objects, errors, warnings, problems, summary }`; fields are only ever added (version says which), never renamed.
import type { ReportIssue, ValidateReport } from './types.js';

/** The `--format json` document. */
export interface JsonReport {
  version: 1;
  /** False when the exit code is 1 or 2. */
  valid: boolean;
  /** Whether warnings count as failures (--strict). */
  strict: boolean;
  /** How many files were read. */
  files: number;
  /** How many rolegate objects were found (valid or not). */
  objects: number;
  errors: number;
  warnings: number;
  /** Every problem, sorted by file, line and column; `object` is `Kind/[namespace/]name` when it has one. */
  problems: ReportIssue[];
  /** The four counts again, grouped: the first published shape had only this (bench/suites reads it). */
  summary: { files: number; objects: number; errors: number; warnings: number };
}

/** Projects a report onto the JSON document. */
export function toJson(r: ValidateReport): JsonReport {
  return {
    version: 1,
    valid: r.valid,
    strict: r.strict,
    files: r.summary.files,
    objects: r.summary.objects,
    errors: r.summary.errors,
    warnings: r.summary.warnings,
    problems: r.issues,
    summary: { ...r.summary },
  };
}

/** Renders the JSON report, pretty-printed, with a trailing newline. */
export function renderJson(r: ValidateReport): string {
  return `${JSON.stringify(toJson(r), null, 2)}\n`;
}
