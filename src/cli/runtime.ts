// Assembles a directory-mode controller for the CLI (plan, apply, run --dir): the same reconciler and plan()
// as the Kubernetes controller, with status going to the log and a report instead of an API server.
import type { ManifestInputs } from './inputs.js';
import { Option } from 'commander';
import type { Logger } from 'pino';
import type { LogLevel } from '../log.js';
import { commandLogger, type LogFlags } from './log-options.js';
import { DirectorySource } from '../sources/directory.js';
import { DirectoryStatusWriter, readFirstSeen } from '../status/directory-status-writer.js';
import { LogEventRecorder } from '../status/log-event-recorder.js';
import { ProviderRegistry, type ProviderFactory } from '../controller/provider-registry.js';
import { EnvSecretResolver } from '../controller/env-secret-resolver.js';
import { PROVIDERS } from '../providers/registry.js';
import type { RoleReconciler } from '../controller/role-reconciler.js';
import { newController, type Controller } from '../controller/controller.js';
import { ControllerMetrics } from '../controller/metrics.js';
import type { GraphEmulator } from '../emulator/graph/index.js';
import { emulatorFactory } from './emulator-factory.js';

/** Options shared by plan, apply and run in directory mode. */
export interface DirectoryRuntimeOptions {
  paths: string[];
  watch: boolean;
  allowWeakening: boolean;
  workers: number;
  defaultResyncMs: number;
  /** Start the in-process Graph emulator and point IdentityProviders with Emulator credentials at it. */
  emulator: boolean;
  /** Fixed port for the emulator (0 = any free port). */
  emulatorPort?: number;
  statusFile?: string;
  log: Logger;
  withDefaultMetrics?: boolean;
  /** Manifests read from standard input (one-shot commands). */
  stdin?: Buffer;
}

/** A directory-mode controller and what it is made of. */
export interface DirectoryRuntime {
  source: DirectorySource;
  reconciler: RoleReconciler;
  controller: Controller;
  writer: DirectoryStatusWriter;
  events: LogEventRecorder;
  registry: ProviderRegistry;
  metrics: ControllerMetrics;
  emulator?: GraphEmulator;
  close(): Promise<void>;
}

/** Builds (but does not start) a directory-mode controller. */
export async function directoryRuntime(opts: DirectoryRuntimeOptions): Promise<DirectoryRuntime> {
  const source = new DirectorySource(opts.paths, {
    watch: opts.watch,
    log: opts.log,
    ...(opts.stdin ? { stdin: opts.stdin } : {}),
    // Claim ages of the previous run, so that an object keeps its age (and its claim) across a restart.
    ...(opts.statusFile ? { firstSeen: await readFirstSeen(opts.statusFile) } : {}),
  });
  const writer = new DirectoryStatusWriter(source, opts.log, opts.statusFile);
  const events = new LogEventRecorder(opts.log);
  const metrics = new ControllerMetrics(opts.withDefaultMetrics ?? false);
  let emulator: GraphEmulator | undefined;
  let factory: ProviderFactory = PROVIDERS.factory(opts.log, (name) =>
    metrics.providerRequestObserver(name),
  );
  if (opts.emulator) {
    // loaded only when asked for: the emulator is not part of a production controller
    const { startGraphEmulator } = await import('../emulator/graph/index.js');
    emulator = await startGraphEmulator({ port: opts.emulatorPort ?? 0 });
    opts.log.info({ url: emulator.url, armUrl: emulator.armUrl }, 'emulator started');
    factory = emulatorFactory(factory, { graph: emulator.url, arm: emulator.armUrl }, opts.log);
  }
  const registry = new ProviderRegistry(factory, new EnvSecretResolver());
  const { controller: c, reconciler } = newController(
    source,
    {
      registry,
      status: writer,
      events,
      finalizers: source,
      log: opts.log,
      metrics,
      options: { allowWeakening: opts.allowWeakening, defaultResyncMs: opts.defaultResyncMs },
    },
    { workers: opts.workers, jitter: 0.1 },
  );
  return {
    source,
    reconciler,
    controller: c,
    writer,
    events,
    registry,
    metrics,
    ...(emulator ? { emulator } : {}),
    async close() {
      await c.stop();
      await writer.flush();
      await registry.close();
      await emulator?.close();
    },
  };
}

/** The `--emulator` flag of the one-shot commands. */
export function emulatorOption(): Option {
  return new Option(
    '--emulator',
    'use the in-process Graph emulator for IdentityProviders with Emulator credentials',
  ).default(false);
}

/** Options of a one-shot command (plan, apply, export, alerts). */
export interface OneShotOptions extends LogFlags {
  emulator: boolean;
  allowWeakening?: boolean;
  workers?: number;
}

/**
 * Builds a directory runtime for a one-shot command: no watching, logs on stderr (stdout holds the report)
 * at `defaultLevel` unless --log-level or ROLEGATE_LOG_LEVEL says otherwise.
 */
export function oneShotRuntime(
  inputs: ManifestInputs,
  o: OneShotOptions,
  defaultLevel: LogLevel,
): Promise<DirectoryRuntime> {
  const log = commandLogger(o, defaultLevel, { destination: process.stderr });
  return directoryRuntime({
    paths: inputs.paths,
    ...(inputs.stdin ? { stdin: inputs.stdin } : {}),
    watch: false,
    allowWeakening: o.allowWeakening ?? false,
    workers: o.workers ?? 1,
    defaultResyncMs: 5 * 60_000,
    emulator: o.emulator,
    log,
  });
}

/** Reads the manifests into the runtime's stores without starting the controller. */
export async function loadSource(rt: DirectoryRuntime): Promise<void> {
  await rt.source.start(() => undefined, new AbortController().signal);
  await rt.source.waitForSync();
}
