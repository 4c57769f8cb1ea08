import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WorkQueue } from '../../../src/controller/work-queue.js';

describe('WorkQueue', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('merges duplicate adds of a waiting key', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('a');
    q.add('b');
    expect(q.length).toBe(2);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
  });

  it('runs a key re-added while processing once more after done, never concurrently', async () => {
    const q = new WorkQueue();
    q.add('a');
    const k = await q.get();
    q.add('a'); // arrives while a worker holds it
    expect(q.length).toBe(0); // not handed to a second worker
    q.done(k!);
    expect(q.length).toBe(1);
    expect(await q.get()).toBe('a');
  });

  it.each([
    { failures: 1, want: 1000, reason: 'first failure waits the base delay' },
    { failures: 3, want: 4000, reason: 'doubles per failure' },
    { failures: 10, want: 60_000, reason: 'capped at the maximum' },
  ])('backs off exponentially per key: $reason', ({ failures, want }) => {
    const q = new WorkQueue({ baseMs: 1000, maxMs: 60_000 });
    let delay = 0;
    for (let i = 0; i < failures; i++) delay = q.addRateLimited('a');
    expect(delay).toBe(want);
  });

  it('honours a Retry-After longer than the backoff, and forget resets the backoff', () => {
    const q = new WorkQueue({ baseMs: 1000, maxMs: 60_000 });
    expect(q.addRateLimited('a', 7000)).toBe(7000);
    expect(q.addRateLimited('a')).toBe(2000);
    q.forget('a');
    expect(q.addRateLimited('a')).toBe(1000);
  });

  it('delivers a delayed key when its time comes, and an earlier delay wins', async () => {
    const q = new WorkQueue();
    q.addAfter('a', 5000);
    q.addAfter('a', 1000);
    expect(q.length).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(q.length).toBe(1);
    expect(await q.get()).toBe('a');
    q.done('a');
    vi.advanceTimersByTime(10_000);
    expect(q.length).toBe(0); // the later timer was dropped
  });

  it('counts keys waiting out a failure backoff, but not scheduled resyncs', () => {
    const q = new WorkQueue();
    q.addAfter('resync', 1000);
    q.addRateLimited('failed');
    expect(q.pendingRetries()).toBe(1);
  });

  it('releases waiting workers on shutdown', async () => {
    const q = new WorkQueue();
    const waiting = q.get();
    q.shutDown();
    expect(await waiting).toBeUndefined();
    q.add('late');
    expect(q.length).toBe(0);
  });
});

/** Keys of the form `lane:name` belong to `lane`; keys without a colon to no lane. */
const laneOf = (key: string): string | undefined =>
  key.includes(':') ? key.slice(0, key.indexOf(':')) : undefined;

