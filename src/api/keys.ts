// Pure. Object keys: the unit of work of the queue.

/** An ObjectKey names one object: "namespace/name" for namespaced kinds, "name" for cluster-scoped ones. */
export type ObjectKey = string;

/** Returns the key of an object from its metadata. */
export function objectKey(meta: { name: string; namespace?: string | undefined }): ObjectKey {
  return meta.namespace ? `${meta.namespace}/${meta.name}` : meta.name;
}

/** Splits a key back into namespace and name. */
export function splitKey(key: ObjectKey): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
