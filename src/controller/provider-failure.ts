// Classifies what a provider call threw into the core's ProviderFailure, and describes it for logs.
import type { ProviderFailure } from '../reconcile/provider-failure.js';
import { ProviderConfigError, ProviderError } from '../providers/types.js';

/** The ProviderFailure an error from a provider client or session stands for. */
export function providerFailure(err: unknown): ProviderFailure {
  if (err instanceof ProviderError) {
    const kind =
      err.kind === 'Unavailable' && err.options.code === 'Timeout' ? 'Timeout' : err.kind;
    return { kind, message: err.message, retryAfterMs: err.retryAfterMs };
  }
  if (err instanceof ProviderConfigError) return { kind: 'Config', message: err.message };
  if (err instanceof Error && err.name === 'TimeoutError')
    return { kind: 'Timeout', message: err.message };
  return { kind: 'Unexpected', message: err instanceof Error ? err.message : String(err) };
}

/** Safe fields of an error for logs: no bodies, no headers. */
export function errorFields(err: unknown): Record<string, unknown> {
  if (err instanceof ProviderError)
    return {
      type: err.name,
      kind: err.kind,
      message: err.message,
      status: err.options.status,
      code: err.options.code,
    };
  if (err instanceof Error) return { type: err.name, message: err.message };
  return { message: String(err) };
}
