// `rolegate emulator` as a process: it prints where it listens (Graph and ARM), tokens come from its token
// endpoint, and its paging options reach the server.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const CLI = resolve('dist/cli/main.js');
const running: ChildProcess[] = [];
afterEach(() => {
  for (const p of running.splice(0)) p.kill('SIGTERM');
});

/** Starts `rolegate emulator ARGS` and resolves with its output once it says where it listens. */
function start(args: string[]): Promise<string> {
  const child = spawn(process.execPath, [CLI, 'emulator', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  return new Promise((resolveUrl, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no URL within 15 s: ${out}`)), 15_000);
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (/Press Ctrl\+C/.test(out)) {
        clearTimeout(timer);
        resolveUrl(out);
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

let token = '';

/** Starts the emulator and gets a Graph token for the default application from its token endpoint. */
async function emulator(args: string[]): Promise<string> {
  const out = await start(args);
  const url = /listening on (http:\/\/\S+)/.exec(out)![1]!;
  const tenant = /\(tenant ([0-9a-f-]+)\)/.exec(out)![1]!;
  const client = /client ([0-9a-f-]+) holds/.exec(out)![1]!;
  const res = await fetch(`${url}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: client,
      client_secret: 'x',
      scope: 'https://graph.microsoft.com/.default',
    }),
  });
  token = ((await res.json()) as { access_token: string }).access_token;
  return url;
}

const definitions = (url: string, query: string): Promise<Response> =>
  fetch(`${url}/v1.0/roleManagement/directory/roleDefinitions${query}`, {
    headers: { Authorization: `Bearer ${token}` },
  });

describe('rolegate emulator', () => {
  it('prints Graph, ARM, the token endpoint and an IdentityProvider for both; refuses a made-up token', async () => {
    const out = await start([]);
    const arm = /ARM:\s+(http:\/\/\S+)/.exec(out)?.[1];
    expect(arm).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(out).toContain(`resourceManagerUrl: ${arm}`);
    const url = /listening on (http:\/\/\S+)/.exec(out)![1]!;
    const r = await fetch(`${url}/v1.0/roleManagement/directory/roleDefinitions`, {
      headers: { Authorization: 'Bearer test' },
    });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });

  it('caps $top at --max-page-size and keeps --page-size without it', async () => {
    const url = await emulator(['--roles', '12', '--page-size', '4', '--max-page-size', '5']);
    // 12 roles asked for with $top=999: pages of 5, 5 and 2, following the nextLinks
    const sizes: number[] = [];
    let next: string | undefined = `${url}/v1.0/roleManagement/directory/roleDefinitions?$top=999`;
    while (next) {
      const page = (await (
        await fetch(next, { headers: { Authorization: `Bearer ${token}` } })
      ).json()) as { value: unknown[]; '@odata.nextLink'?: string };
      sizes.push(page.value.length);
      next = page['@odata.nextLink'];
    }
    expect(sizes).toEqual([5, 5, 2]);
    const plain = (await (await definitions(url, '')).json()) as { value: unknown[] };
    expect(plain.value).toHaveLength(4);
  });

  it('answers 400 to $top with --refuse-top, and still lists without it', async () => {
    const url = await emulator(['--refuse-top']);
    const refused = await definitions(url, '?$top=999');
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
      'Request_UnsupportedQuery',
    );
    expect((await definitions(url, '')).status).toBe(200);
  });
});
