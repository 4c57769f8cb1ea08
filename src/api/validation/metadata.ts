// Pure. The ObjectMeta rules Kubernetes applies itself (names, namespaces, labels) and rolegate's annotations.
import { PAUSED_ANNOTATION, RECONCILE_INTERVAL_ANNOTATION } from '../v1alpha1/types.js';
import { MIN_INTERVAL, MIN_INTERVAL_MS, parseDuration } from '../duration.js';
import { escapePointerToken, fieldPath } from './pointer.js';
import { isObject, type Kind, type ValidationProblem } from './problem.js';
import { describe } from './wording.js';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Checks an object's metadata; missing or mistyped metadata is left to the schema. */
export function checkMetadata(
  kind: Kind | undefined,
  meta: unknown,
  out: ValidationProblem[],
): void {
  if (!isObject(meta)) return; // missing or mistyped metadata is a schema problem
  const name = meta['name'];
  if (typeof name === 'string') {
    if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
      out.push({
        pointer: '/metadata/name',
        rule: 'metadata.name',
        severity: 'error',
        message: `metadata.name must be a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters), got ${describe(name)}`,
      });
    }
  }
  const ns = meta['namespace'];
  if (typeof ns === 'string') {
    if (kind === 'IdentityProvider') {
      out.push({
        pointer: '/metadata/namespace',
        rule: 'metadata.namespace-ignored',
        severity: 'warning',
        message: `metadata.namespace is ignored: IdentityProvider is cluster-scoped; remove it`,
      });
    } else if (ns.length > 63 || !DNS1123_LABEL.test(ns)) {
      out.push({
        pointer: '/metadata/namespace',
        rule: 'metadata.namespace',
        severity: 'error',
        message: `metadata.namespace must be a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters), got ${describe(ns)}`,
      });
    }
  }
  const labels = meta['labels'];
  if (isObject(labels)) {
    for (const [k, v] of Object.entries(labels)) {
      // Only for a problem: most labels are valid, and this runs for every label of every manifest.
      const pointer = (): string => `/metadata/labels/${escapePointerToken(k)}`;
      const slash = k.lastIndexOf('/');
      const prefix = slash < 0 ? undefined : k.slice(0, slash);
      const local = slash < 0 ? k : k.slice(slash + 1);
      const keyOk =
        local.length <= 63 &&
        LABEL_NAME.test(local) &&
        (prefix === undefined || (prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix)));
      if (!keyOk) {
        out.push({
          pointer: pointer(),
          rule: 'metadata.labels',
          severity: 'error',
          message: `label key ${JSON.stringify(k)} is not valid: an optional DNS subdomain prefix and "/", then at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
        });
      }
      if (typeof v === 'string' && (v.length > 63 || !LABEL_VALUE.test(v))) {
        out.push({
          pointer: pointer(),
          rule: 'metadata.labels',
          severity: 'error',
          message: `${fieldPath(pointer())} must be a label value (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit), got ${describe(v)}`,
        });
      }
    }
  }
  const annotations = meta['annotations'];
  if (isObject(annotations)) {
    const paused = annotations[PAUSED_ANNOTATION];
    if (typeof paused === 'string' && paused !== 'true' && paused !== 'false') {
      out.push({
        pointer: `/metadata/annotations/${escapePointerToken(PAUSED_ANNOTATION)}`,
        rule: 'metadata.annotation',
        severity: 'warning',
        message: `${fieldPath(`/metadata/annotations/${escapePointerToken(PAUSED_ANNOTATION)}`)} must be "true" or "false"; only "true" pauses, got ${describe(paused)}`,
      });
    }
    const interval = annotations[RECONCILE_INTERVAL_ANNOTATION];
    const intervalMs = typeof interval === 'string' ? parseDuration(interval) : undefined;
    if (
      typeof interval === 'string' &&
      (intervalMs === undefined || intervalMs < MIN_INTERVAL_MS)
    ) {
      const pointer = `/metadata/annotations/${escapePointerToken(RECONCILE_INTERVAL_ANNOTATION)}`;
      out.push({
        pointer,
        rule: 'metadata.annotation',
        severity: 'error',
        message:
          intervalMs === undefined
            ? `${fieldPath(pointer)} must be a duration such as 10m or 1h30m, got ${describe(interval)}`
            : `${fieldPath(pointer)} must be at least ${MIN_INTERVAL} (a shorter interval reads the provider in a tight loop), got ${describe(interval)}`,
      });
    }
  }
}
