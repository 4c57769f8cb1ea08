// JSON batching (`POST /v1.0/$batch`): up to 20 requests, unique ids, `dependsOn` ordering with 424 for the
// dependents of a failed request, and the responses in an order of the server's choosing (here: the reverse
// of the request order, so that a client relying on order fails visibly).
import { badRequest, type GraphResponse, type RequestIds } from './errors.js';

/** The most requests one batch may hold. */
export const MAX_BATCH_REQUESTS = 20;

/** One request inside a batch, as the client sent it. */
export interface BatchItem {
  id: string;
  method: string;
  /** Relative to the version root, such as /policies/roleManagementPolicies/x/rules/y. */
  url: string;
  headers: Record<string, string>;
  body: unknown;
  dependsOn: string[];
}

/** One response inside a batch. */
export interface BatchItemResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

/** Runs one item through the normal Graph pipeline (auth is the batch's; faults and log per item). */
export type ItemExecutor = (item: BatchItem) => Promise<GraphResponse>;

function parseItems(body: unknown, ids: RequestIds): BatchItem[] | GraphResponse {
  const reqs = (body as { requests?: unknown } | null)?.requests;
  if (typeof body !== 'object' || body === null || !Array.isArray(reqs) || reqs.length === 0) {
    return badRequest('Invalid batch payload format.', ids);
  }
  if (reqs.length > MAX_BATCH_REQUESTS) {
    return badRequest(
      `The number of requests in a batch exceeds the limit of ${MAX_BATCH_REQUESTS}.`,
      ids,
    );
  }
  const items: BatchItem[] = [];
  for (const r of reqs as unknown[]) {
    const x = r as Record<string, unknown> | null;
    if (
      typeof x !== 'object' ||
      x === null ||
      typeof x.id !== 'string' ||
      x.id === '' ||
      typeof x.method !== 'string' ||
      typeof x.url !== 'string'
    ) {
      return badRequest(
        'Invalid batch payload format: every request needs id, method and url.',
        ids,
      );
    }
    const headers: Record<string, string> = {};
    if (x.headers !== undefined) {
      if (typeof x.headers !== 'object' || x.headers === null)
        return badRequest('Invalid batch payload format: headers must be an object.', ids);
      for (const [k, v] of Object.entries(x.headers)) headers[k] = String(v);
    }
    if (
      x.body !== undefined &&
      !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')
    ) {
      return badRequest(
        `Write request id : ${x.id} does not contain Content-Type header or body.`,
        ids,
      );
    }
    const dependsOn = x.dependsOn === undefined ? [] : x.dependsOn;
    if (!Array.isArray(dependsOn) || !dependsOn.every((d) => typeof d === 'string')) {
      return badRequest('Invalid batch payload format: dependsOn must be a list of ids.', ids);
    }
    items.push({
      id: x.id,
      method: x.method.toUpperCase(),
      url: x.url,
      headers,
      body: x.body,
      dependsOn: dependsOn as string[],
    });
  }
  // Ids are not case-sensitive and must be unique within the batch (json-batching), so "a" and "A" clash.
  const seen = new Set<string>();
  for (const it of items) {
    const k = it.id.toLowerCase();
    if (seen.has(k)) return badRequest(`Batch request id ${it.id} is not unique.`, ids);
    seen.add(k);
  }
  for (const it of items) {
    for (const d of it.dependsOn) {
      if (!seen.has(d.toLowerCase()) || d.toLowerCase() === it.id.toLowerCase()) {
        return badRequest(`Request ${it.id} depends on an unknown request id ${d}.`, ids);
      }
    }
  }
  return items;
}

/** Answers a `$batch` POST. */
export async function handleBatch(
  body: unknown,
  ids: RequestIds,
  execute: ItemExecutor,
): Promise<GraphResponse> {
  const items = parseItems(body, ids);
  if (!Array.isArray(items)) return items;
  const done = new Map<string, BatchItemResponse>();
  let pending = [...items];
  // Waves: run everything whose dependencies are settled, concurrently, until nothing is left.
  while (pending.length > 0) {
    const ready = pending.filter((it) => it.dependsOn.every((d) => done.has(d.toLowerCase())));
    if (ready.length === 0) return badRequest('The dependsOn graph of the batch has a cycle.', ids);
    pending = pending.filter((it) => !ready.includes(it));
    const results = await Promise.all(
      ready.map(async (it): Promise<BatchItemResponse> => {
        const failed = it.dependsOn.find((d) => (done.get(d.toLowerCase())?.status ?? 0) >= 400);
        if (failed !== undefined) {
          return {
            id: it.id,
            status: 424,
            headers: { 'Content-Type': 'application/json' },
            body: {
              error: {
                code: 'FailedDependency',
                message: `Request ${it.id} depends on request ${failed}, which failed.`,
              },
            },
          };
        }
        const r = await execute(it);
        return {
          id: it.id,
          status: r.status,
          headers: r.headers,
          ...(r.body === undefined ? {} : { body: r.body }),
        };
      }),
    );
    for (const r of results) done.set(r.id.toLowerCase(), r);
  }
  const responses = items.map((it) => done.get(it.id.toLowerCase())!).reverse();
  return { status: 200, headers: { 'Content-Type': 'application/json' }, body: { responses } };
}
