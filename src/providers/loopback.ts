// Whether a URL points at this machine: what development-only settings (the Graph emulator's credentials) are
// allowed to talk to, and nothing else.

/** Whether a URL's host is a loopback address (127.0.0.0/8, ::1, localhost); false for a malformed URL. */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '[::1]' || host === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
