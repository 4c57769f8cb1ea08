// metav1.MicroTime on the wire: RFC 3339 with exactly six fractional digits. The API server refuses a plain
// JavaScript ISO string (three digits) in Event.eventTime and Lease renew/acquire times.

/** `ms` (default now) as a MicroTime string, e.g. 2026-11-28T14:00:00.123000Z. */
export function microTime(ms: number = Date.now()): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}
