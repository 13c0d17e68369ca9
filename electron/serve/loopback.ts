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