/** Idle workers: each takes the next key it is given, as the controller's workers do. */
function workers(q: WorkQueue, n: number): { got: string[] } {
  const got: string[] = [];
  for (let i = 0; i < n; i++) void q.get().then((k) => k !== undefined && got.push(k));
  return { got };
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('WorkQueue lanes', () => {
  it.each([
    {
      reason:
        'lanes are served in turn, not in arrival order, so a lane with many keys does not go first',
      workers: 4,
      add: ['a:1', 'a:2', 'a:3', 'b:1'],
      idle: 4,
      want: ['a:1', 'b:1', 'a:2', 'a:3'],
    },
    {
      reason: 'a lane gets no more than its share while another lane has work',
      workers: 2,
      add: ['a:1', 'a:2', 'a:3', 'b:1', 'b:2'],
      idle: 2,
      want: ['a:1', 'b:1'],
    },
    {
      reason: 'a lane alone may use every worker',
      workers: 3,
      add: ['a:1', 'a:2', 'a:3'],
      idle: 3,
      want: ['a:1', 'a:2', 'a:3'],
    },
    {
      reason: 'keys of no lane are never held back by a lane at its share',
      workers: 2,
      add: ['a:1', 'a:2', 'b:1', 'x', 'y'],
      idle: 4,
      want: ['a:1', 'b:1', 'x', 'y'],
    },
    {
      reason: 'with more lanes than workers each lane holds at most one',
      workers: 2,
      add: ['a:1', 'a:2', 'b:1', 'b:2', 'c:1'],
      idle: 5,
      want: ['a:1', 'b:1', 'c:1'],
    },
  ])('$reason', async ({ workers: n, add, idle, want }) => {
    const q = new WorkQueue(undefined, {}, { workers: n, laneOf });
    for (const k of add) q.add(k);
    const w = workers(q, idle);
    await flush();
    expect(w.got).toEqual(want);
  });

  it.each([
    { reason: 'one lane alone may use every worker', workers: 8, lanes: { a: 20 }, want: { a: 8 } },
    {
      reason: 'a lane that wants little leaves the rest to the other',
      workers: 8,
      lanes: { a: 20, b: 1 },
      want: { a: 6, b: 1 },
    },
    {
      reason: 'two lanes that want much share evenly',
      workers: 8,
      lanes: { a: 20, b: 20 },
      want: { a: 4, b: 4 },
    },
    {
      reason:
        'among more lanes than workers, each lane in turn gets a quarter of the workers, so its writes can batch',
      workers: 8,
      lanes: { a: 20, b: 20, c: 20, d: 20, e: 20, f: 20 },
      want: { a: 2, b: 2, c: 2, d: 2, e: 0, f: 0 },
    },
    {
      reason: 'once two lanes were seen, one lane never holds every worker (a quarter stays free)',
      workers: 8,
      lanes: { a: 20, b: 0 },
      want: { a: 6, b: 0 },
    },
  ])('shares workers max-min fairly: $reason', async ({ workers: n, lanes, want }) => {
    const q = new WorkQueue(undefined, {}, { workers: n, laneOf });
    // a lane with no keys now was seen before: its one key came and went
    for (const [lane, count] of Object.entries(lanes))
      if (count === 0) {
        q.add(`${lane}:seen`);
        q.done((await q.get())!);
      }
    for (const [lane, count] of Object.entries(lanes))
      for (let i = 0; i < count; i++) q.add(`${lane}:${i}`);
    workers(q, n);
    await flush();
    expect(Object.fromEntries(Object.keys(lanes).map((l) => [l, q.busyIn(l)]))).toEqual(want);
  });

  it('gives a worker freed by a lane over its share to the other lane, not back to the same one', async () => {
    const q = new WorkQueue(undefined, {}, { workers: 2, laneOf });
    for (const k of ['a:1', 'a:2', 'a:3']) q.add(k);
    const first = workers(q, 2);
    await flush();
    expect(first.got).toEqual(['a:1', 'a:2']); // alone, lane a took both workers
    q.add('b:1');
    const w = workers(q, 1);
    q.done('a:1'); // a still holds one worker, its share now that b has work
    await flush();
    expect(w.got).toEqual(['b:1']);
  });

  it('keeps a blocked lane waiting without a worker, and serves it once the block ends', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let asked = 0;
    const q = new WorkQueue(
      undefined,
      {},
      {
        workers: 4,
        laneOf,
        blockedUntil: (lane) => {
          if (lane !== 'slow') return undefined;
          asked++;
          return asked === 1 ? gate : undefined;
        },
      },
    );
    for (const k of ['slow:1', 'slow:2', 'fast:1', 'fast:2']) q.add(k);
    const w = workers(q, 4);
    await flush();
    expect(w.got).toEqual(['fast:1', 'fast:2']);
    expect(q.length).toBe(2); // still counted as waiting: the queue is not idle
    open();
    await flush();
    expect(w.got).toEqual(['fast:1', 'fast:2', 'slow:1', 'slow:2']);
  });

  it('does not hand out a key of a lane that is blocked after the key was queued', async () => {
    let blocked = false;
    const q = new WorkQueue(
      undefined,
      {},
      {
        workers: 2,
        laneOf,
        blockedUntil: () => (blocked ? new Promise(() => undefined) : undefined),
      },
    );
    q.add('a:1');
    blocked = true;
    const w = workers(q, 1);
    await flush();
    expect(w.got).toEqual([]);
    expect(q.length).toBe(1);
  });

  it('still merges duplicates and never runs a key twice at once within a lane', async () => {
    const q = new WorkQueue(undefined, {}, { workers: 4, laneOf });
    q.add('a:1');
    q.add('a:1');
    const w = workers(q, 2);
    await flush();
    q.add('a:1'); // re-added while processing
    await flush();
    expect(w.got).toEqual(['a:1']);
    expect(q.busyIn('a')).toBe(1);
    q.done('a:1');
    await flush();
    expect(w.got).toEqual(['a:1', 'a:1']);
  });
});
