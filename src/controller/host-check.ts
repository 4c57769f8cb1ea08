// Which Host headers the operations server answers. A browser visiting an attacker's page can be made to send
// requests to a server on the user's machine or network under the attacker's host name (DNS rebinding); the
// page can then read the answers, /status included. A name the server was not asked to answer to is refused.
import { isIP } from 'node:net';
import { isLoopbackHost } from '../util/loopback.js';

/** Host headers a server bound to `bindHost` answers, plus `extra` names (case-insensitive). */
export function hostChecker(
  bindHost: string,
  extra: readonly string[] = [],
): (host: string | undefined) => boolean {
  const names = new Set(['localhost', ...extra.map((h) => h.toLowerCase())]);
  const loopbackOnly = isLoopbackHost(bindHost);
  return (header) => {
    // HTTP/1.0 clients may send none; browsers always send one, so a missing Host is no rebinding
    if (header === undefined || header === '') return true;
    const host = hostOf(header);
    if (host === undefined) return false;
    if (names.has(host)) return true;
    if (isIP(host) === 0) return false;
    // an address literal is no rebinding (the page's origin would be that address), but a loopback server
    // answers loopback addresses only
    return !loopbackOnly || isLoopbackHost(host);
  };
}

/** The host part of a Host header, lower case, without port or IPv6 brackets; undefined when malformed. */
export function hostOf(header: string): string | undefined {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    if (end < 0) return undefined;
    const rest = h.slice(end + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return undefined;
    return h.slice(1, end);
  }
  const m = /^([^:]+)(:\d{1,5})?$/.exec(h);
  return m ? m[1]!.replace(/\.$/, '') : undefined;
}
