// `--format github`: GitHub Actions workflow commands, so problems show as annotations on the pull request's
// lines (with the real line and column; an annotation pinned to line 1 is useless in review).
// https://docs.github.com/actions/reference/workflow-commands-for-github-actions
import { summaryLine, type ReportIssue, type ValidateReport } from './types.js';

/** Escapes a workflow command's message: `%`, CR and LF. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a workflow command property value: as data, plus `:` and `,`, which delimit properties. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * One issue as `::error file=…,line=…,col=…,title=rolegate validate [rule]::message`. The rule goes in the
 * title (annotations are grouped and filtered by it); the pointer is left out because the annotation already
 * sits on the line.
 */
export function githubLine(i: ReportIssue): string {
  const props = [`file=${escapeProperty(i.file)}`];
  if (i.line > 0) props.push(`line=${i.line}`, `col=${i.col}`);
  props.push(`title=${escapeProperty(`rolegate validate [${i.rule}]`)}`);
  return `::${i.severity} ${props.join(',')}::${escapeData(i.message)}`;
}

/** Renders the annotations and a plain summary line. `quiet` leaves out warnings and the summary. */
export function renderGithub(r: ValidateReport, opts: { quiet?: boolean } = {}): string {
  const lines = r.issues.filter((i) => !opts.quiet || i.severity === 'error').map(githubLine);
  if (!opts.quiet) lines.push(summaryLine(r));
  return lines.length ? `${lines.join('\n')}\n` : '';
}
