// Turns a failed Graph call into a ProviderError the reconciler can act on. Messages are deterministic: the
// method, the path without query, the status and Graph's code and message; never request ids, dates, tokens.
import { ProviderError } from '../types.js';

/** The least-privileged Graph application permission a call needs, for PermissionDenied messages. */
export function permissionFor(method: string, path: string): string {
  // Holders: the least-privileged permission of each list the snapshot reads them with.
  if (/\/roleManagement\/directory\/roleEligibilityScheduleInstances/i.test(path))
    return 'RoleEligibilitySchedule.Read.Directory';
  if (/\/roleManagement\/directory\/roleAssignmentScheduleInstances/i.test(path))
    return 'RoleAssignmentSchedule.Read.Directory';
  if (/\/identityGovernance\/privilegedAccess\/group\/eligibilityScheduleInstances/i.test(path))
    return 'PrivilegedEligibilitySchedule.Read.AzureADGroup';
  if (/\/identityGovernance\/privilegedAccess\/group\/assignmentScheduleInstances/i.test(path))
    return 'PrivilegedAssignmentSchedule.Read.AzureADGroup';
  if (/^\/groups\/[^/]+\/(transitiveMembers|members|owners)/i.test(path))
    return 'GroupMember.Read.All';
  if (/\/directoryObjects\/getByIds/i.test(path)) return 'Directory.Read.All';
  if (/\/roleManagement\/directory\//i.test(path)) return 'RoleManagement.Read.Directory';
  // Conditional Access policies are read to judge authentication contexts (never written).
  if (/\/identity\/conditionalAccess\//i.test(path)) return 'Policy.Read.All';
  if (/\/identityGovernance\/roleManagementAlerts(\/|$)/i.test(path)) {
    return method === 'GET'
      ? 'RoleManagementAlert.Read.Directory'
      : 'RoleManagementAlert.ReadWrite.Directory';
  }
  // PIM for Groups policies (ids Group_{groupId}_{guid}) take the AzureADGroup permissions, not the directory's
  // (https://learn.microsoft.com/graph/api/unifiedrolemanagementpolicyrule-update).
  const group = /\/roleManagementPolicies\/Group_/i.test(path);
  if (method === 'GET')
    return group ? 'RoleManagementPolicy.Read.AzureADGroup' : 'RoleManagementPolicy.Read.Directory';
  return group
    ? 'RoleManagementPolicy.ReadWrite.AzureADGroup'
    : 'RoleManagementPolicy.ReadWrite.Directory';
}

/** The path of a URL or relative reference, without origin, version or query. */
export function displayPath(urlOrPath: string): string {
  const noOrigin = urlOrPath.replace(/^https?:\/\/[^/]+/i, '');
  return noOrigin.split('?')[0]!.replace(/^\/(v1\.0|beta)(?=\/)/, '') || '/';
}

/** Graph's error code and message from a response body, unwrapping PIM's JSON-in-message errors. */
export function graphErrorText(body: unknown): { code: string; message: string } {
  const e = (body as { error?: { code?: unknown; message?: unknown } } | null | undefined)?.error;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : '';
  if (message.startsWith('{')) {
    // MissingProvider and friends: {"errorCode":"MissingProvider","message":"The provider is missing.",...}
    try {
      const inner = JSON.parse(message) as { errorCode?: unknown; message?: unknown };
      if (typeof inner.errorCode === 'string' && typeof inner.message === 'string') {
        return { code: inner.errorCode, message: inner.message };
      }
    } catch {
      // Not JSON after all; keep the message as it is.
    }
  }
  return { code, message };
}

/** Classifies a non-2xx Graph answer. */
export function classifyGraphError(
  method: string,
  urlOrPath: string,
  status: number,
  body: unknown,
  retryAfterMs: number | undefined,
): ProviderError {
  const path = displayPath(urlOrPath);
  const { code, message } = graphErrorText(body);
  const what = [code, message].filter((s) => s.length > 0).join(': ');
  const base = `Graph ${method} ${path}: ${status}${what ? ` ${what}` : ''}`;
  const opts = { status, ...(code ? { code } : {}) };
  if (status === 401 || status === 403) {
    const perm = permissionFor(method, path);
    // A token for another API (ARM's, say) is refused for its audience: no permission would help.
    const hint =
      status === 401 && /audience/i.test(message)
        ? 'the access token was issued for another API; it must be requested for Microsoft Graph ({graphBaseUrl}/.default)'
        : status === 401
          ? `the access token was refused; check the credentials of the application (it needs the Microsoft Graph application permission ${perm})`
          : `the application needs the Microsoft Graph application permission ${perm} with admin consent`;
    return new ProviderError('PermissionDenied', `${base} (${hint})`, opts);
  }
  if (status === 429) {
    return new ProviderError('Throttled', base, {
      ...opts,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  if (status === 404) return new ProviderError('NotFound', base, opts);
  if (status >= 500 || status === 424) {
    return new ProviderError('Unavailable', base, {
      ...opts,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  return new ProviderError('Invalid', base, opts);
}

/** Classifies a transport failure (reset, refused, DNS, abort) of a call to `service` (Graph, ARM). */
export function transportError(
  service: string,
  method: string,
  path: string,
  err: unknown,
): ProviderError {
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) {
    return new ProviderError('Unavailable', `${service} ${method} ${path}: aborted`, {
      cause: err,
    });
  }
  const code =
    (err as { cause?: { code?: unknown } } | null)?.cause?.code ??
    (err as { code?: unknown } | null)?.code;
  return new ProviderError(
    'Unavailable',
    `${service} ${method} ${path}: ${typeof code === 'string' ? code : 'request failed'}`,
    { cause: err },
  );
}

/** Classifies a transport failure of a Graph call. */
export function classifyTransportError(
  method: string,
  urlOrPath: string,
  err: unknown,
): ProviderError {
  return transportError('Graph', method, displayPath(urlOrPath), err);
}

/** Classifies a failure to get a token, without the trace ids and timestamps Entra puts in descriptions. */
export function classifyTokenError(scope: string, err: unknown): ProviderError {
  const e = err as {
    name?: unknown;
    message?: unknown;
    statusCode?: unknown;
    errorResponse?: { error?: unknown; errorDescription?: unknown };
  } | null;
  const name = typeof e?.name === 'string' ? e.name : 'Error';
  const raw =
    typeof e?.errorResponse?.errorDescription === 'string'
      ? e.errorResponse.errorDescription
      : typeof e?.message === 'string'
        ? e.message
        : String(err);
  const firstLine = (raw.split(/\r?\n/)[0] ?? '')
    .replace(/\s*(Trace ID|Correlation ID|Timestamp):.*$/i, '')
    .trim();
  const msg = `could not get a token for ${scope} (${name}): ${firstLine}`;
  // A network failure reaching the authority is transient, whatever the credential type calls it (MSAL reports an
  // unreachable authority as endpoints_resolution_error inside a CredentialUnavailableError); anything else is a
  // credentials problem.
  if (UNREACHABLE.test(firstLine) || UNREACHABLE.test(causeCode(err))) {
    return new ProviderError('Unavailable', msg, { cause: err, code: 'Unreachable' });
  }
  if (name === 'AuthenticationRequiredError' || name === 'CredentialUnavailableError') {
    return new ProviderError('PermissionDenied', msg, { cause: err });
  }
  const status = typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  if (status !== undefined && status >= 500) {
    return new ProviderError('Unavailable', msg, { status, cause: err });
  }
  return new ProviderError('PermissionDenied', msg, {
    ...(status === undefined ? {} : { status }),
    cause: err,
  });
}

/** Messages and codes of a token endpoint that could not be reached (as opposed to one that refused). */
const UNREACHABLE =
  /ECONN|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|network|endpoints_resolution_error|timed? ?out/i;

function causeCode(err: unknown): string {
  const c = (err as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof c === 'string' ? c : '';
}
