// Graph error responses: `{"error":{"code","message","innerError":{date,request-id,client-request-id}}}`, built
// in one place so that every endpoint (and every $batch item) fails the same way the real service does.

/** What a route answers: a status, headers and an optional JSON body. */
export interface GraphResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

/** The request ids a response carries (headers and innerError). */
export interface RequestIds {
  requestId: string;
  clientRequestId: string;
}

/** Graph's timestamp format inside innerError: seconds precision, no zone suffix. */
function graphDate(now: Date): string {
  return now.toISOString().slice(0, 19);
}

/** Builds a Graph error response. */
export function graphError(
  status: number,
  code: string,
  message: string,
  ids: RequestIds,
  extraHeaders: Record<string, string> = {},
  innerExtra: Record<string, string> = {},
): GraphResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/json', ...extraHeaders },
    body: {
      error: {
        code,
        message,
        innerError: {
          ...innerExtra,
          date: graphDate(new Date()),
          'request-id': ids.requestId,
          'client-request-id': ids.clientRequestId,
        },
      },
    },
  };
}

/** 400 MissingProvider: a PIM list without the mandatory scope filter, or an empty policy id. */
export function missingProvider(ids: RequestIds): GraphResponse {
  // The PIM backend wraps its own error as a JSON string inside Graph's message, code UnknownError.
  const inner = JSON.stringify({
    errorCode: 'MissingProvider',
    message: 'The provider is missing.',
    instanceAnnotations: [],
  });
  return graphError(400, 'UnknownError', inner, ids);
}

/** 500 with an empty code, as a PATCH with a wrong or missing `@odata.type` produces in practice. */
export function opaqueServerError(ids: RequestIds): GraphResponse {
  return graphError(500, '', 'An error has occurred.', ids);
}

/** 400 `The policy is invalid` (auth context on without a claim, bad enabledRules values, ...). */
export function policyInvalid(ids: RequestIds, detail?: string): GraphResponse {
  // The real message carries no detail; the emulator appends one after a dash to help debugging.
  return graphError(
    400,
    'InvalidPolicy',
    detail ? `The policy is invalid - ${detail}` : 'The policy is invalid',
    ids,
  );
}

/** 400 for a rule id the policy does not have. */
export function invalidRuleId(ruleId: string, ids: RequestIds): GraphResponse {
  return graphError(400, 'InvalidPolicyRule', `The policy rule id ${ruleId} is invalid.`, ids);
}

/** 404 for an unknown object id. */
export function notFound(id: string, ids: RequestIds): GraphResponse {
  return graphError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    ids,
  );
}

/** 400 for a path Graph does not know. */
export function unknownSegment(segment: string, ids: RequestIds): GraphResponse {
  return graphError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`, ids);
}

/** 405 for a method the resource does not support. */
export function methodNotAllowed(ids: RequestIds): GraphResponse {
  return graphError(
    405,
    'Request_BadRequest',
    'Specified HTTP method is not allowed for the request target.',
    ids,
  );
}

/** 400 for a body or query Graph cannot parse. */
export function badRequest(message: string, ids: RequestIds): GraphResponse {
  return graphError(400, 'BadRequest', message, ids);
}

/**
 * 400 for a query option an endpoint does not support, in the shape Graph uses for unsupported queries
 * (`Request_UnsupportedQuery`). Whether the PIM lists answer `$top` this way is unverified: their docs list only
 * `$select`, `$filter` and `$expand`, so a client must cope with a refusal.
 */
export function unsupportedQueryOption(option: string, ids: RequestIds): GraphResponse {
  return graphError(
    400,
    'Request_UnsupportedQuery',
    `The query option '${option}' is not supported for this request.`,
    ids,
  );
}

/** Graph's 401 messages per reason a token is refused. */
const GRAPH_401_MESSAGES: Readonly<Record<string, string>> = {
  missing: 'Access token is empty.',
  malformed: 'IDX14100: JWT is not well formed.',
  signature: 'Access token validation failure.',
  expired: 'Lifetime validation failed, the token is expired.',
  audience: 'Access token validation failure. Invalid audience.',
  tenant: 'Access token validation failure. Invalid tenant.',
};

/**
 * 401 for a request without a usable bearer token. Graph names the scheme and the authority to get a token from
 * in `WWW-Authenticate`, like any bearer-protected API (RFC 6750).
 */
export function unauthenticated(
  ids: RequestIds,
  problem = 'missing',
  authorizationUri = 'https://login.microsoftonline.com/common/oauth2/authorize',
): GraphResponse {
  return graphError(
    401,
    'InvalidAuthenticationToken',
    GRAPH_401_MESSAGES[problem] ?? 'Access token validation failure.',
    ids,
    {
      'WWW-Authenticate': `Bearer realm="", authorization_uri="${authorizationUri}", client_id="00000003-0000-0000-c000-000000000000"${problem === 'missing' ? '' : ', error="invalid_token"'}`,
    },
  );
}

/** 403 for a caller without the permission. */
export function forbidden(ids: RequestIds): GraphResponse {
  return graphError(
    403,
    'Authorization_RequestDenied',
    'Insufficient privileges to complete the operation.',
    ids,
  );
}

/** 429 with the documented body; `Retry-After` only when given (Graph sometimes omits it). */
export function throttled(ids: RequestIds, retryAfter?: string): GraphResponse {
  return graphError(
    429,
    'TooManyRequests',
    'Please retry again later.',
    ids,
    retryAfter === undefined ? {} : { 'Retry-After': retryAfter },
    { code: '429', status: '429', message: 'Please retry after' },
  );
}

/** A 5xx of a given status with Graph's usual codes. */
export function serverError(status: number, ids: RequestIds): GraphResponse {
  if (status === 503) return graphError(503, 'serviceNotAvailable', 'Service unavailable.', ids);
  if (status === 504) return graphError(504, 'gatewayTimeout', 'Gateway timeout.', ids);
  return opaqueServerError(ids);
}
