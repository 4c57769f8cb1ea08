// Pure. What a failed provider call means for an object: the Ready reason, whether rolegate is stalled (retrying
// will not help until something changes) or reconciling, and when to look again. One table for every caller:
// observing a role, writing to it, resetting it on deletion, and the IdentityProvider's own resync.
import { Reason } from '../api/conditions.js';
import type { ProviderProblem } from './plan.js';
import { retry, type Result } from './result.js';

/**
 * A provider failure, classified by the shell (the provider's error kinds, a configuration error, a deadline
 * that passed, or anything else).
 */
export interface ProviderFailure {
  kind:
    | 'Throttled'
    | 'Unavailable'
    | 'Timeout'
    | 'PermissionDenied'
    | 'Invalid'
    | 'NotFound'
    | 'Config'
    | 'Unexpected';
  message: string;
  /** The delay the provider asked for (Retry-After). */
  retryAfterMs?: number | undefined;
}

/** The decision: the problem for conditions, and the Result when the key must be retried (absent: stalled). */
export interface FailureDecision {
  problem: ProviderProblem;
  retry?: Result;
}

/** Decides what a provider failure means for the object being reconciled. */
export function decideProviderFailure(f: ProviderFailure): FailureDecision {
  const transient = (reason: ProviderProblem['reason'], message: string): FailureDecision => ({
    problem: { reason, message, stalled: false },
    retry: retry(f.message, f.retryAfterMs),
  });
  const stalled = (reason: ProviderProblem['reason'], message: string): FailureDecision => ({
    problem: { reason, message, stalled: true },
  });
  switch (f.kind) {
    case 'Throttled':
      return {
        problem: {
          reason: Reason.Throttled,
          message: `Throttled by the identity provider: ${f.message}`,
          stalled: false,
        },
        retry: retry(f.message, f.retryAfterMs ?? 0),
      };
    case 'Unavailable':
      return transient(Reason.ProviderError, `Identity provider unavailable: ${f.message}`);
    case 'Timeout':
      return transient(
        Reason.ProviderError,
        `Identity provider did not answer in time: ${f.message}`,
      );
    case 'PermissionDenied':
      return stalled(Reason.PermissionDenied, f.message);
    case 'Invalid':
    case 'NotFound':
      return stalled(Reason.ProviderError, f.message);
    case 'Config':
      return stalled(Reason.CredentialsMissing, f.message);
    case 'Unexpected':
      return transient(Reason.ProviderError, `Identity provider error: ${f.message}`);
  }
}
