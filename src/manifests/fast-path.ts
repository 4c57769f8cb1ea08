// The fast path of parseManifestText, for files in plain YAML: parsed by the subset parser of fast-yaml.ts,
// without building a YAML document model, and validated on plain data. Pointers are mapped to lines only for
// the findings and for the few positions the cross-file checks may need, through the same locateProblems as
// the full path, so both report the same findings (a unit test compares them). It gives up (undefined) on a
// file outside the subset, or with a List, and the caller then parses that file with the full parser.
import type { IdentityProvider, PrivilegedRole } from '../api/v1alpha1/types.js';
import { validateObject } from '../api/validate.js';
import { isKind } from '../api/validation/problem.js';
import { sentence } from '../api/validation/wording.js';
import { PROVIDERS } from '../providers/registry.js';
import {
  fastLinePos,
  fastPointerOffset,
  fastTokensOffset,
  parseFastYaml,
  posStart,
  type PosNode,
} from './fast-yaml.js';
import type { LoadedObject, ManifestIssue, ParsedFile } from './types.js';
import { locateProblems } from './locate.js';
import { CROSS_TOKENS, makeLocator, setLocator } from './locators.js';
import { foreignFinding, isOurs } from './ours.js';
import { sortIssues } from './sort-issues.js';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses and validates one file (text without a byte order mark) if it is in the fast parser's subset and
 * has no findings; undefined otherwise.
 */
export function parseManifestFast(file: string, text: string): ParsedFile | undefined {
  const parsed = parseFastYaml(text);
  if (parsed === undefined) return undefined;
  const out: ParsedFile = { roles: [], providers: [], issues: [], documents: parsed.docs.length };
  const addForeign = (data: unknown, at: PosNode): void => {
    const f = foreignFinding(file, data, fastLinePos(parsed.lineStarts, posStart(at)), '');
    if (f) (out.foreign ??= []).push(f);
  };
  for (let docIndex = 0; docIndex < parsed.docs.length; docIndex++) {
    const doc = parsed.docs[docIndex]!;
    const { data, pos } = doc;
    if (pos === undefined) continue;
    if (!isObject(data)) {
      addForeign(data, pos);
      continue;
    }
    const kind = data['kind'];
    // Lists are rare in manifest directories; the full path handles their item prefixes.
    if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(data['items'])) {
      return undefined;
    }
    if (!isOurs(data)) {
      addForeign(data, pos);
      continue;
    }
    const problems = validateObject(data, PROVIDERS.descriptors);
    let issues: ManifestIssue[] = [];
    if (problems.length > 0 || doc.traps.length > 0) {
      issues = locateProblems(
        file,
        {
          linePos: (offset) => fastLinePos(parsed.lineStarts, offset),
          offsetOf: (pointer, prefer) => fastPointerOffset(pos, pointer, prefer),
          traps: doc.traps,
        },
        '',
        problems,
      );
      for (const i of issues) out.issues.push(i);
    }
    const meta = data['metadata'];
    const name = isObject(meta) ? meta['name'] : undefined;
    if (!isKind(kind) || typeof name !== 'string' || name === '') continue;
    const start = fastLinePos(parsed.lineStarts, posStart(pos));
    const loaded: LoadedObject<unknown> = {
      file,
      line: start.line,
      col: start.col,
      docIndex,
      object: data,
      issues,
    };
    setLocator(
      loaded,
      makeLocator(
        '',
        start,
        CROSS_TOKENS.map((t) => fastLinePos(parsed.lineStarts, fastTokensOffset(pos, t))),
      ),
    );
    if (kind === 'PrivilegedRole') out.roles.push(loaded as LoadedObject<PrivilegedRole>);
    else out.providers.push(loaded as LoadedObject<IdentityProvider>);
  }
  if (out.issues.length > 0) {
    sortIssues(out.issues);
    for (const i of out.issues) i.message = sentence(i.message);
  }
  return out;
}
