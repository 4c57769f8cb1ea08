// rolegate's fetch over node:http, against a real local HTTP server: what the API clients read of a response, and
// the failures they classify (a refused connection, a dropped one, an abort) looking as they do with global fetch.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFetch } from '../../../src/providers/http-fetch.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A page the size of a Graph listing of 999 policies (several MB), in many socket chunks. */
const large = JSON.stringify({
  value: Array.from({ length: 20_000 }, (_, i) => ({ id: `policy-${i}`, ü: 'ö' })),
});

let server: Server;
let base: string;
const seen: Seen[] = [];
const sockets = new Set<unknown>();

/** The server's routes: each answers one way a Graph or Keycloak response can look. */
const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/json': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'Retry-After': '7' });
    res.end('{"value":[1,2]}');
  },
  '/gzip': (_req, res) => {
    res.writeHead(200, { 'content-encoding': 'gzip' });
    res.end(gzipSync('{"z":"gzip"}'));
  },
  '/deflate': (_req, res) => {
    res.writeHead(200, { 'content-encoding': 'deflate' });
    res.end(deflateSync('{"z":"deflate"}'));
  },
  '/br': (_req, res) => {
    res.writeHead(200, { 'content-encoding': 'br' });
    res.end(brotliCompressSync('{"z":"br"}'));
  },
  '/split': (_req, res) => {
    // a two-byte character cut between two writes, as a socket may cut it
    const bytes = Buffer.from('{"name":"Jürgen"}');
    const cut = bytes.indexOf(0xc3) + 1;
    res.writeHead(200);
    res.write(bytes.subarray(0, cut));
    setTimeout(() => res.end(bytes.subarray(cut)), 10);
  },
  '/large-gzip': (_req, res) => {
    res.writeHead(200, { 'content-encoding': 'gzip' });
    res.end(gzipSync(large));
  },
  '/large-chunked': (_req, res) => {
    // no Content-Length: the body grows as it comes
    res.writeHead(200, { 'transfer-encoding': 'chunked' });
    for (let i = 0; i < large.length; i += 100_000) res.write(large.slice(i, i + 100_000));
    res.end();
  },
  '/empty-gzip': (_req, res) => {
    res.writeHead(204, { 'content-encoding': 'gzip' });
    res.end();
  },
  '/empty': (_req, res) => {
    res.writeHead(204);
    res.end();
  },
  '/throttled': (_req, res) => {
    res.writeHead(429, { 'retry-after': '3', 'set-cookie': ['a=1', 'b=2'] });
    res.end('{"error":{"code":"TooManyRequests"}}');
  },
  '/echo': (req, res) => {
    res.writeHead(201, { location: '/created/1' });
    res.end(JSON.stringify({ method: req.method }));
  },
  '/slow': () => {
    // never answers: the caller's signal must end it
  },
  '/false-length': (_req, res) => {
    // a Content-Length of 1 TiB, then a few bytes and a closed connection
    res.writeHead(200, { 'content-length': String(2 ** 40) });
    res.write('{"partial":');
    setTimeout(() => res.socket?.destroy(), 20);
  },
  '/drop': (_req, res) => {
    res.writeHead(200, { 'content-length': '1000' });
    res.write('{"partial":');
    setTimeout(() => res.socket?.destroy(), 20);
  },
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      (routes[req.url ?? ''] ?? routes['/json']!)(req, res);
    });
  });
  server.on('connection', (s) => sockets.add(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('httpFetch', () => {
  const fetch = httpFetch();

  it.each([
    {
      why: 'a JSON answer: status, ok, the body as text and as JSON, a header by any case',
      path: '/json',
      status: 200,
      ok: true,
      text: '{"value":[1,2]}',
      header: ['RETRY-AFTER', '7'],
    },
    {
      why: 'gzip is asked for and decoded, as fetch does (Graph compresses large pages)',
      path: '/gzip',
      status: 200,
      ok: true,
      text: '{"z":"gzip"}',
      header: ['content-encoding', 'gzip'],
    },
    { why: 'deflate is decoded', path: '/deflate', status: 200, ok: true, text: '{"z":"deflate"}' },
    { why: 'brotli is decoded', path: '/br', status: 200, ok: true, text: '{"z":"br"}' },
    { why: '204 has an empty body', path: '/empty', status: 204, ok: true, text: '' },
    {
      why: 'an empty body declared as gzip is empty, not a decoding error',
      path: '/empty-gzip',
      status: 204,
      ok: true,
      text: '',
    },
    {
      why: 'a character cut between two chunks is decoded whole',
      path: '/split',
      status: 200,
      ok: true,
      text: '{"name":"Jürgen"}',
    },
    {
      why: 'a large page without Content-Length (chunked, as Graph sends large pages) arrives whole',
      path: '/large-chunked',
      status: 200,
      ok: true,
      text: large,
    },
    {
      why: 'a large compressed page arrives in many chunks and is decoded whole',
      path: '/large-gzip',
      status: 200,
      ok: true,
      text: large,
    },
    {
      why: 'an error status is an answer, not a failure; a repeated header is joined as fetch joins it',
      path: '/throttled',
      status: 429,
      ok: false,
      text: '{"error":{"code":"TooManyRequests"}}',
      header: ['set-cookie', 'a=1, b=2'],
    },
  ])('$why', async ({ path, status, ok, text, header }) => {
    const res = await fetch(`${base}${path}`);
    expect(res.status).toBe(status);
    expect(res.ok).toBe(ok);
    expect(await res.text()).toBe(text);
    if (header) expect(res.headers.get(header[0]!)).toBe(header[1]);
    expect(res.headers.get('x-not-sent')).toBeNull();
    expect(seen.at(-1)?.headers['accept-encoding']).toBe('gzip, deflate, br');
  });

  it('sends the method, the headers and a string body with its length', async () => {
    const body = JSON.stringify({
      rules: ['MultiFactorAuthentication'],
      name: 'Global Administrator ü',
    });
    const res = await fetch(`${base}/echo`, {
      method: 'PATCH',
      headers: { Authorization: 'Bearer t', 'Content-Type': 'application/json' },
      body,
    });
    expect(await res.json()).toEqual({ method: 'PATCH' });
    expect(res.headers.get('Location')).toBe('/created/1');
    const got = seen.at(-1)!;
    expect(got).toMatchObject({ method: 'PATCH', url: '/echo', body });
    expect(got.headers).toMatchObject({
      authorization: 'Bearer t',
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
    });
  });

  it('keeps the connection alive between requests', async () => {
    const before = sockets.size;
    for (let i = 0; i < 5; i++) await (await fetch(`${base}/json`)).text();
    expect(sockets.size - before).toBeLessThanOrEqual(1);
  });

  it('an abort while waiting rejects with the signal’s reason, as fetch does', async () => {
    const c = new AbortController();
    const pending = fetch(`${base}/slow`, { signal: c.signal });
    setTimeout(() => c.abort(new Error('deadline of 5s passed')), 20);
    await expect(pending).rejects.toThrow('deadline of 5s passed');
  });

  it('an aborted signal sends nothing', async () => {
    const n = seen.length;
    await expect(fetch(`${base}/json`, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(seen.length).toBe(n);
  });

  it('a refused connection is TypeError("fetch failed") with the socket error as cause, as the clients classify it', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const err = await fetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect(err).toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });
  });

  it('a false, huge Content-Length is not allocated up front: the request fails as a dropped one', async () => {
    const err = await fetch(`${base}/false-length`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect(err).toMatchObject({ message: 'fetch failed' });
  });

  it('a connection dropped in the middle of the body fails the request rather than answering half of it', async () => {
    const err = await fetch(`${base}/drop`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect(err).toMatchObject({ message: 'fetch failed' });
  });
});
