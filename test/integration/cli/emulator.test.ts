// `rolegate emulator` as a process: it prints where it listens, and its paging options reach the server.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const CLI = resolve('dist/cli/main.js');
const running: ChildProcess[] = [];
afterEach(() => {
  for (const p of running.splice(0)) p.kill('SIGTERM');
});

/** Starts `rolegate emulator ARGS` and resolves with its base URL once it says where it listens. */
function emulator(args: string[]): Promise<string> {
  const child = spawn(process.execPath, [CLI, 'emulator', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  return new Promise((resolveUrl, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no URL within 15 s: ${out}`)), 15_000);
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]!);
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

const definitions = (url: string, query: string): Promise<Response> =>
  fetch(`${url}/v1.0/roleManagement/directory/roleDefinitions${query}`, {
    headers: { Authorization: 'Bearer test' },
  });

describe('rolegate emulator', () => {
  it('caps $top at --max-page-size and keeps --page-size without it', async () => {
    const url = await emulator(['--roles', '12', '--page-size', '4', '--max-page-size', '5']);
    // 12 roles asked for with $top=999: pages of 5, 5 and 2, following the nextLinks
    const sizes: number[] = [];
    let next: string | undefined = `${url}/v1.0/roleManagement/directory/roleDefinitions?$top=999`;
    while (next) {
      const page = (await (
        await fetch(next, { headers: { Authorization: 'Bearer test' } })
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
