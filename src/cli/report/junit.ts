// `--format junit`: one testsuite per file and one testcase per object (plus one per file for problems that
// belong to no object, such as a YAML syntax error), the shape GitLab and Jenkins display per test.
import { location, type ReportIssue, type ValidateReport } from './types.js';
import { textLine } from './text.js';

/** Escapes text for XML content and attribute values. */
export function xmlEscape(s: string): string {
  return (
    s
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
      // XML 1.0 forbids most control characters even when escaped.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
  );
}

interface Case {
  name: string;
  file: string;
  line: number;
  issues: ReportIssue[];
}

/** Renders the JUnit XML report. Under --strict, warnings are failures too. */
export function renderJunit(r: ValidateReport): string {
  const byFile = new Map<string, Case[]>();
  const cases = (file: string): Case[] => {
    let list = byFile.get(file);
    if (!list) byFile.set(file, (list = []));
    return list;
  };
  for (const f of r.files) cases(f);
  // Keyed by file and object id: two objects with one id in one file (itself an error) share a testcase.
  const byObject = new Map<string, Case>();
  for (const o of r.objects) {
    const key = `${o.file}\u0000${o.id}`;
    if (byObject.has(key)) continue;
    const c: Case = {
      name: `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`,
      file: o.file,
      line: o.line,
      issues: [],
    };
    byObject.set(key, c);
    cases(o.file).push(c);
  }
  const fileLevel = new Map<string, Case>();
  for (const i of r.issues) {
    let target = i.object === undefined ? undefined : byObject.get(`${i.file}\u0000${i.object}`);
    if (!target) {
      target = fileLevel.get(i.file);
      if (!target) {
        target = { name: `${i.file} (file)`, file: i.file, line: 0, issues: [] };
        fileLevel.set(i.file, target);
        cases(i.file).unshift(target);
      }
    }
    target.issues.push(i);
  }
  const failing = (c: Case): ReportIssue[] =>
    c.issues.filter((i) => i.severity === 'error' || r.strict);
  let tests = 0;
  let failures = 0;
  const suites: string[] = [];
  for (const [file, list] of [...byFile.entries()].sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  )) {
    const f = list.filter((c) => failing(c).length > 0).length;
    tests += list.length;
    failures += f;
    const body = list.map((c) => {
      const fail = failing(c);
      const rest = c.issues.filter((i) => !(i.severity === 'error' || r.strict));
      const attrs = `name="${xmlEscape(c.name)}" classname="${xmlEscape(file)}" file="${xmlEscape(file)}"${c.line > 0 ? ` line="${c.line}"` : ''}`;
      const parts: string[] = [];
      if (fail.length > 0) {
        const first = fail[0]!;
        parts.push(
          `      <failure message="${xmlEscape(`${location(first)}: ${first.message}`)}" type="${xmlEscape(first.rule)}">${xmlEscape(fail.map(textLine).join('\n'))}</failure>`,
        );
      }
      if (rest.length > 0)
        parts.push(`      <system-out>${xmlEscape(rest.map(textLine).join('\n'))}</system-out>`);
      return parts.length === 0
        ? `    <testcase ${attrs}/>`
        : `    <testcase ${attrs}>\n${parts.join('\n')}\n    </testcase>`;
    });
    suites.push(
      `  <testsuite name="${xmlEscape(file)}" tests="${list.length}" failures="${f}" errors="0" skipped="0">${body.length ? `\n${body.join('\n')}\n  ` : ''}</testsuite>`,
    );
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="rolegate validate" tests="${tests}" failures="${failures}" errors="0">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
