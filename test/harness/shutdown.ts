// SIGTERM while a provider request is held by the emulator, the same way for both modes of `rolegate run`: the
// test starts the process, this waits until the emulator holds a read or a write, sends the signal, and reports
// how the process ended and how many writes the emulator applied once the held request was let go.
import type { GraphEmulator } from '../../src/emulator/graph/index.js';
import type { RolegateProcess } from './controller-process.js';
import { eventually } from './kube-client.js';

/** How a SIGTERM went. */
export interface ShutdownOutcome {
  code: number | null;
  /** Milliseconds from the signal to the exit. */
  exitMs: number;
  /** Writes the emulator applied in all, counted after the held request was answered. */
  writes: number;
}

/** Exit code and milliseconds from `since` to the exit. */
export function exitOf(
  p: RolegateProcess,
  since: number,
): Promise<{ code: number | null; ms: number }> {
  return new Promise((resolve) => {
    if (p.child.exitCode !== null)
      return resolve({ code: p.child.exitCode, ms: Date.now() - since });
    p.child.once('exit', (code) => resolve({ code, ms: Date.now() - since }));
  });
}

/**
 * Holds the first `method` request (GET: a read, PATCH: a write) for `holdMs`, starts the process, sends
 * SIGTERM once the request is held, and waits for the exit and then for the held request to be answered.
 */
export async function sigtermWhileHeld(
  emulator: GraphEmulator,
  method: 'GET' | 'PATCH',
  holdMs: number,
  start: () => RolegateProcess,
): Promise<ShutdownOutcome> {
  // every read is held (a reconcile reads several times); only the first write, the one that starts
  const times = method === 'GET' ? 20 : 1;
  emulator.injectFault({ match: { method }, delayMs: holdMs, times });
  const p = start();
  await eventually(
    () => {
      if (emulator.pendingFaults() === times) throw new Error(`no ${method} held yet`);
    },
    30_000,
    20,
  );
  const t0 = Date.now();
  p.child.kill('SIGTERM');
  const { code, ms } = await exitOf(p, t0);
  // a write sent after the signal would arrive at the latest once the held request is answered
  await new Promise((r) => setTimeout(r, Math.max(0, t0 + holdMs + 500 - Date.now())));
  return { code, exitMs: ms, writes: emulator.counts().writes };
}
