// `rolegate run --dir` as a process: start-up errors end it at once, SIGTERM stops it within a bound without a
// new provider write, a provider that never answers is reported (deadline, condition, readiness), a long
// Retry-After holds every caller back, and the ops server refuses foreign Host headers.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGraphEmulator, type GraphEmulator } from '../../../src/emulator/graph/index.js';
import { eventually } from '../../harness/kube-client.js';
import { startRolegate, type RolegateProcess } from '../../harness/controller-process.js';
import { runCli } from '../../harness/cli.js';
import { exitOf, sigtermWhileHeld } from '../../harness/shutdown.js';

const PRA = 'e8611ab8-c189-46e8-94e1-60213ab1f814';
const PAA = '7be44c8a-adaf-4e2a-84d6-ab2649e08a13';

let emulator: GraphEmulator;
let dir: string;
let proc: RolegateProcess | undefined;

function writeManifests(resync = '1m'): void {
  writeFileSync(
    join(dir, 'provider.yaml'),
    `apiVersion: rolegate.io/v1alpha1
kind: IdentityProvider
metadata: { name: tenant }
spec:
  resyncInterval: ${resync}
  entra: { tenantId: ${emulator.tenantId}, graphBaseUrl: "${emulator.url}", credentials: { type: Emulator } }
`,
  );
  writeFileSync(
    join(dir, 'roles.yaml'),
    `apiVersion: rolegate.io/v1alpha1
kind: PrivilegedRole
metadata: { name: pra, namespace: identity }
spec: { providerRef: { name: tenant }, role: { id: ${PRA} }, mfaRequired: true }
---
apiVersion: rolegate.io/v1alpha1
kind: PrivilegedRole
metadata: { name: paa, namespace: identity }
spec: { providerRef: { name: tenant }, role: { id: ${PAA} }, mfaRequired: true }
`,
  );
}

