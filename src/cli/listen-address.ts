// The address a server listens on, as `--http-addr` and `--emulator-port` take it: `host:port`, `:port` (all
// interfaces), a bare `port` (loopback, the safe default), or `[v6]:port`.

/** A parsed listen address. */
export interface ListenAddress {
  /** The host or address to bind; '' binds every interface. */
  host: string;
  port: number;
}

const HOST_NAME =
  /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Parses a port number 0-65535 (0 = any free port); undefined when it is not one. */
export function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 65_535 ? n : undefined;
}

/**
 * Parses a listen address. A bare port binds loopback (127.0.0.1), so that a typo never exposes the server;
 * `:port` binds all interfaces, as Go servers read it. Throws with the accepted forms on anything else.
 */
export function parseListenAddress(text: string, flag = '--http-addr'): ListenAddress {
  const fail = (why: string): never => {
    throw new Error(
      `${flag} ${JSON.stringify(text)}: ${why}; use host:port, :port (all interfaces), port (loopback) or [ipv6]:port`,
    );
  };
  const s = text.trim();
  const bare = parsePort(s);
  if (bare !== undefined) return { host: '127.0.0.1', port: bare };
  let host: string;
  let portText: string;
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0 || s[end + 1] !== ':') return fail('an IPv6 address needs the form [address]:port');
    host = s.slice(1, end);
    portText = s.slice(end + 2);
    if (!host.includes(':')) return fail(`${host} is not an IPv6 address`);
  } else {
    const i = s.lastIndexOf(':');
    if (i < 0) return fail('no port');
    host = s.slice(0, i);
    portText = s.slice(i + 1);
    if (host.includes(':')) return fail('write an IPv6 address in brackets');
    // '' lets Node bind every interface, IPv6 and IPv4 where the host has both
    if (host !== '' && !IPV4.test(host) && !HOST_NAME.test(host))
      return fail(`${host} is not a host name or address`);
    if (IPV4.test(host) && host.split('.').some((o) => Number(o) > 255))
      return fail(`${host} is not an IPv4 address`);
  }
  const port = parsePort(portText);
  if (port === undefined) return fail(`${JSON.stringify(portText)} is not a port (0-65535)`);
  return { host, port };
}
