// Kubernetes mode of `rolegate run`: informers on the API server, status through /status, Events, Secrets
// through the API, and (with --leader-elect) a Lease so that exactly one replica reconciles. With
// --watch-label-selector the controller is one shard of the estate: its own IdentityProviders, their roles, and a
// Lease, field manager, log field and metric label of its own.
import { readFileSync } from 'node:fs';
import { KubeClient } from '../kube/client.js';
import { loadKubeTarget, type KubeTarget } from '../kube/kubeconfig.js';
import { clientNodeTarget } from '../kube/client-node-credentials.js';
import type { Logger } from 'pino';
import { KubernetesSource } from '../sources/kubernetes.js';
import { KubernetesFinalizerWriter } from '../status/kubernetes-finalizer-writer.js';
import { KubernetesStatusWriter } from '../status/kubernetes-status-writer.js';
import { KubernetesEventRecorder } from '../status/kubernetes-event-recorder.js';
import { ProviderRegistry } from '../controller/provider-registry.js';
import { KubeSecretResolver } from '../controller/kube-secret-resolver.js';
import { parseDuration } from '../api/duration.js';
import { PROVIDERS } from '../providers/registry.js';
import { newController, type Controller } from '../controller/controller.js';
import { ControllerMetrics } from '../controller/metrics.js';
import { LeaderElector } from '../kube/leader-election.js';
import { startHttpServer } from '../controller/http-server.js';
import { emulatorFactory } from './emulator-factory.js';
import type { GraphEmulator } from '../emulator/graph/index.js';
import type { ServiceContext } from './service-lifecycle.js';
import { readiness, type RunOptions, type RunSettings } from './run-settings.js';
import {
  SHARD_CONFLICT_EVENT,
  shardFieldManager,
  shardLeaseAnnotations,
  shardLeaseName,
  type PeerShard,
} from '../sources/shard.js';
import { ShardPeers } from '../sources/shard-peers.js';
import type { IdentityProvider } from '../api/v1alpha1/types.js';

const SA_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** The namespace the controller runs in: POD_NAMESPACE, the service account's, or rolegate-system. */
export function podNamespace(): string {
  if (process.env.POD_NAMESPACE) return process.env.POD_NAMESPACE;
  try {
    return readFileSync(SA_NAMESPACE_FILE, 'utf8').trim();
  } catch {
    return 'rolegate-system';
  }
}

/**
 * The API server from `--kubeconfig`, $KUBECONFIG, ~/.kube/config or the pod's service account, in that order
 * (never a silent default such as http://localhost:8080). Exec and auth-provider credentials go through
 * @kubernetes/client-node, loaded only then.
 */
export function kubeTarget(file?: string): KubeTarget {
  const loaded = loadKubeTarget(file);
  return loaded.kind === 'native' ? loaded.target : clientNodeTarget(loaded);
}

/**
 * Starts the controller against a Kubernetes API server; what started is closed through `ctx` when the process
 * stops: the controller first (no new write after the stop signal), then the Lease is released (a standby takes
 * over at its next retry), then the ops server.
 */
