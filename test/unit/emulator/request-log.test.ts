// The emulator's request log is a bounded ring buffer: it keeps the newest entries, counts what it dropped, and
// its request counts stay exact totals whatever it dropped.
import { describe, expect, it } from 'vitest';
import { RequestLog } from '../../../src/emulator/graph/request-log.js';

const get = (path: string): { method: string; path: string; query: string; status: number } => ({
  method: 'GET',
  path,
  query: '',
  status: 200,
});

describe('RequestLog', () => {
  it.each([
    { reason: 'below capacity keeps everything', capacity: 5, n: 3, kept: 3, dropped: 0 },
    { reason: 'at capacity keeps everything', capacity: 5, n: 5, kept: 5, dropped: 0 },
    { reason: 'over capacity drops the oldest', capacity: 5, n: 12, kept: 5, dropped: 7 },
    { reason: 'a capacity of one keeps the newest', capacity: 1, n: 4, kept: 1, dropped: 3 },
  ])('$reason', ({ capacity, n, kept, dropped }) => {
    const log = new RequestLog(capacity);
    for (let i = 0; i < n; i++) log.add(get(`/v1.0/r/${i}`));
    expect(log.stats()).toEqual({ kept, dropped, capacity });
    // the newest entries, in arrival order
    expect(log.list().map((e) => e.path)).toEqual(
      Array.from({ length: kept }, (_, i) => `/v1.0/r/${n - kept + i}`),
    );
    // counts cover every request, dropped ones included
    expect(log.counts()).toMatchObject({ requests: n, reads: n });
  });

  it('keeps token requests out of the list unless asked, and counts them', () => {
    const log = new RequestLog(10);
    log.add({ method: 'POST', path: '/t/oauth2/v2.0/token', query: '', status: 200 });
    log.add(get('/v1.0/x'));
    expect(log.list().map((e) => e.path)).toEqual(['/v1.0/x']);
    expect(log.list({ identity: true })).toHaveLength(2);
    expect(log.counts()).toMatchObject({ tokens: 1, requests: 1 });
  });

  it('reset empties the ring and the counts', () => {
    const log = new RequestLog(2);
    for (let i = 0; i < 5; i++) log.add(get('/v1.0/x'));
    log.reset();
    expect(log.stats()).toEqual({ kept: 0, dropped: 0, capacity: 2 });
    expect(log.counts().requests).toBe(0);
    log.add(get('/v1.0/y'));
    expect(log.list().map((e) => e.path)).toEqual(['/v1.0/y']);
  });
});
