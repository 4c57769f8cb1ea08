// Which documents of a file are rolegate's: the others (Deployments, ConfigMaps...) are ignored, not reported.
import { GROUP } from '../api/v1alpha1/types.js';
import { isKind } from '../api/validation/problem.js';

/** True for a parsed document that is a rolegate object (valid or not). */
export function isOurs(o: Record<string, unknown>): boolean {
  const av = o['apiVersion'];
  if (typeof av === 'string') return av === GROUP || av.startsWith(`${GROUP}/`);
  // Without an apiVersion, a rolegate kind is still ours: report the missing apiVersion instead of ignoring it.
  return av === undefined && isKind(o['kind']);
}
