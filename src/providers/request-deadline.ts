// Every request rolegate sends to an identity provider (Graph, ARM, Keycloak's admin API, token endpoints) has a
// deadline: a provider that stops answering must surface as an error the reconciler reports, never as a resync
// that hangs silently. The deadline is per attempt; `rolegate run --request-timeout` sets the process default.
import { ProviderError } from './types.js';

/** The default deadline of one provider request. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 20_000;

/** The shortest deadline accepted: below it, ordinary latency to a cloud API would fail requests. */
export const MIN_REQUEST_TIMEOUT_MS = 1_000;

let processDefault = DEFAULT_REQUEST_TIMEOUT_MS;

/** Sets the deadline of clients built without an explicit one (the `--request-timeout` flag). */
export function setDefaultRequestTimeout(ms: number): void {
  if (!Number.isFinite(ms) || ms < MIN_REQUEST_TIMEOUT_MS)
    throw new Error(`the request timeout must be at least ${MIN_REQUEST_TIMEOUT_MS} ms, not ${ms}`);
  processDefault = ms;
}

/** The deadline of clients built without an explicit one. */
export function defaultRequestTimeout(): number {
  return processDefault;
}

/** One attempt's signals: `send` for the request itself, `timedOut` to tell a deadline from a caller's abort. */
export interface AttemptSignal {
  signal: AbortSignal;
  timedOut: () => boolean;
}

/**
 * The signal of one attempt: aborts at the deadline, and also when `caller` aborts unless `write` is true and
 * the request may already be on the wire. A write that was sent is left to finish (within its deadline) so that
 * its outcome is known and logged; whether to send it at all is decided before, with {@link refuseIfStopped}.
 */
export function attemptSignal(
  timeoutMs: number,
  caller: AbortSignal | undefined,
  write: boolean,
): AttemptSignal {
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = caller && !write ? AbortSignal.any([deadline, caller]) : deadline;
  return { signal, timedOut: () => deadline.aborted };
}

/** Throws when the caller has aborted (shutdown, lost leadership): nothing new is sent after that. */
export function refuseIfStopped(
  caller: AbortSignal | undefined,
  service: string,
  method: string,
  path: string,
): void {
  if (!caller?.aborted) return;
  throw new ProviderError('Unavailable', `${service} ${method} ${path}: not sent, stopping`, {
    code: 'Aborted',
  });
}

/** The error of a request that passed its deadline. */
export function timeoutError(
  service: string,
  method: string,
  path: string,
  timeoutMs: number,
  cause?: unknown,
): ProviderError {
  return new ProviderError(
    'Unavailable',
    `${service} ${method} ${path}: no answer within ${timeoutMs} ms`,
    { code: 'Timeout', ...(cause === undefined ? {} : { cause }) },
  );
}
