// The life of a long-running command (`rolegate run`, both modes): start the parts, serve until SIGINT or
// SIGTERM, then stop them in reverse order within a bounded time. A start-up error closes whatever had started
// and ends the process with an error, so that a liveness probe or a supervisor sees it instead of a healthy
// endpoint in front of a controller that never started.

/** Where the lifecycle reports; a pino logger fits. */
export interface LifecycleLogger {
  info(msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/** What a service's start function gets. */
export interface ServiceContext {
  /** Aborts when the process was asked to stop: hand it to everything that waits or sends requests. */
  stopping: AbortSignal;
  /**
   * Registers how to close a part that has started; parts are closed in reverse order of registration, on
   * shutdown and after a start-up error alike.
   */
  defer(name: string, close: () => Promise<void> | void): void;
}

/** Options of {@link runService}. */
export interface ServiceOptions {
  log: LifecycleLogger;
  /** How long closing may take after the signal; past it the process exits with status 1. */
  shutdownTimeoutMs: number;
  /** The process to watch and end (tests of this module pass a stand-in); default the real one. */
  process?: Pick<NodeJS.Process, 'on' | 'off' | 'exit'>;
}

/**
 * Runs `start`, then waits for SIGINT or SIGTERM, then closes what `start` registered. Resolves after a clean
 * shutdown; rejects with the start-up error after closing what had started. A second signal, or a shutdown
 * that outlasts `shutdownTimeoutMs`, ends the process at once.
 */
export async function runService(
  o: ServiceOptions,
  start: (ctx: ServiceContext) => Promise<void>,
): Promise<void> {
  const proc = o.process ?? process;
  const stop = new AbortController();
  const closers: { name: string; close: () => Promise<void> | void }[] = [];
  const onSignal = (sig: NodeJS.Signals): void => {
    if (stop.signal.aborted) {
      o.log.warn({ signal: sig }, 'second signal: exiting without finishing the shutdown');
      proc.exit(1);
      return;
    }
    o.log.info({ signal: sig }, 'shutting down');
    stop.abort(new Error(`received ${sig}`));
  };
  proc.on('SIGINT', onSignal);
  proc.on('SIGTERM', onSignal);
  const stopped = new Promise<void>((resolve) =>
    stop.signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  let startError: unknown;
  try {
    // a signal during start-up (a cache that never syncs) must not wait for the start to finish
    await Promise.race([
      start({ stopping: stop.signal, defer: (name, close) => closers.push({ name, close }) }),
      stopped,
    ]);
    await stopped;
  } catch (err) {
    startError = err;
    stop.abort(err);
  }
  let closing = '';
  const deadline = setTimeout(() => {
    o.log.error(
      { timeoutMs: o.shutdownTimeoutMs, closing, notClosed: closers.map((c) => c.name) },
      'shutdown did not finish within the shutdown timeout; exiting',
    );
    proc.exit(1);
  }, o.shutdownTimeoutMs);
  try {
    while (closers.length > 0) {
      const c = closers.pop()!;
      closing = c.name;
      try {
        await c.close();
      } catch (err) {
        o.log.warn(
          { part: c.name, err: err instanceof Error ? err.message : String(err) },
          'close failed',
        );
      }
    }
  } finally {
    clearTimeout(deadline);
    proc.off('SIGINT', onSignal);
    proc.off('SIGTERM', onSignal);
  }
  // Everything rolegate opened is closed; a handle some library left open must not keep the process alive.
  setTimeout(() => proc.exit(), 1000).unref();
  if (startError !== undefined) throw startError;
  o.log.info('stopped');
}
