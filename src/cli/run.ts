// `rolegate run`: the long-running controller, on a directory of manifests or on a Kubernetes API server.
import { setFlagsFromString } from 'node:v8';
import { Command, Option } from 'commander';
import type { Logger } from 'pino';
import { commandLogger, withLogOptions } from './log-options.js';
import { startHttpServer, type OpsServer } from '../controller/http-server.js';
import {
  setDefaultRequestTimeout,
  DEFAULT_REQUEST_TIMEOUT_MS,
} from '../providers/request-deadline.js';
import { formatDuration } from '../api/duration.js';
import { runService, type ServiceContext } from './service-lifecycle.js';
import { readiness, runSettings, type RunOptions, type RunSettings } from './run-settings.js';

export type { RunOptions } from './run-settings.js';

/** The default of --shutdown-timeout: below the chart's terminationGracePeriodSeconds (30), above a request's. */
export const DEFAULT_SHUTDOWN_TIMEOUT = '25s';

/** The `run` command. */
export function runCommand(): Command {
  return withLogOptions(new Command('run'), 'info', 'stdout')
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
    .option(
      '--resync <duration>',
      'resync interval of IdentityProviders that set none (at least 1s)',
      '5m',
    )
    .addOption(
      new Option(
        '--request-timeout <duration>',
        'deadline of each request to an identity provider (Graph, ARM, Keycloak, token endpoints)',
      )
        .env('ROLEGATE_REQUEST_TIMEOUT')
        .default(formatDuration(DEFAULT_REQUEST_TIMEOUT_MS)),
    )
    .addOption(
      new Option(
        '--shutdown-timeout <duration>',
        'on SIGTERM/SIGINT, exit at the latest this long after the signal (keep it below the pod grace period)',
      )
        .env('ROLEGATE_SHUTDOWN_TIMEOUT')
        .default(DEFAULT_SHUTDOWN_TIMEOUT),
    )
    .option(
      '--http-addr <host:port>',
      'address of /healthz, /readyz, /metrics and /status: host:port, :port (all interfaces) or port (loopback)',
      '127.0.0.1:8080',
    )
    .option(
      '--http-allowed-hosts <name...>',
      'host names the HTTP server answers besides IP addresses and localhost (e.g. a Service DNS name)',
    )
    .option(
      '--status-file <file>',
      'directory mode: also write the status report to this JSON file',
    )
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
    .option(
      '--leader-election-id <name>',
      'name of the Lease (a shard adds -<shard name>)',
      'rolegate-controller',
    )
    .option(
      '--watch-label-selector <selector>',
      'Kubernetes mode: run as one shard, owning only the IdentityProviders with these labels (e.g. rolegate.io/shard=a, or !rolegate.io/shard for the rest) and the PrivilegedRoles whose providerRef names one of them; a provider that another live shard named before this one selects too is left to it (a ShardConflict Event)',
    )
    .option(
      '--shard-name <name>',
      'names the shard of --watch-label-selector in logs, metrics, its Lease and its field manager (default: a hash of the selector)',
    )
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
    .addOption(
      new Option(
        '--optimize-for <goal>',
        "what the JavaScript engine favours: memory (V8's optimize-for-size: a smaller heap for more CPU), speed (V8's defaults), or auto: memory when V8's heap limit is at most 256 MiB (as under the Helm chart's default memory limit), speed above",
      )
        .choices(['auto', 'memory', 'speed'])
        .env('ROLEGATE_OPTIMIZE_FOR')
        .default('auto'),
    )
    .addHelpText(
      'after',
      `
Examples:
  rolegate run --dir examples/quickstart --emulator       # try it: finds roles without MFA and fixes them
  rolegate run --dir /manifests --status-file status.json
  rolegate run --kubernetes --leader-elect                 # in a cluster (see the Helm chart)
  rolegate run --kubernetes --leader-elect --shard-name a --watch-label-selector rolegate.io/shard=a`,
    )
    .action(async (o: RunOptions) => {
      if (o.kubernetes === Boolean(o.dir?.length)) {
        throw new Error('give exactly one of --dir PATH or --kubernetes');
      }
      const settings = runSettings(o);
      // Before anything is loaded or allocated: the heap's growth follows the flags from here on.
      for (const flag of settings.v8Flags) setFlagsFromString(flag);
      const log = commandLogger(o, 'info', { timestamps: true });
      log.info(
        { optimizeFor: settings.optimizeFor, heapLimitMiB: settings.heapLimitMiB },
        `JavaScript engine optimizing for ${settings.optimizeFor}`,
      );
      setDefaultRequestTimeout(settings.requestTimeoutMs);
      await runService({ log, shutdownTimeoutMs: settings.shutdownTimeoutMs }, async (ctx) => {
        // each mode loads only its own modules (the Kubernetes controller never needs chokidar, and vice versa)
        if (o.kubernetes) {
          const { startKubernetes } = await import('./run-kubernetes.js');
          await startKubernetes(o, settings, log, ctx);
        } else {
          await startDirectory(o, settings, log, ctx);
        }
      });
    });
}

/** Starts the directory-mode controller; what started is closed through `ctx` (last started, first closed). */
async function startDirectory(
  o: RunOptions,
  s: RunSettings,
  log: Logger,
  ctx: ServiceContext,
): Promise<void> {
  // closed last, so that /healthz answers while the controller drains
  const ops: { server?: OpsServer } = {};
  ctx.defer('http server', () => ops.server?.close());
  const { directoryRuntime } = await import('./runtime.js');
  const rt = await directoryRuntime({
    paths: o.dir ?? [],
    watch: true,
    allowWeakening: o.allowWeakening,
    workers: s.workers,
    defaultResyncMs: s.defaultResyncMs,
    emulator: o.emulator,
    emulatorPort: s.emulatorPort,
    ...(o.statusFile ? { statusFile: o.statusFile } : {}),
    log,
    withDefaultMetrics: true,
  });
  ctx.defer('controller', () => rt.close());
  const http = await startHttpServer({
    ...s.http,
    ...(o.httpAllowedHosts ? { allowedHosts: o.httpAllowedHosts } : {}),
    metrics: rt.metrics,
    ready: readiness(s, () => rt.controller.notReady()),
    status: () => rt.writer.report(),
  });
  ops.server = http;
  log.info({ url: http.url }, 'serving /healthz, /readyz, /metrics and /status');
  if (o.allowWeakening)
    log.warn('--allow-weakening is on: rolegate may remove MFA where a manifest asks for it');
  await rt.controller.start();
}
