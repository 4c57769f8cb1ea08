// The order of issues in every report: by place, so that CI output is stable and diffs well.
import type { ManifestIssue } from './types.js';

/** Sorts issues by file, line, column, rule and pointer (stable output for CI diffs). */
export function sortIssues(issues: ManifestIssue[]): ManifestIssue[] {
  return issues.sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.col - b.col ||
      (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0) ||
      (a.pointer < b.pointer ? -1 : a.pointer > b.pointer ? 1 : 0),
  );
}
