// The fetch rolegate's API clients (Graph, ARM, the emulator's token endpoint, Keycloak's admin API) send with, over
// node:http and node:https. Node's global fetch (undici) parses HTTP with llhttp compiled to WebAssembly, and its
// first request compiles that module: about 30 MB of native memory for V8's compilers, within a second of start-up,
// which stays in the process's high-water mark and much of it in its heap afterwards (measured in
// docs/benchmarks.md, "Where the controller's memory goes"). node:http parses natively and costs none of it.
// This is fetch as far as the clients use it — method, headers, a string body and a signal; status, headers.get(),
// text() and json() — with fetch's behaviour where they depend on it: gzip/deflate/br bodies decoded, a failed
// connection rejected as TypeError('fetch failed') with the socket error as cause, an abort rejected with the
// signal's reason.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';

/** The request options the clients send (a subset of fetch's RequestInit). */
export interface HttpRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** Response headers, read by name (case-insensitive), as fetch's Headers.get. */
export interface HttpHeaders {
  get(name: string): string | null;
}

/** The part of fetch's Response the clients read. */
export interface HttpResponse {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: HttpHeaders;
  text(): Promise<string>;
  json(): Promise<unknown>;
}

/** A fetch as the clients call it; global fetch is one too (tests pass it, or a wrapper of it). */
export type HttpFetch = (url: string, init?: HttpRequestInit) => Promise<HttpResponse>;

/** TLS options of an HttpFetch. */
export interface HttpFetchOptions {
  /** PEM certificates trusted in addition to Node's public roots (a private CA). */
  ca?: readonly string[];
  /** false accepts any server certificate (a test server); default true. */
  rejectUnauthorized?: boolean;
}

const decoders: Record<string, (b: Buffer, cb: (err: Error | null, out: Buffer) => void) => void> =
  { gzip: gunzip, 'x-gzip': gunzip, deflate: inflate, br: brotliDecompress };

/**
 * A fetch over node:http(s) with `options`' TLS settings for https URLs. Without them it sends through Node's global
 * agents, which keep connections alive (Node >= 19) and are the ones Node's own proxy settings apply to.
 */
export function httpFetch(options: HttpFetchOptions = {}): HttpFetch {
  const custom = (options.ca?.length ?? 0) > 0 || options.rejectUnauthorized === false;
  const tlsAgent = custom
    ? new HttpsAgent({
        keepAlive: true,
        rejectUnauthorized: options.rejectUnauthorized !== false,
        // added to the public roots, not replacing them: a server behind a public certificate still works
        ...(options.ca?.length ? { ca: [...rootCertificates, ...options.ca] } : {}),
      })
    : undefined;
  return (url, init = {}) => send(new URL(url), init, tlsAgent);
}

function send(
  url: URL,
  init: HttpRequestInit,
  tlsAgent: HttpsAgent | undefined,
): Promise<HttpResponse> {
  const { signal } = init;
  return new Promise<HttpResponse>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const headers: Record<string, string> = { 'accept-encoding': 'gzip, deflate, br' };
    for (const [k, v] of Object.entries(init.headers ?? {})) headers[k.toLowerCase()] = v;
    if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
    const https = url.protocol === 'https:';
    let settled = false;
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: err }));
    };
    const onAbort = (): void => {
      req.destroy();
      fail(signal?.reason);
    };
    const req = (https ? httpsRequest : httpRequest)(
      url,
      { method: init.method ?? 'GET', headers, ...(https && tlsAgent ? { agent: tlsAgent } : {}) },
      (res) => {
        const body = new BodyBuffer(Number(res.headers['content-length']));
        res.on('data', (c: Buffer) => body.append(c));
        res.on('error', fail);
        res.on('close', () => {
          if (!res.complete) fail(new Error('the connection closed before the response ended'));
        });
        res.on('end', () => {
          if (settled) return;
          decode(res, body.bytes(), (err, bytes) => {
            if (err) return fail(err);
            if (settled) return; // aborted while decoding
            settled = true;
            signal?.removeEventListener('abort', onAbort);
            resolve(response(res, bytes));
          });
        });
      },
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', fail);
    req.end(init.body);
  });
}

/** The largest Content-Length a body buffer is allocated for before its bytes arrive. */
const MAX_PRESIZE = 32 << 20;

/**
 * A response body gathered into one buffer as it arrives (sized by Content-Length when the server sends one,
 * doubled when it must grow), so that the socket's chunks die young: kept in a list until the end and then
 * concatenated, a page of several MB held its chunks and their copy at once, and the chunks, promoted to V8's old
 * generation by then, kept their native memory until the next full collection.
 */
class BodyBuffer {
  private buf: Buffer;
  private length = 0;

  constructor(expected: number) {
    // A Content-Length is trusted up to 32 MiB: a larger (or false) one costs doublings as the bytes come, never
    // an allocation the bytes may not follow.
    this.buf = Buffer.allocUnsafe(
      Number.isSafeInteger(expected) && expected > 0 ? Math.min(expected, MAX_PRESIZE) : 16_384,
    );
  }

  append(chunk: Buffer): void {
    if (this.length + chunk.length > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + chunk.length));
      this.buf.copy(grown, 0, 0, this.length);
      this.buf = grown;
    }
    chunk.copy(this.buf, this.length);
    this.length += chunk.length;
  }

  /** The bytes received (a view, not a copy). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

function decode(
  res: IncomingMessage,
  raw: Buffer,
  cb: (err: Error | null, body: Buffer) => void,
): void {
  const encoding = String(res.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  const decoder = decoders[encoding];
  if (!decoder || raw.length === 0) {
    cb(null, raw);
    return;
  }
  decoder(raw, cb);
}

function response(res: IncomingMessage, body: Buffer): HttpResponse {
  const status = res.statusCode ?? 0;
  const text = (): Promise<string> => Promise.resolve(body.toString('utf8'));
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: {
      get(name: string): string | null {
        const v = res.headers[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
      },
    },
    text,
    json: () => text().then((t) => JSON.parse(t) as unknown),
  };
}