export async function startKubernetes(
  o: RunOptions,
  s: RunSettings,
  log: Logger,
  ctx: ServiceContext,
): Promise<void> {
  // Bad timings fail before anything connects (bad selectors failed in runSettings).
  const timings = leaderElectionTimings(o);
  const shard = s.shard;
  const leaseName = shardLeaseName(o.leaderElectionId, shard);
  if (shard) log = log.child({ shard: shard.name });
  const kube = new KubeClient(kubeTarget(o.kubeconfig), { userAgent: shardFieldManager(shard) });
  ctx.defer('Kubernetes client', () => kube.close());
  const namespace = podNamespace();
  const metrics = new ControllerMetrics(true);
  // every series of a shard's controller says which shard it is, so dashboards can sum or split them
  if (shard) metrics.registry.setDefaultLabels({ shard: shard.name });
  let elector: LeaderElector | undefined;
  let current:
    | { controller: Controller; registry: ProviderRegistry; peers: ShardPeers | undefined }
    | undefined;
  // A standby replica is healthy and ready: it is doing its job, which is to wait for the lease.
  const controllerNotReady = (): string[] =>
    elector && !elector.isLeader()
      ? []
      : (current?.controller.notReady() ?? ['the controller has not started']);
  const http = await startHttpServer({
    ...s.http,
    ...(o.httpAllowedHosts ? { allowedHosts: o.httpAllowedHosts } : {}),
    metrics,
    ready: readiness(s, controllerNotReady),
  });
  ctx.defer('http server', () => http.close());
  let emulator: GraphEmulator | undefined;
  if (o.emulator) {
    const { startGraphEmulator } = await import('../emulator/graph/index.js');
    emulator = await startGraphEmulator({ port: s.emulatorPort });
    ctx.defer('emulator', () => emulator?.close());
    log.info({ url: emulator.url, armUrl: emulator.armUrl }, 'emulator started');
  }
  const secrets = new KubeSecretResolver(kube, namespace);
  const events = new KubernetesEventRecorder(kube, { log });
  const status = new KubernetesStatusWriter(kube);
  const finalizers = new KubernetesFinalizerWriter(kube);
  if (o.allowWeakening)
    log.warn('--allow-weakening is on: rolegate may remove MFA where a PrivilegedRole asks for it');

  // A shard that another live shard outranks on a provider (both select it) leaves it to that one, and says so.
  const onShardConflict = (idp: IdentityProvider, peer: PeerShard): void => {
    if (!shard) return;
    const name = idp.metadata.name;
    const note = `IdentityProvider ${name} is selected by shard ${shard.name} (${shard.selector}) and by shard ${peer.name} (${peer.selector}); ${peer.name} is live and takes it (of the shards that select a provider, the one whose name sorts first does), so ${shard.name} does not reconcile it or its PrivilegedRoles. Shards' selectors must not overlap.`;
    log.warn({ provider: name, peer: peer.name, peerSelector: peer.selector }, note);
    events.record(idp, { type: 'Warning', reason: SHARD_CONFLICT_EVENT, action: 'Observe', note });
  };

  const startController = async (): Promise<void> => {
    // leadership can arrive while the process is already stopping
    if (ctx.stopping.aborted) return;
    const made: { source?: KubernetesSource } = {};
    // The other shards are known before the first reconcile, so that a shard outranked on a provider never
    // writes it; the Leases are listed again at a third of the lease duration.
    const peers = shard
      ? new ShardPeers(kube, shard, {
          namespace: o.leaderElectionNamespace ?? namespace,
          intervalMs: Math.max(1000, (timings.leaseDurationSeconds * 1000) / 3),
          log,
          onChange: () => made.source?.recheckPeers(),
        })
      : undefined;
    await peers?.start();
    const source = new KubernetesSource(kube, {
      log,
      ...(o.namespace ? { namespace: o.namespace } : {}),
      ...(shard ? { shard } : {}),
      ...(peers ? { peers, onShardConflict } : {}),
    });
    made.source = source;
    const observedFactory = PROVIDERS.factory(log, (name) => metrics.providerRequestObserver(name));
    const factory = emulator
      ? emulatorFactory(observedFactory, { graph: emulator.url, arm: emulator.armUrl }, log)
      : observedFactory;
    const registry = new ProviderRegistry(factory, secrets);
    const { controller } = newController(
      source,
      {
        registry,
        status,
        events,
        finalizers,
        log,
        metrics,
        options: { allowWeakening: o.allowWeakening, defaultResyncMs: s.defaultResyncMs },
      },
      { workers: s.workers, jitter: 0.1 },
    );
    current = { controller, registry, peers };
    await controller.start();
  };
  let stopping: Promise<void> | undefined;
  const stopController = async (): Promise<void> => {
    const c = current;
    current = undefined;
    if (c) {
      stopping = (async () => {
        await c.peers?.close();
        await c.controller.stop();
        await c.registry.close();
        await events.flush();
      })();
    }
    // a stop already under way (leadership lost just before the signal) is waited for too
    await stopping;
  };

  if (o.leaderElect) {
    const abort = new AbortController();
    elector = new LeaderElector(kube, {
      namespace: o.leaderElectionNamespace ?? namespace,
      name: leaseName,
      ...timings,
      ...(shard ? { annotations: shardLeaseAnnotations(shard) } : {}),
      log,
      onStartedLeading: async () => {
        metrics.leader.set({ name: leaseName }, 1);
        log.info('became leader; starting to reconcile');
        await startController();
      },
      onStoppedLeading: () => {
        metrics.leader.set({ name: leaseName }, 0);
        log.info('not leader; stopped reconciling');
        void stopController();
      },
    });
    metrics.leader.set({ name: leaseName }, 0);
    const electing = elector.run(abort.signal);
    // registered before the controller, so closed after it: the Lease is released once nothing is in flight
    ctx.defer('leader election', async () => {
      abort.abort();
      await electing;
    });
    ctx.defer('controller', stopController);
  } else {
    ctx.defer('controller', stopController);
    await startController();
  }
  log.info(
    {
      url: http.url,
      namespace,
      leaderElection: o.leaderElect,
      ...(o.leaderElect ? { lease: leaseName } : {}),
      ...(shard ? { selector: shard.selector } : {}),
    },
    'serving /healthz, /readyz and /metrics',
  );
}

/**
 * The Lease timings from --leader-elect-lease-duration, --leader-elect-renew-deadline and
 * --leader-elect-retry-period (the names and defaults of controller-runtime's managers: 15s, 10s, 2s).
 */
export function leaderElectionTimings(o: {
  leaderElectLeaseDuration: string;
  leaderElectRenewDeadline: string;
  leaderElectRetryPeriod: string;
}): { leaseDurationSeconds: number; renewDeadlineMs: number; retryPeriodMs: number } {
  const ms = (flag: string, text: string): number => {
    const v = parseDuration(text);
    if (v === undefined || v <= 0) throw new Error(`${flag} ${text} is not a duration such as 15s`);
    return v;
  };
  const lease = ms('--leader-elect-lease-duration', o.leaderElectLeaseDuration);
  const renew = ms('--leader-elect-renew-deadline', o.leaderElectRenewDeadline);
  const retry = ms('--leader-elect-retry-period', o.leaderElectRetryPeriod);
  if (lease % 1000 !== 0)
    throw new Error(
      `--leader-elect-lease-duration ${o.leaderElectLeaseDuration} must be whole seconds (a Lease counts seconds)`,
    );
  // As client-go requires: a leader that cannot renew stops before its lease runs out, and retries in between.
  if (renew >= lease)
    throw new Error(
      `--leader-elect-renew-deadline ${o.leaderElectRenewDeadline} must be shorter than --leader-elect-lease-duration ${o.leaderElectLeaseDuration}, or two replicas could lead at once`,
    );
  if (retry * 1.2 >= renew)
    throw new Error(
      `--leader-elect-retry-period ${o.leaderElectRetryPeriod} (with 20% jitter) must be shorter than --leader-elect-renew-deadline ${o.leaderElectRenewDeadline}`,
    );
  return { leaseDurationSeconds: lease / 1000, renewDeadlineMs: renew, retryPeriodMs: retry };
}
