// The options of `rolegate run` shared by both modes, and what they mean once checked: every value is checked
// before anything starts, so that a bad flag is a usage error and not a half-started controller.
import { getHeapStatistics } from 'node:v8';
import { formatDuration, MIN_INTERVAL, MIN_INTERVAL_MS, parseDuration } from '../api/duration.js';
import { MIN_REQUEST_TIMEOUT_MS } from '../providers/request-deadline.js';
import { unansweredFor } from '../providers/reachability.js';
import { parseListenAddress, parsePort, type ListenAddress } from './listen-address.js';
import type { LogFlags } from './log-options.js';
import { shardOf, type Shard } from '../sources/shard.js';

/** Options of `rolegate run`, as commander parses them. */
export interface RunOptions extends LogFlags {
  dir?: string[];
  kubernetes: boolean;
  emulator: boolean;
  emulatorPort: string;
  allowWeakening: boolean;
  workers: string;
  resync: string;
  requestTimeout: string;
  shutdownTimeout: string;
  httpAddr: string;
  httpAllowedHosts?: string[];
  statusFile?: string;
  namespace?: string;
  leaderElect: boolean;
  leaderElectionNamespace?: string;
  leaderElectionId: string;
  watchLabelSelector?: string;
  shardName?: string;
  leaderElectLeaseDuration: string;
  leaderElectRenewDeadline: string;
  leaderElectRetryPeriod: string;
  kubeconfig?: string;
  optimizeFor: string;
}

/** What V8 favours in the controller's process (`--optimize-for`, once `auto` is resolved). */
export type OptimizeFor = 'memory' | 'speed';

/**
 * The V8 flags of each `--optimize-for` goal, set at run time (v8.setFlagsFromString) as the controller starts:
 * Node.js refuses `--optimize-for-size` in NODE_OPTIONS, and an npm bin has no portable way to pass it on node's
 * own command line. `memory` is V8's optimize-for-size, under which the heap grows less between full collections:
 * measured at 5,000 roles, ~11 MB less resident memory (~20 MB with holders, ~110 MB at 50,000 roles) for ~15-20%
 * more CPU while converging (~60-80% more at 50,000 roles, in more frequent collections of a large heap; see
 * docs/benchmarks.md). `speed` leaves V8's defaults.
 */
export const OPTIMIZE_FOR_V8_FLAGS: Readonly<Record<OptimizeFor, readonly string[]>> = {
  memory: ['--optimize-for-size'],
  speed: [],
};

/**
 * `--optimize-for auto` optimizes for memory up to this V8 heap limit (MiB) and for speed above it. A small heap
 * limit is a memory-bound pod (the chart's default 256Mi gives a 128 MiB old generation), where a tighter heap
 * keeps the container from its limit; a large one is an operator who gave the process memory (or no container
 * limit at all, when V8 sizes the heap from the machine), where a tighter heap would only cost CPU.
 */
export const AUTO_MEMORY_HEAP_LIMIT_MIB = 256;

/** The goal `--optimize-for` names, with `auto` resolved against V8's heap limit (bytes). */
export function optimizeFor(goal: string, heapLimitBytes: number): OptimizeFor {
  if (goal === 'memory' || goal === 'speed') return goal;
  if (goal !== 'auto') throw new Error(`--optimize-for ${goal} is none of auto, memory, speed`);
  return heapLimitBytes <= AUTO_MEMORY_HEAP_LIMIT_MIB * 1024 * 1024 ? 'memory' : 'speed';
}

/** The checked settings. */
export interface RunSettings {
  workers: number;
  defaultResyncMs: number;
  requestTimeoutMs: number;
  shutdownTimeoutMs: number;
  http: ListenAddress;
  emulatorPort: number;
  /** The shard this controller owns (--watch-label-selector); undefined: the whole estate. */
  shard: Shard | undefined;
  /** What V8 favours (--optimize-for, `auto` resolved). */
  optimizeFor: OptimizeFor;
  /** V8's heap limit, MiB (what `auto` was resolved against). */
  heapLimitMiB: number;
  /** V8 flags to set before the controller starts (for optimizeFor). */
  v8Flags: readonly string[];
}

/**
 * How many resync intervals (of `--resync`) a provider endpoint may go without answering before `/readyz`
 * fails: one missed resync is a blip, three are an outage worth a signal outside the conditions.
 */
export const UNREADY_AFTER_RESYNCS = 3;

function duration(flag: string, text: string, minMs: number, min: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new Error(`${flag} ${text} is not a duration such as 5m or 30s`);
  if (ms < minMs) throw new Error(`${flag} ${text} is too short: at least ${min}`);
  return ms;
}

/**
 * Checks the options; throws a usage error naming the flag. `heapLimitBytes` is V8's heap limit (what
 * `--optimize-for auto` is resolved against).
 */
export function runSettings(
  o: RunOptions,
  heapLimitBytes = getHeapStatistics().heap_size_limit,
): RunSettings {
  const workers = Number(o.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 1000)
    throw new Error(`--workers ${o.workers} is not a whole number from 1 to 1000`);
  const emulatorPort = parsePort(o.emulatorPort);
  if (emulatorPort === undefined)
    throw new Error(`--emulator-port ${o.emulatorPort} is not a port (0-65535)`);
  const shard = shardOf(o.watchLabelSelector, o.shardName);
  if (shard && !o.kubernetes)
    throw new Error('--watch-label-selector is for --kubernetes: a directory is one shard already');
  const goal = optimizeFor(o.optimizeFor, heapLimitBytes);
  const requestTimeoutMs = duration(
    '--request-timeout',
    o.requestTimeout,
    MIN_REQUEST_TIMEOUT_MS,
    formatDuration(MIN_REQUEST_TIMEOUT_MS),
  );
  return {
    workers,
    defaultResyncMs: duration('--resync', o.resync, MIN_INTERVAL_MS, MIN_INTERVAL),
    requestTimeoutMs,
    shutdownTimeoutMs: duration('--shutdown-timeout', o.shutdownTimeout, 1000, '1s'),
    http: parseListenAddress(o.httpAddr, '--http-addr'),
    emulatorPort,
    shard,
    optimizeFor: goal,
    heapLimitMiB: Math.round(heapLimitBytes / (1024 * 1024)),
    v8Flags: OPTIMIZE_FOR_V8_FLAGS[goal],
  };
}

/**
 * Readiness: why the process is not ready (empty when it is): the controller's own reasons, and every provider
 * endpoint that has gone unanswered for longer than {@link UNREADY_AFTER_RESYNCS} resyncs.
 */
export function readiness(
  s: RunSettings,
  controllerNotReady: () => readonly string[],
): () => string[] {
  const silence = UNREADY_AFTER_RESYNCS * s.defaultResyncMs;
  return () => [
    ...controllerNotReady(),
    ...unansweredFor(silence).map(
      (endpoint) =>
        `provider endpoint ${endpoint} has not answered for more than ${formatDuration(silence)}`,
    ),
  ];
}
