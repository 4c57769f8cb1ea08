// Pure. Go-style durations ("5m", "1h30m", "1.5s", "250ms"), the format Kubernetes users know from
// controller flags and Flux intervals.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Go-style duration into milliseconds; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== text.length) return undefined;
  return total;
}

/**
 * The shortest resync or reconcile interval rolegate accepts. Shorter ones read the identity provider in a
 * tight loop (a few requests per resync, so thousands a minute) until the tenant throttles it. The CRD refuses
 * them (CEL), `validate` reports them, and the controller clamps whatever gets through to this.
 */
export const MIN_INTERVAL_MS = 1_000;

/** The minimum as written in the CRD and in messages. */
export const MIN_INTERVAL = '1s';

/**
 * Parses a resync or reconcile interval for use: a duration, raised to {@link MIN_INTERVAL_MS} when shorter;
 * undefined when the text is not a duration.
 */
export function parseInterval(text: string | undefined): number | undefined {
  const ms = text === undefined ? undefined : parseDuration(text);
  return ms === undefined ? undefined : Math.max(ms, MIN_INTERVAL_MS);
}

/** Formats milliseconds as a short Go-style duration. */
export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
