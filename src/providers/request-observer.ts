// Times the HTTP requests a provider client sends, for the provider request duration histogram. The client knows
// what a request does; the caller (the controller) knows which IdentityProvider it serves and records it.

/** One finished request to an identity provider. */
export interface RequestSample {
  /** What the call did: read, write, batch (a Graph $batch) or token. */
  operation: string;
  /** The HTTP status, or 0 when no response came (connection refused, reset, timeout, abort). */
  status: number;
  /** Until the response arrived (rolegate's fetch answers once the body is read, see http-fetch.ts). */
  seconds: number;
}

/** Receives every request a provider client sends. */
export type RequestObserver = (sample: RequestSample) => void;

/** Sends a request through `send` and reports it to `observer` (if any), whether it answered or failed. */
export async function observeRequest<R extends { readonly status: number }>(
  observer: RequestObserver | undefined,
  operation: string,
  send: () => Promise<R>,
): Promise<R> {
  if (!observer) return send();
  const started = performance.now();
  const report = (status: number): void =>
    observer({ operation, status, seconds: (performance.now() - started) / 1000 });
  try {
    const res = await send();
    report(res.status);
    return res;
  } catch (err) {
    report(0);
    throw err;
  }
}