const run = (extra: string[] = []): RolegateProcess => {
  proc = startRolegate([
    'run',
    '--dir',
    dir,
    '--http-addr',
    '127.0.0.1:0',
    '--log-format',
    'json',
    ...extra,
  ]);
  return proc;
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

beforeEach(async () => {
  emulator = await startGraphEmulator({ port: 0 });
  // two roles without MFA: the controller has writes to make
  emulator.setEnabledRules(PRA, ['Justification']);
  emulator.setEnabledRules(PAA, ['Justification']);
  dir = mkdtempSync(join(tmpdir(), 'rolegate-life-'));
  writeManifests();
});
afterEach(async () => {
  await proc?.stop('SIGKILL');
  proc = undefined;
  await emulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('start-up errors end the process', () => {
  it('a directory that does not exist: non-zero exit at once, not a healthy endpoint', async () => {
    const t0 = Date.now();
    const p = startRolegate(['run', '--dir', join(dir, 'missing'), '--http-addr', '127.0.0.1:0']);
    proc = p;
    const { code, ms } = await exitOf(p, t0);
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(ms).toBeLessThan(10_000);
  });

  it('a busy --http-addr: non-zero exit at once, the emulator started before it closed again', async () => {
    const busy: Server = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as { port: number }).port;
    try {
      const t0 = Date.now();
      const p = startRolegate([
        'run',
        '--dir',
        dir,
        '--emulator',
        '--http-addr',
        `127.0.0.1:${port}`,
      ]);
      proc = p;
      const { code, ms } = await exitOf(p, t0);
      expect(code).not.toBe(0);
      expect(code).not.toBeNull();
      expect(ms).toBeLessThan(10_000);
    } finally {
      busy.close();
    }
  });

  it('an --http-addr that is not an address is a usage error naming the accepted forms', async () => {
    const r = await runCli(['run', '--dir', dir, '--http-addr', 'localhost:80x'], dir);
    // usage errors are 1 (issue #18: 2 is only --detailed-exitcode drift)
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--http-addr "localhost:80x".*host:port, :port/);
  });

  it('--resync below the minimum is a usage error', async () => {
    const r = await runCli(['run', '--dir', dir, '--resync', '0s'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--resync 0s is too short: at least 1s/);
  });
});

describe('SIGTERM', () => {
  it('during a slow read: the read is abandoned, the process exits at once and writes nothing', async () => {
    const r = await sigtermWhileHeld(emulator, 'GET', 5_000, () =>
      run(['--shutdown-timeout', '10s']),
    );
    expect(r.code).toBe(0);
    expect(r.exitMs).toBeLessThan(3_000);
    expect(r.writes).toBe(0);
  });

  it('during a slow write: no new write, and the exit comes within the request deadline', async () => {
    const r = await sigtermWhileHeld(emulator, 'PATCH', 8_000, () =>
      run(['--request-timeout', '2s', '--shutdown-timeout', '6s']),
    );
    expect(r.code).toBe(0);
    expect(r.exitMs).toBeLessThan(4_000);
    // the one batch in flight at the signal (both roles' corrections), nothing after it
    expect(r.writes).toBeLessThanOrEqual(2);
    expect(JSON.stringify(proc?.logs)).toContain('no answer within 2000 ms');
  });
});

describe('--optimize-for: what the JavaScript engine favours', () => {
  it.each([
    {
      reason:
        "memory: V8's optimize-for-size set at start, and the controller does its job under it",
      extra: ['--optimize-for', 'memory'],
      want: 'memory',
    },
    {
      reason: 'auto without heap flags: V8 sizes the heap from the machine, so speed',
      extra: [],
      want: 'speed',
    },
  ])('$reason', async ({ extra, want }) => {
    const p = run(extra);
    const line = await p.waitForLog((l) => l.msg === `JavaScript engine optimizing for ${want}`);
    expect(line.optimizeFor).toBe(want);
    expect(typeof line.heapLimitMiB).toBe('number');
    const url = await p.opsUrl();
    await eventually(
      async () => {
        const s = (await (await fetch(`${url}/status`)).json()) as {
          roles: { key: string; status?: { conditions?: { type: string; status: string }[] } }[];
        };
        expect(s.roles).toHaveLength(2);
        for (const r of s.roles)
          expect(r.status?.conditions?.find((c) => c.type === 'Ready')?.status, r.key).toBe('True');
      },
      20_000,
      100,
    );
    expect(emulator.counts().writes).toBeGreaterThan(0);
    expect(await p.stop('SIGTERM')).toBe(0);
  });
});

describe('a provider that stops answering', () => {
  it('fails requests at the deadline, never reports InSync, and makes /readyz fail after 3 resyncs', async () => {
    emulator.injectFault({ match: { method: 'GET' }, delayMs: 60_000, times: 1000 });
    const p = run(['--request-timeout', '1s', '--resync', '1s']);
    const url = await p.opsUrl();
    await p.waitForLog((l) => JSON.stringify(l).includes('no answer within 1000 ms'), 20_000);
    await eventually(
      async () => {
        const r = await fetch(`${url}/readyz`);
        if (r.status !== 503) throw new Error(`readyz ${r.status}`);
        // the body names the silent endpoint and for how long
        expect(await r.text()).toMatch(
          /^not ready:\n- provider endpoint \S+ has not answered for more than 3s\n/,
        );
      },
      20_000,
      200,
    );
    const s = (await (await fetch(`${url}/status`)).json()) as {
      roles: {
        key: string;
        status?: { conditions?: { type: string; status: string; reason?: string }[] };
      }[];
    };
    for (const r of s.roles) {
      const ready = r.status?.conditions?.find((c) => c.type === 'Ready');
      expect(ready?.status, r.key).not.toBe('True');
      expect(
        r.status?.conditions?.find((c) => c.reason === 'InSync'),
        r.key,
      ).toBeUndefined();
    }
  });
});

describe('Retry-After', () => {
  it('a 429 with Retry-After: 45 holds every request to that provider back, from every reconcile', async () => {
    emulator.injectFault({ match: { method: 'GET' }, status: 429, retryAfter: '45', times: 1 });
    const p = run();
    await eventually(
      () => {
        if (emulator.pendingFaults() > 0) throw new Error('not throttled yet');
      },
      20_000,
      20,
    );
    // A read sent concurrently with the throttled one (the holder listings run beside the policy read) was on its
    // way before the 429 came back, and the emulator counts a request when it answers: let those land first.
    await sleep(300);
    const after429 = emulator.counts().requests;
    // two roles reconcile and the provider resyncs: none of them may ask again before the time
    await sleep(6_000);
    expect(emulator.counts().requests).toBe(after429);
    expect(JSON.stringify(p.logs)).toMatch(/Retry-After|Throttled/);
  });
});

describe('the ops server', () => {
  it('refuses a Host header it was not asked to answer (DNS rebinding), and serves its own address', async () => {
    const p = run();
    const url = new URL(await p.opsUrl());
    const get = (host: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = request(
          { host: url.hostname, port: url.port, path: '/status', headers: { host } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
    expect(await get('rebind.attacker.example')).toBe(421);
    expect(await get(`rebind.attacker.example:${url.port}`)).toBe(421);
    expect(await get(`127.0.0.1:${url.port}`)).toBe(200);
    expect(await get(`localhost:${url.port}`)).toBe(200);
  });
});

afterAll(() => undefined);
