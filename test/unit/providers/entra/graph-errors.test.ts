import { describe, expect, it } from 'vitest';
import { classifyTokenError, permissionFor } from '../../../../src/providers/entra/graph-errors.js';

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

describe('permissionFor', () => {
  it.each([
    {
      method: 'PATCH',
      path: '/policies/roleManagementPolicies/Group_0b1f6471-1bf0-4dda-aec3-cb9272f09590_f21b26d9-9ff9-4af1-b1d4-bddf28591369/rules/Enablement_EndUser_Assignment',
      want: 'RoleManagementPolicy.ReadWrite.AzureADGroup',
      reason: 'a PIM for Groups policy is written with the AzureADGroup permission only',
    },
    {
      method: 'GET',
      path: '/policies/roleManagementPolicies/Group_0b1f6471-1bf0-4dda-aec3-cb9272f09590_f21b26d9-9ff9-4af1-b1d4-bddf28591369',
      want: 'RoleManagementPolicy.Read.AzureADGroup',
      reason: 'and read with its read permission',
    },
    {
      method: 'PATCH',
      path: '/policies/roleManagementPolicies/DirectoryRole_x_y/rules/Enablement_EndUser_Assignment',
      want: 'RoleManagementPolicy.ReadWrite.Directory',
      reason: "a directory role's policy takes the directory permission",
    },
    {
      method: 'GET',
      path: '/groups/0b1f6471-1bf0-4dda-aec3-cb9272f09590/owners',
      want: 'GroupMember.Read.All',
      reason: 'group owners are read with the group member permission',
    },
  ])('$reason', ({ method, path, want }) => {
    expect(permissionFor(method, path)).toBe(want);
  });
});
