// The operations endpoint: /healthz (the process is alive), /readyz (synced and working), /metrics
// (Prometheus) and /status (directory mode's report).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ControllerMetrics } from './metrics.js';
import { hostChecker } from './host-check.js';

/** What the server serves. */
export interface HttpServerOptions {
  /** The address to bind; '' binds every interface. */
  host: string;
  /** Host names answered besides addresses and localhost (see host-check.ts), such as a Service's DNS name. */
  allowedHosts?: readonly string[];
  port: number;
  metrics: ControllerMetrics;
  /** Why the process is not ready, one line each; empty when it is. */
  ready: () => readonly string[];
  status?: () => unknown;
}

/** A started operations server. */
export interface OpsServer {
  url: string;
  close(): Promise<void>;
}

/** Starts the operations server. */
export async function startHttpServer(opts: HttpServerOptions): Promise<OpsServer> {
  const hostAllowed = hostChecker(opts.host, opts.allowedHosts);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (code: number, type: string, body: string): void => {
      res.writeHead(code, { 'content-type': type });
      res.end(body);
    };
    if (!hostAllowed(req.headers.host))
      return send(
        421,
        'text/plain',
        'this server does not answer to that host name (see --http-allowed-hosts)\n',
      );
    if (req.method !== 'GET') return send(405, 'text/plain', 'method not allowed\n');
    switch (path) {
      case '/healthz':
        return send(200, 'text/plain', 'ok\n');
      case '/readyz': {
        // The reasons go in the body (as kube-apiserver's /readyz?verbose lists its failed checks), so that a
        // failing probe in `kubectl describe pod` or a curl says what to fix.
        const reasons = opts.ready();
        return reasons.length === 0
          ? send(200, 'text/plain', 'ok\n')
          : send(503, 'text/plain', `not ready:\n${reasons.map((r) => `- ${r}\n`).join('')}`);
      }
      case '/metrics':
        opts.metrics.registry.metrics().then(
          (text) => send(200, opts.metrics.registry.contentType, text),
          (err: unknown) => send(500, 'text/plain', `${String(err)}\n`),
        );
        return;
      case '/status':
        if (!opts.status)
          return send(
            404,
            'text/plain',
            'status is served in directory mode; use kubectl in Kubernetes mode\n',
          );
        return send(200, 'application/json', JSON.stringify(opts.status(), null, 2) + '\n');
      default:
        return send(404, 'text/plain', 'not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (opts.host === '') server.listen(opts.port, () => resolve());
    else server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
