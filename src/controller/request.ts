// Pure. A request names one object of one kind, as controller-runtime's reconcile.Request does; the work queue
// holds requests by a typed id, so that two kinds share a queue without guessing a kind from a key.
import type { ObjectKey } from '../api/keys.js';
import type { WatchedKind } from '../sources/types.js';

/** One object to reconcile. */
export interface Request {
  kind: WatchedKind;
  key: ObjectKey;
}

/** The queue id of a request: the kind (which holds no slash), a slash, then the key. */
export type RequestId = `${WatchedKind}/${ObjectKey}`;

/** The queue id of a request. */
export function requestId(r: Request): RequestId {
  return `${r.kind}/${r.key}`;
}

/** The request a queue id stands for. */
export function parseRequestId(id: RequestId): Request {
  const i = id.indexOf('/');
  return { kind: id.slice(0, i) as WatchedKind, key: id.slice(i + 1) };
}
