// Kubernetes mode of `rolegate run` (being assembled).
import type { Logger } from 'pino';
import type { RunOptions } from './run.js';

/** Runs the controller against a Kubernetes API server. */
export async function runKubernetes(_o: RunOptions, _log: Logger, _defaultResyncMs: number): Promise<void> {
  throw new Error('Kubernetes mode is not wired yet');
}
