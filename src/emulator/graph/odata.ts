// The small OData subset the PIM endpoints need: `$filter` as a conjunction of `eq` comparisons, nested
// `$expand`/`$select`, `$top` and server-driven paging with an opaque `$skiptoken` in an absolute nextLink.
import { badRequest, type GraphResponse, type RequestIds } from './errors.js';

/** One `$expand` item with its nested options, e.g. `policy($expand=rules)`. */
export interface ExpandItem {
  name: string;
  expand: ExpandItem[];
  select: string[] | undefined;
}

/** The query options of one request. */
export interface QueryOptions {
  /** `field eq value` terms, keyed by field name (lower case). */
  filter: Map<string, string | boolean> | undefined;
  expand: ExpandItem[];
  select: string[] | undefined;
  top: number | undefined;
  skip: number;
}

/** A query option Graph would reject. */
export class ODataError extends Error {
  override readonly name = 'ODataError';
}

/** Splits on a separator outside parentheses and quotes. */
function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = '';
  for (const ch of s) {
    if (ch === "'") quoted = !quoted;
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')') depth--;
    if (ch === sep && depth === 0 && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((x) => x.trim()).filter((x) => x.length > 0);
}

/** Parses `a eq 'x' and b eq true`. Anything else (or, ne, functions) is refused: the emulator is strict. */
export function parseFilter(s: string): Map<string, string | boolean> {
  const out = new Map<string, string | boolean>();
  for (const term of s.split(/\s+and\s+/i)) {
    const m = /^\s*([A-Za-z][A-Za-z0-9_/]*)\s+eq\s+(?:'((?:[^']|'')*)'|(true|false))\s*$/i.exec(
      term,
    );
    if (!m) throw new ODataError(`Invalid filter clause: '${term.trim()}'.`);
    const value = m[2] !== undefined ? m[2].replace(/''/g, "'") : m[3]!.toLowerCase() === 'true';
    out.set(m[1]!.toLowerCase(), value);
  }
  return out;
}

/** Parses `policy($expand=rules;$select=id),x` into a tree. */
export function parseExpand(s: string): ExpandItem[] {
  return splitTop(s, ',').map((item) => {
    const m = /^([A-Za-z*][A-Za-z0-9_]*)\s*(?:\((.*)\))?$/s.exec(item);
    if (!m) throw new ODataError(`Invalid $expand item: '${item}'.`);
    let expand: ExpandItem[] = [];
    let select: string[] | undefined;
    for (const opt of splitTop(m[2] ?? '', ';')) {
      const eq = opt.indexOf('=');
      const key = opt.slice(0, eq).trim().toLowerCase();
      const value = opt.slice(eq + 1);
      if (key === '$expand') expand = parseExpand(value);
      else if (key === '$select') select = parseSelect(value);
      else throw new ODataError(`Query option '${key}' is not supported inside $expand.`);
    }
    return { name: m[1]!, expand, select };
  });
}

function parseSelect(s: string): string[] {
  return splitTop(s, ',');
}

/** Reads the OData options of a URL's query string. */
export function parseQuery(params: URLSearchParams): QueryOptions {
  const filter = params.get('$filter');
  const expand = params.get('$expand');
  const select = params.get('$select');
  const top = params.get('$top');
  const skiptoken = params.get('$skiptoken');
  let topN: number | undefined;
  if (top !== null) {
    topN = Number(top);
    if (!Number.isInteger(topN) || topN < 1)
      throw new ODataError(`Invalid value '${top}' for $top.`);
  }
  return {
    filter: filter === null ? undefined : parseFilter(filter),
    expand: expand === null ? [] : parseExpand(expand),
    select: select === null ? undefined : parseSelect(select),
    top: topN,
    skip: skiptoken === null ? 0 : decodeSkipToken(skiptoken),
  };
}

/** Finds an expanded navigation property by name (case-insensitive), or `*`. */
export function expanded(items: ExpandItem[], name: string): ExpandItem | undefined {
  const n = name.toLowerCase();
  return items.find((i) => i.name.toLowerCase() === n || i.name === '*');
}

/** Keeps only selected properties (always keeping `@odata.*` annotations and `id`). */
export function applySelect(
  obj: Record<string, unknown>,
  select: string[] | undefined,
): Record<string, unknown> {
  if (!select || select.includes('*')) return obj;
  const keep = new Set(select.map((s) => s.toLowerCase()));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k.startsWith('@odata.') || k === 'id' || keep.has(k.toLowerCase())) out[k] = v;
  }
  return out;
}

/** An opaque skip token. Real tokens are opaque too; clients must only copy nextLink. */
export function encodeSkipToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset, v: 1 })).toString('base64url');
}

function decodeSkipToken(token: string): number {
  try {
    const o = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown }).o;
    if (typeof o === 'number' && Number.isInteger(o) && o >= 0) return o;
  } catch {
    // Falls through to the error below.
  }
  throw new ODataError('The skip token is invalid.');
}

/** One page of a collection and the nextLink to the rest. */
export interface Page<T> {
  items: T[];
  nextLink: string | undefined;
}

/**
 * How large a server makes its pages. Graph pages on the server side whatever the client asks: without `$top`
 * an API's default page size applies, and `$top` is honoured up to a maximum (999 for most Graph lists; what the
 * PIM lists grant is not documented).
 */
export interface PageLimits {
  /** The page size when the request has no `$top`. */
  pageSize: number;
  /** The largest page `$top` can ask for (never below pageSize). */
  maxPageSize: number;
}

/** The size of the page a request gets: `$top` capped at the maximum, else the default page size. */
export function pageSizeFor(top: number | undefined, limits: PageLimits): number {
  const max = Math.max(limits.pageSize, limits.maxPageSize);
  return Math.max(1, top === undefined ? limits.pageSize : Math.min(top, max));
}

/**
 * Cuts one page out of a collection (see {@link pageSizeFor}). nextLink repeats the original query (so `$top`
 * keeps applying to later pages) with a new `$skiptoken`, as an absolute URL of this server.
 */
export function page<T>(all: T[], q: QueryOptions, limits: PageLimits, selfUrl: URL): Page<T> {
  const size = pageSizeFor(q.top, limits);
  const items = all.slice(q.skip, q.skip + size);
  const next = q.skip + size;
  if (next >= all.length) return { items, nextLink: undefined };
  // The original query as the client wrote it, minus any old $skiptoken, plus the new one: Graph's links read
  // like the request that produced them.
  const kept = selfUrl.search
    .replace(/^\?/, '')
    .split('&')
    .filter((kv) => kv !== '' && !/^(\$|%24)skiptoken=/i.test(kv));
  kept.push(`$skiptoken=${encodeSkipToken(next)}`);
  return { items, nextLink: `${selfUrl.origin}${selfUrl.pathname}?${kept.join('&')}` };
}

/** The query options of a request, or the 400 Graph answers to options it rejects. */
export function queryOrBadRequest(req: {
  url: URL;
  ids: RequestIds;
}): { q: QueryOptions } | { error: GraphResponse } {
  try {
    return { q: parseQuery(req.url.searchParams) };
  } catch (err) {
    if (err instanceof ODataError) return { error: badRequest(err.message, req.ids) };
    throw err;
  }
}
