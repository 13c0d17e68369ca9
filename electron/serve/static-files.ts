/**
 * Serves the built renderer. Only files under the renderer directory, only GET/HEAD, with
 * the same strict CSP the Electron window uses; from memory, gzipped where it helps
 * (file-cache.ts).
 */
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { acceptsGzip, type FileCache } from './file-cache';

/** Text: worth compressing. */
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.map']);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export function contentSecurityPolicy(wsOrigin: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${wsOrigin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  rootDir: string,
  csp: string,
  cache: FileCache,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  let rel: string;
  try {
    rel = decodeURIComponent(url.pathname);
  } catch {
    res.writeHead(400).end('bad path');
    return;
  }
  if (rel.includes('\0')) {
    res.writeHead(400).end('bad path');
    return;
  }
  if (rel === '/' || rel === '') rel = '/index.html';
  const file = normalize(join(rootDir, rel));
  if (file !== rootDir && !file.startsWith(rootDir.endsWith(sep) ? rootDir : rootDir + sep)) {
    res.writeHead(403).end('forbidden');
    return;
  }
  // Synchronous on purpose: a stat of a local file takes microseconds, and through the thread
  // pool it would wait for one more turn of an event loop the engine keeps busy (file-cache.ts).
  let info;
  try {
    info = statSync(file, { throwIfNoEntry: false }) ?? null;
  } catch {
    info = null;
  }
  if (!info || !info.isFile()) {
    if (rel === '/index.html') {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' }).end('The console is not built: run `npm run build:renderer`.');
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
    return;
  }
  const compressible = COMPRESSIBLE.has(extname(file));
  // HEAD gets the headers GET would: the same lookup, no body.
  const cached = await cache.get(file, info, compressible && acceptsGzip(req.headers['accept-encoding']));
  res.writeHead(200, {
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': cached ? cached.body.length : info.size,
    ...(cached?.encoding ? { 'Content-Encoding': cached.encoding } : {}),
    ...(compressible ? { Vary: 'Accept-Encoding' } : {}),
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    // The page URL carries the session token: never leak it in a Referer header.
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cache-Control': rel === '/index.html' ? 'no-store' : 'public, max-age=3600',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  if (cached) res.end(cached.body);
  else createReadStream(file).pipe(res);
}
