// Turns the problems validateObject finds on plain data into located issues (file:line:col, pointer, rule,
// message), and adds the YAML 1.1 traps. Shared by both parsers of a file (the full `yaml` one and the fast
// subset one): they differ only in how they find offsets, so they cannot word or place a finding differently.
import { fieldPath } from '../api/validation/pointer.js';
import type { ValidationProblem } from '../api/validation/problem.js';
import type { ManifestIssue } from './types.js';

/** The plain scalars that YAML 1.1 (kubectl, through go-yaml v2) resolves to booleans and YAML 1.2 does not. */
export const BOOL_11 = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;
const BOOL_11_TRUE = /^(y|Y|yes|Yes|YES|on|On|ON)$/;

/** Rules whose problem is about a key, not a value: report at the key. */
const KEY_RULES = new Set(['schema.additionalProperties']);

/** A plain scalar (key or value) that YAML 1.1 would read as a boolean. */
export interface TrapScalar {
  /** Pointer of the pair (for a key) or of the value, relative to the object. */
  pointer: string;
  /** The scalar as written (`yes`, `Off`...). */
  word: string;
  /** Offset of the scalar in the file. */
  offset: number;
  isKey: boolean;
}

/** What locateProblems needs from a parsed document. */
export interface DocumentPositions {
  /** Line and column (1-based) of an offset in the file. */
  linePos(offset: number): { line: number; col: number };
  /** The offset to report for a pointer relative to the object (see pointerOffset). */
  offsetOf(pointer: string, prefer: 'value' | 'key'): number;
  /** The object's YAML 1.1 traps, in document order. */
  traps: readonly TrapScalar[];
}

/** Converts problems of one object (plus its YAML 1.1 traps) into located issues. */
export function locateProblems(
  file: string,
  doc: DocumentPositions,
  prefix: string,
  problems: ValidationProblem[],
): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  const byPointer = new Map<string, ValidationProblem[]>();
  for (const p of problems) {
    const list = byPointer.get(p.pointer);
    if (list === undefined) byPointer.set(p.pointer, [p]);
    else list.push(p);
  }
  const replaced = new Set<ValidationProblem>();
  for (const t of doc.traps) {
    const word = t.word;
    const asBool = BOOL_11_TRUE.test(word);
    const { line, col } = doc.linePos(t.offset);
    const base = { file, line, col, pointer: prefix + t.pointer, rule: 'yaml.bool-1.1' };
    if (t.isKey) {
      issues.push({
        ...base,
        severity: 'warning',
        message: `The key ${word} is the string "${word}" for rolegate (YAML 1.2), but kubectl (YAML 1.1) would read the boolean ${asBool}; quote it: "${word}"`,
      });
      continue;
    }
    const here = byPointer.get(t.pointer) ?? [];
    const typeProblem = here.find((p) => p.rule === 'schema.type');
    if (typeProblem) {
      // A boolean field: the schema error alone ("got the string yes") would hide why it looks right.
      replaced.add(typeProblem);
      issues.push({
        ...base,
        severity: 'error',
        message: `Field ${fieldPath(t.pointer)} must be a boolean: kubectl (YAML 1.1) would read the unquoted ${word} as the boolean ${asBool}, but rolegate (YAML 1.2) reads the string "${word}"; write ${asBool} (or quote it if a string is meant)`,
      });
    } else if (here.length === 0) {
      issues.push({
        ...base,
        severity: 'warning',
        message: `Field ${fieldPath(t.pointer)}: kubectl (YAML 1.1) would read the unquoted ${word} as the boolean ${asBool} (which the API server rejects), but rolegate (YAML 1.2) reads the string "${word}"; quote it: "${word}"`,
      });
    }
  }
  for (const p of problems) {
    if (replaced.has(p)) continue;
    const { line, col } = doc.linePos(
      doc.offsetOf(p.pointer, KEY_RULES.has(p.rule) ? 'key' : 'value'),
    );
    issues.push({
      file,
      line,
      col,
      pointer: prefix + p.pointer,
      rule: p.rule,
      severity: p.severity,
      message: p.message,
    });
  }
  return issues;
}
