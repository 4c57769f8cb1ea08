// `rolegate run`: the long-running controller, on a directory of manifests or on a Kubernetes API server.
import { Command } from 'commander';
import { parseDuration } from '../api/duration.js';
import { createLogger } from '../log.js';
import { startHttpServer } from '../controller/http-server.js';

/** Options of `rolegate run`. */
export interface RunOptions {
  dir?: string[];
  kubernetes: boolean;
  emulator: boolean;
  emulatorPort: string;
  allowWeakening: boolean;
  workers: string;
  resync: string;
  httpAddr: string;
  statusFile?: string;
  logLevel: string;
  logFormat: 'auto' | 'json' | 'pretty';
  namespace?: string;
  leaderElect: boolean;
  leaderElectionNamespace?: string;
  leaderElectionId: string;
  leaderElectLeaseDuration: string;
  leaderElectRenewDeadline: string;
  leaderElectRetryPeriod: string;
  kubeconfig?: string;
}

/** Splits "host:port" (":8080" means all interfaces). */
export function parseAddr(addr: string): { host: string; port: number } {
  const i = addr.lastIndexOf(':');
  const host = addr.slice(0, i) || '0.0.0.0';
  return { host: host.replace(/^\[|\]$/g, ''), port: Number(addr.slice(i + 1)) };
}

/** The `run` command. */
export function runCommand(): Command {
  return new Command('run')
    .description(
      'Run the controller: watch PrivilegedRoles in a directory (--dir) or a Kubernetes cluster (--kubernetes) and keep roles behind MFA',
    )
    .option('--dir <path...>', 'directories of manifests to watch (a git checkout)')
    .option(
      '--kubernetes',
      'watch PrivilegedRoles and IdentityProviders through the Kubernetes API server',
      false,
    )
    .option(
      '--emulator',
      'start the in-process Graph emulator and use it for IdentityProviders with Emulator credentials',
      false,
    )
    .option('--emulator-port <port>', 'port of the in-process emulator (0 = any free port)', '0')
    .option(
      '--allow-weakening',
      'allow removing MFA where a PrivilegedRole says mfaRequired: false (off: such drift is reported, not applied)',
      false,
    )
    .option('--workers <n>', 'concurrent reconciles', '20')
    .option('--resync <duration>', 'resync interval of IdentityProviders that set none', '5m')
    .option(
      '--http-addr <host:port>',
      'address of /healthz, /readyz, /metrics and /status',
      '127.0.0.1:8080',
    )
    .option(
      '--status-file <file>',
      'directory mode: also write the status report to this JSON file',
    )
    .option('--log-level <level>', 'trace, debug, info, warn or error', 'info')
    .option('--log-format <format>', 'auto (pretty on a terminal), json or pretty', 'auto')
    .option('--namespace <ns>', 'Kubernetes mode: watch one namespace only (default: all)')
    .option(
      '--leader-elect',
      'Kubernetes mode: elect a leader through a Lease so only one replica reconciles',
      false,
    )
    .option(
      '--leader-election-namespace <ns>',
      'namespace of the Lease (default: the pod namespace)',
    )
    .option('--leader-election-id <name>', 'name of the Lease', 'rolegate-controller')
    .option(
      '--leader-elect-lease-duration <duration>',
      'how long standbys wait after the last renewal before taking the Lease over',
      '15s',
    )
    .option(
      '--leader-elect-renew-deadline <duration>',
      'how long the leader keeps trying to renew before it stops reconciling (less than the lease duration)',
      '10s',
    )
    .option(
      '--leader-elect-retry-period <duration>',
      'how often to try to acquire or renew the Lease (less than the renew deadline)',
      '2s',
    )
    .option(
      '--kubeconfig <file>',
      'Kubernetes mode: kubeconfig (default: KUBECONFIG, ~/.kube/config, or in-cluster)',
    )
    .addHelpText(
      'after',
      `
Examples:
  rolegate run --dir examples/quickstart --emulator       # try it: finds roles without MFA and fixes them
  rolegate run --dir /manifests --status-file status.json
  rolegate run --kubernetes --leader-elect                 # in a cluster (see the Helm chart)`,
    )
    .action(async (o: RunOptions) => {
      if (o.kubernetes === Boolean(o.dir?.length)) {
        throw new Error('give exactly one of --dir PATH or --kubernetes');
      }
      const log = createLogger({ level: o.logLevel, format: o.logFormat });
      const defaultResyncMs = parseDuration(o.resync);
      if (defaultResyncMs === undefined)
        throw new Error(`--resync ${o.resync} is not a duration such as 5m`);
      // each mode loads only its own modules (the Kubernetes controller never needs chokidar, and vice versa)
      if (o.kubernetes) {
        const { runKubernetes } = await import('./run-kubernetes.js');
        await runKubernetes(o, log, defaultResyncMs);
        return;
      }
      const { directoryRuntime } = await import('./runtime.js');
      const rt = await directoryRuntime({
        paths: o.dir ?? [],
        watch: true,
        allowWeakening: o.allowWeakening,
        workers: Number(o.workers),
        defaultResyncMs,
        emulator: o.emulator,
        emulatorPort: Number(o.emulatorPort),
        ...(o.statusFile ? { statusFile: o.statusFile } : {}),
        log,
        withDefaultMetrics: true,
      });
      const { host, port } = parseAddr(o.httpAddr);
      const http = await startHttpServer({
        host,
        port,
        metrics: rt.metrics,
        ready: () => rt.controller.ready,
        status: () => rt.writer.report(),
      });
      log.info({ url: http.url }, 'serving /healthz, /readyz, /metrics and /status');
      if (o.allowWeakening)
        log.warn('--allow-weakening is on: rolegate may remove MFA where a manifest asks for it');
      await rt.controller.start();
      await waitForSignal(log);
      await rt.close();
      await http.close();
    });
}

/** Resolves on SIGINT or SIGTERM (graceful shutdown: the caller drains and releases). */
export function waitForSignal(log: { info(msg: string): void }): Promise<void> {
  return new Promise((resolve) => {
    const done = (sig: string): void => {
      log.info(`received ${sig}, shutting down`);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve();
    };
    const onInt = (): void => done('SIGINT');
    const onTerm = (): void => done('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}
