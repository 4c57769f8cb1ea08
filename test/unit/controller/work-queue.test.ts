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
