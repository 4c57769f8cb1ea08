// Whether a host or URL is this machine: what development-only settings (the Graph emulator's credentials) may
// talk to, and what a server bound to loopback answers to.
import { isIP } from 'node:net';

/** Whether a host name or address is loopback: localhost (and *.localhost), 127.0.0.0/8, ::1, ::ffff:127.x. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./.test(h);
  return false;
}

/** Whether a URL's host is loopback (see isLoopbackHost); false for a malformed URL. */
export function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}
