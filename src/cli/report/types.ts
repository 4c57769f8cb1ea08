// The report model every `rolegate validate` output format renders. Built once from a LoadResult, so the
// formats cannot disagree about what was found.
import type { LoadResult, ManifestIssue } from '../../manifests/load.js';

/** One issue in a report: a ManifestIssue plus the object it belongs to, when it belongs to one. */
export interface ReportIssue extends ManifestIssue {
  /** `Kind/name` or `Kind/namespace/name` of the object, absent for file-level issues. */
  object?: string;
}

/** One object in a report. */
export interface ReportObject {
  /** `Kind/name` or `Kind/namespace/name`. */
  id: string;
  kind: 'PrivilegedRole' | 'IdentityProvider';
  name: string;
  namespace?: string;
  file: string;
  line: number;
  col: number;
  errors: number;
  warnings: number;
}

/**
 * The result of `rolegate validate`, and the documented shape of `--format json` (version 1; fields are only
 * ever added). `issues` are sorted by file, line and column.
 */
export interface ValidateReport {
  version: 1;
  /** False when the exit code is 1 or 2. */
  valid: boolean;
  /** Whether warnings count as failures (--strict). */
  strict: boolean;
  summary: { files: number; objects: number; errors: number; warnings: number };
  files: string[];
  objects: ReportObject[];
  issues: ReportIssue[];
}

/** The object id used in reports. */
export function objectId(
  kind: string,
  meta: { name: string; namespace?: string | undefined },
): string {
  return meta.namespace ? `${kind}/${meta.namespace}/${meta.name}` : `${kind}/${meta.name}`;
}

/** Builds the report of a load. `valid` follows the exit-code rules of runValidate. */
export function buildReport(result: LoadResult, strict: boolean): ValidateReport {
  const owner = new Map<ManifestIssue, string>();
  const objects: ReportObject[] = [];
  for (const o of [...result.providers, ...result.roles]) {
    const meta = o.object.metadata;
    const id = objectId(o.object.kind, meta);
    for (const i of o.issues) owner.set(i, id);
    objects.push({
      id,
      kind: o.object.kind,
      name: meta.name,
      ...(typeof meta.namespace === 'string' ? { namespace: meta.namespace } : {}),
      file: o.file,
      line: o.line,
      col: o.col,
      errors: o.issues.filter((i) => i.severity === 'error').length,
      warnings: o.issues.filter((i) => i.severity === 'warning').length,
    });
  }
  objects.sort((a, b) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col,
  );
  const issues: ReportIssue[] = result.issues.map((i) => {
    const id = owner.get(i);
    return id === undefined ? { ...i } : { ...i, object: id };
  });
  const errors = issues.filter((i) => i.severity === 'error').length;
  const warnings = issues.length - errors;
  return {
    version: 1,
    valid: errors === 0 && !(strict && warnings > 0),
    strict,
    summary: { files: result.files.length, objects: objects.length, errors, warnings },
    files: result.files,
    objects,
    issues,
  };
}

/** Whether an issue fails the run: errors always, warnings under --strict. */
export function isFailure(issue: ManifestIssue, strict: boolean): boolean {
  return issue.severity === 'error' || strict;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `N files, M objects: X errors, Y warnings`. */
export function summaryLine(r: ValidateReport): string {
  const s = r.summary;
  return `${plural(s.files, 'file')}, ${plural(s.objects, 'object')}: ${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}`;
}

/** `file:line:col` (or just `file` for issues without a position). */
export function location(i: ManifestIssue): string {
  return i.line > 0 ? `${i.file}:${i.line}:${i.col}` : i.file;
}
