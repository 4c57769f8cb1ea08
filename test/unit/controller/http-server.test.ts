// The operations server's /readyz: the status code says whether, the body says why (one line per reason).
import { afterEach, describe, expect, it } from 'vitest';
import { ControllerMetrics } from '../../../src/controller/metrics.js';
import { startHttpServer, type OpsServer } from '../../../src/controller/http-server.js';

let server: OpsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('/readyz', () => {
  const cases: { why: string; reasons: string[]; code: number; body: string }[] = [
    { why: 'no reason: ready', reasons: [], code: 200, body: 'ok\n' },
    {
      why: 'one reason is named, so that a failing probe says what to fix',
      reasons: ['waiting for the first list of objects (caches not synced)'],
      code: 503,
      body: 'not ready:\n- waiting for the first list of objects (caches not synced)\n',
    },
    {
      why: 'every reason gets its own line',
      reasons: ['a', 'provider endpoint https://graph.example has not answered for more than 15m'],
      code: 503,
      body: 'not ready:\n- a\n- provider endpoint https://graph.example has not answered for more than 15m\n',
    },
  ];
  it.each(cases)('$why', async ({ reasons, code, body }) => {
    server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      metrics: new ControllerMetrics(false),
      ready: () => reasons,
    });
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(code);
    expect(await res.text()).toBe(body);
  });
});
