import { isIP } from 'node:net';

/** True for addresses that never leave this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1';
  return false;
}

/** Host header values a browser sends for this server; anything else is DNS rebinding. */
export function allowedHostHeaders(bindHost: string, port: number): Set<string> {
  const set = new Set<string>([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  const h = bindHost.includes(':') && !bindHost.startsWith('[') ? `[${bindHost}]` : bindHost;
  set.add(`${h}:${port}`.toLowerCase());
  return set;
}

/**
 * With --allow-remote the browser reaches us by an address we cannot list in advance. Accept IP
 * literals (what DNS rebinding cannot produce: it needs a hostname) besides the known names.
 */
export function hostHeaderAllowed(hostHeader: string, allowed: Set<string>, allowRemote: boolean): boolean {
  const h = hostHeader.toLowerCase();
  if (allowed.has(h)) return true;
  if (!allowRemote) return false;
  let hostname: string;
  try {
    hostname = new URL(`http://${h}`).hostname;
  } catch {
    return false;
  }
  return isIP(hostname.replace(/^\[|\]$/g, '')) !== 0;
}
