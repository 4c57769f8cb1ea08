import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { runService, type ServiceOptions } from '../../../src/cli/service-lifecycle.js';

/** A stand-in for `process`: signals are emitted by the test, exits are recorded. */
function fakeProcess(): EventEmitter & {
  exits: (number | undefined)[];
  exit(code?: number): never;
} {
  const p = new EventEmitter() as EventEmitter & {
    exits: (number | undefined)[];
    exit(code?: number): never;
  };
  p.exits = [];
  p.exit = ((code?: number) => {
    p.exits.push(code);
  }) as (code?: number) => never;
  return p;
}

const quietLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
const options = (
  proc: ReturnType<typeof fakeProcess>,
  shutdownTimeoutMs = 1000,
): ServiceOptions => ({
  log: quietLog,
  shutdownTimeoutMs,
  process: proc as unknown as NonNullable<ServiceOptions['process']>,
});
const tick = (ms = 10): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('runService', () => {
  it('a start-up error closes what had started, last first, and rejects with it', async () => {
    const proc = fakeProcess();
    const closed: string[] = [];
    const run = runService(options(proc), async (ctx) => {
      ctx.defer('a', () => void closed.push('a'));
      ctx.defer('b', () => void closed.push('b'));
      throw new Error('listen EADDRINUSE');
    });
    await expect(run).rejects.toThrow('listen EADDRINUSE');
    expect(closed).toEqual(['b', 'a']);
    expect(proc.listenerCount('SIGTERM')).toBe(0);
  });

  it('SIGTERM aborts the stopping signal first, then closes in reverse order, and resolves', async () => {
    const proc = fakeProcess();
    const seen: string[] = [];
    const run = runService(options(proc), async (ctx) => {
      ctx.defer('server', () => void seen.push('server'));
      ctx.defer(
        'controller',
        () => void seen.push(`controller (stopping=${ctx.stopping.aborted})`),
      );
    });
    await tick();
    proc.emit('SIGTERM', 'SIGTERM');
    await run;
    expect(seen).toEqual(['controller (stopping=true)', 'server']);
  });

  it('a signal during a start that never finishes (a cache that never syncs) still shuts down', async () => {
    const proc = fakeProcess();
    const closed: string[] = [];
    const run = runService(options(proc), async (ctx) => {
      ctx.defer('informers', () => void closed.push('informers'));
      await new Promise(() => undefined);
    });
    await tick();
    proc.emit('SIGINT', 'SIGINT');
    await run;
    expect(closed).toEqual(['informers']);
  });

  it('a shutdown that outlasts the timeout ends the process with status 1', async () => {
    const proc = fakeProcess();
    const run = runService(options(proc, 50), async (ctx) => {
      ctx.defer('stuck', () => new Promise<void>((r) => setTimeout(r, 300)));
    });
    await tick();
    proc.emit('SIGTERM', 'SIGTERM');
    await tick(150);
    expect(proc.exits).toEqual([1]);
    await run;
  });

  it('a second signal ends the process at once', async () => {
    const proc = fakeProcess();
    const run = runService(options(proc), async (ctx) => {
      ctx.defer('slow', () => new Promise<void>((r) => setTimeout(r, 100)));
    });
    await tick();
    proc.emit('SIGTERM', 'SIGTERM');
    await tick();
    proc.emit('SIGTERM', 'SIGTERM');
    expect(proc.exits).toEqual([1]);
    await run;
  });
});
