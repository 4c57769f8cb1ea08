// `--format text`: one line per problem in the compiler style editors and CI logs link to, then a summary.
import { location, summaryLine, type ReportIssue, type ValidateReport } from './types.js';

/** One issue as `file:line:col: error|warning: message [rule] (at /pointer)`. */
export function textLine(i: ReportIssue): string {
  return `${location(i)}: ${i.severity}: ${i.message} [${i.rule}]${i.pointer ? ` (at ${i.pointer})` : ''}`;
}

/**
 * Renders the text report. `quiet` prints only errors and no summary, for logs that should stay empty when all
 * is well.
 */
export function renderText(r: ValidateReport, opts: { quiet?: boolean } = {}): string {
  const lines = r.issues.filter((i) => !opts.quiet || i.severity === 'error').map(textLine);
  if (!opts.quiet) lines.push(summaryLine(r));
  return lines.length ? `${lines.join('\n')}\n` : '';
}
