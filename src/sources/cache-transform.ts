// What the informer caches keep of an object. The API server sends every object whole; rolegate keeps 5,000 of them
// in memory for as long as it runs, so fields it never reads are dropped as each list page or watch event arrives,
// before the object is cached (controller-runtime's TransformStripManagedFields, plus kubectl's copy of the
// last-applied object). Stripping is safe: finalizers go out as merge patches of their own field, and status as a
// PUT of /status, from which the API server takes only status (metadata, and managedFields when the request has
// none, come from the stored object; test/integration/status checks both).

/** The annotation `kubectl apply` (client-side) writes: the whole applied object again, as a JSON string. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** The part of an object the transform looks at. */
interface WithMetadata {
  metadata?: Record<string, unknown> | null;
}

/**
 * Removes what rolegate never reads from an object about to be cached: `metadata.managedFields` (often larger than
 * the object itself) and the last-applied-configuration annotation. Everything else — spec, status, labels, other
 * annotations, finalizers, resourceVersion, generation, uid, timestamps — is kept. Objects without metadata (watch
 * errors) pass through unchanged. Returns the same object, for use as a map function; its metadata (and annotations)
 * are replaced by copies without the dropped fields rather than deleted from: V8 keeps an object that lost a
 * property as a hash table, about 450 bytes per cached object's metadata instead of about 100.
 */
export function stripForCache<T>(obj: T): T {
  const holder = obj as WithMetadata | null | undefined;
  const meta = holder?.metadata;
  if (!meta || typeof meta !== 'object') return obj;
  const annotations = meta.annotations as Record<string, string> | null | undefined;
  const dropAnnotation =
    !!annotations && typeof annotations === 'object' && LAST_APPLIED_ANNOTATION in annotations;
  if (!('managedFields' in meta) && !dropAnnotation) return obj;
  const { managedFields: _managedFields, ...kept } = meta;
  if (dropAnnotation) {
    const { [LAST_APPLIED_ANNOTATION]: _lastApplied, ...rest } = annotations;
    kept.annotations = rest;
  }
  holder.metadata = kept;
  return obj;
}
