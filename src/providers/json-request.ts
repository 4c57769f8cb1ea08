// The fetch options of a JSON API call with a bearer token, as both the Graph and the Keycloak admin clients send it.

/** RequestInit for `method` with a bearer `token`, accepting JSON and sending `body` (if any) as JSON. */
export function jsonRequest(
  method: string,
  token: string,
  body: unknown,
  signal: AbortSignal | undefined,
): RequestInit {
  return {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    ...(signal ? { signal } : {}),
  };
}
