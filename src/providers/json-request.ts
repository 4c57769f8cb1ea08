// The request options of a JSON API call with a bearer token, as both the Graph and the Keycloak admin clients send it.
import type { HttpRequestInit } from './http-fetch.js';

/** The request for `method` with a bearer `token`, accepting JSON and sending `body` (if any) as JSON. */
export function jsonRequest(
  method: string,
  token: string,
  body: unknown,
  signal: AbortSignal | undefined,
): HttpRequestInit {
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
