import { describe, expect, it } from 'vitest';
import { classifyTokenError } from '../../../../src/providers/entra/graph-errors.js';

const error = (name: string, message: string, extra: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(message), { name }, extra);

describe('classifyTokenError', () => {
  it.each([
    {
      err: error(
        'CredentialUnavailableError',
        'endpoints_resolution_error: See https://aka.ms/msal.js.errors#endpoints_resolution_error for details',
      ),
      want: 'Unavailable',
      reason:
        'MSAL reports an unreachable authority this way: transient, not a credentials problem',
    },
    {
      err: error('Error', 'fetch failed', { cause: { code: 'ECONNREFUSED' } }),
      want: 'Unavailable',
      reason: 'a refused connection, told by its cause code',
    },
    {
      err: error('ClientAuthError', 'network_error: Network request failed'),
      want: 'Unavailable',
      reason: 'a network error of the token request',
    },
    {
      err: error('AuthenticationError', 'AADSTS7000215: Invalid client secret provided.', {
        statusCode: 401,
      }),
      want: 'PermissionDenied',
      reason: 'the authority answered and refused the secret',
    },
    {
      err: error(
        'CredentialUnavailableError',
        'ManagedIdentityCredential: no managed identity configured',
      ),
      want: 'PermissionDenied',
      reason: 'a credential that cannot work here is a configuration problem',
    },
    {
      err: error('AuthenticationError', 'server error', { statusCode: 503 }),
      want: 'Unavailable',
      reason: 'the authority failed (5xx)',
    },
  ])('$reason', ({ err, want }) => {
    expect(classifyTokenError('https://graph.microsoft.com/.default', err).kind).toBe(want);
  });
});
