// Which documents of a file are rolegate's: the others (Deployments, ConfigMaps...) are ignored, not reported,
// except under --strict, where each is one finding (foreignFinding): a PrivilegedRole whose apiVersion names
// another group is ignored too, and a strict CI run should not pass it.
import { API_VERSION, GROUP } from '../api/v1alpha1/types.js';
import { isKind } from '../api/validation/problem.js';
import { describe } from '../api/validation/wording.js';
import type { ManifestIssue } from './types.js';

/** True for a parsed document that is a rolegate object (valid or not). */
export function isOurs(o: Record<string, unknown>): boolean {
  const av = o['apiVersion'];
  if (typeof av === 'string') return av === GROUP || av.startsWith(`${GROUP}/`);
  // Without an apiVersion, a rolegate kind is still ours: report the missing apiVersion instead of ignoring it.
  return av === undefined && isKind(o['kind']);
}

const NOT_VALIDATED = 'nothing in it was validated';

/**
 * The finding for a document (or List item) that is not a rolegate object, at `line:col`; undefined for an
 * empty document. `data` is what the document holds and `pointer` where (`/items/3` in a List).
 */
export function foreignFinding(
  file: string,
  data: unknown,
  pos: { line: number; col: number },
  pointer = '',
): ManifestIssue | undefined {
  if (data === null || data === undefined) return undefined;
  let message: string;
  if (typeof data !== 'object' || Array.isArray(data)) {
    message = `The document is ${describe(data)}, not a Kubernetes object: ${NOT_VALIDATED}`;
  } else {
    const o = data as Record<string, unknown>;
    const kind = typeof o['kind'] === 'string' ? o['kind'] : undefined;
    const av = typeof o['apiVersion'] === 'string' ? o['apiVersion'] : undefined;
    const meta = o['metadata'];
    const rawName =
      typeof meta === 'object' && meta !== null
        ? (meta as Record<string, unknown>)['name']
        : undefined;
    const name = typeof rawName === 'string' ? ` ${rawName}` : '';
    if (kind === undefined && av === undefined) {
      message = `The document is a mapping without apiVersion and kind, not a Kubernetes object: ${NOT_VALIDATED}`;
    } else if (isKind(kind)) {
      message = `${kind}${name} has apiVersion ${av === undefined ? describe(o['apiVersion']) : av}, which is not in the ${GROUP} group, so rolegate ignores it: use apiVersion ${API_VERSION}`;
    } else {
      message = `${kind ?? 'An object without a kind'}${name} (apiVersion ${av ?? 'missing'}) is not a ${GROUP} object: ${NOT_VALIDATED} (--strict expects only PrivilegedRoles and IdentityProviders)`;
    }
  }
  return {
    file,
    line: pos.line,
    col: pos.col,
    pointer,
    rule: 'document.foreign',
    severity: 'warning',
    message,
  };
}
