/**
 * The desktop loads its page from `app://fleetops/index.html`, a privileged custom scheme whose
 * handler serves the built renderer and nothing else (Electron security checklist item 18:
 * https://www.electronjs.org/docs/latest/tutorial/security#18-avoid-usage-of-the-file-protocol-and-prefer-usage-of-custom-protocols).
 * A file:// page gets no response headers, so its CSP could only come from a <meta> tag; here
 * the handler sets the CSP header on every response itself, errors included.
 *
 * Plain functions with the file system passed in, so the whole policy is tested in Node; main.ts
 * only wires `protocol.registerSchemesAsPrivileged` and `protocol.handle` to them.
 */
import { readFile, realpath } from 'node:fs';
import { extname, isAbsolute, join, sep } from 'node:path';
import { promisify } from 'node:util';
import { DESKTOP_CSP } from './security';

export const APP_SCHEME = 'app';
export const APP_HOST = 'fleetops';
/** The one page the window loads, and the only URL isAppUrl / isTrustedSender accept. */
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * For `protocol.registerSchemesAsPrivileged`, before 'ready': standard (relative URLs and an
 * origin of its own, so the CSP's 'self' means app://fleetops), secure (like https: no mixed
 * content downgrade), supportFetchAPI (the page's module scripts are fetched). No bypassCSP,
 * no service workers.
 */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true } as const;

export function appSchemeRegistration(): Array<{ scheme: string; privileges: typeof APP_SCHEME_PRIVILEGES }> {
  return [{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }];
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export function mimeType(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** What the handler needs of the file system (node:fs in the app, a fake or a temp dir in tests). */
export interface AppFileReader {
  /** The canonical path, symlinks resolved; rejects when the file does not exist. */
  realpath(path: string): Promise<string>;
  readFile(path: string): Promise<Uint8Array>;
}

/**
 * node:fs through its callback API: Electron's asar support patches these, so the packaged app
 * reads its renderer from inside app.asar.
 */
export const nodeAppFileReader: AppFileReader = {
  realpath: promisify(realpath),
  readFile: promisify(readFile),
};

export interface AppResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

export type AppPath = { ok: true; relative: string } | { ok: false; status: 403 | 404; reason: string };

/**
 * The file a request names, relative to the renderer directory, or why there is none. Works on
 * the decoded path segment by segment, so `..` is refused whether it came literally, as
 * `%2e%2e`, or with encoded separators (`..%2f`, `..%5c`) that URL parsing leaves alone.
 */
export function appRequestPath(url: string): AppPath {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, status: 404, reason: 'not a URL' };
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host.toLowerCase() !== APP_HOST) return { ok: false, status: 404, reason: 'not the app origin' };
  let path = u.pathname;
  if (path === '' || path === '/') path = '/index.html';
  const segments = path.slice(1).split('/');
  // A trailing slash names a directory: there is no file to serve.
  if (segments.length > 1 && segments.at(-1) === '') return { ok: false, status: 404, reason: 'a directory' };
  const decoded: string[] = [];
  for (const raw of segments) {
    let s: string;
    try {
      s = decodeURIComponent(raw);
    } catch {
      return { ok: false, status: 404, reason: 'malformed escape in path' };
    }
    // '' is `//` (an absolute path after the host); separators or a drive inside a segment, NUL,
    // and dot segments would all leave the directory or name something other than a file in it.
    if (s === '' || s === '.' || s === '..' || /[/\\:\0]/.test(s)) {
      return { ok: false, status: 403, reason: `refused path segment ${JSON.stringify(raw)}` };
    }
    decoded.push(s);
  }
  const relative = decoded.join('/');
  if (isAbsolute(relative)) return { ok: false, status: 403, reason: 'absolute path' };
  return { ok: true, relative };
}

function inside(dir: string, path: string): boolean {
  return path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

function textResponse(status: number, text: string): AppResponse {
  return { status, headers: baseHeaders('text/plain; charset=utf-8'), body: text };
}

function baseHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': DESKTOP_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  };
}

/**
 * Answers one request to the app scheme: GET of a regular file under `rootDir` (symlinks
 * followed only while they stay inside it), 404 for anything else, 403 for a traversal attempt;
 * every answer carries the desktop CSP.
 */
export async function serveAppRequest(request: { url: string; method: string }, rootDir: string, fs: AppFileReader): Promise<AppResponse> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    const r = textResponse(405, 'method not allowed');
    r.headers.Allow = 'GET, HEAD';
    return r;
  }
  const path = appRequestPath(request.url);
  if (!path.ok) return textResponse(path.status, path.status === 403 ? 'forbidden' : 'not found');
  let root: string;
  let file: string;
  try {
    root = await fs.realpath(rootDir);
    file = await fs.realpath(join(root, path.relative));
  } catch {
    return textResponse(404, 'not found');
  }
  // A symlink under the renderer directory pointing out of it is refused like `..`.
  if (!inside(root, file)) return textResponse(403, 'forbidden');
  let body: Uint8Array;
  try {
    body = await fs.readFile(file);
  } catch {
    // A directory (EISDIR) or a file that vanished: nothing to serve.
    return textResponse(404, 'not found');
  }
  return { status: 200, headers: baseHeaders(mimeType(file)), body: request.method === 'HEAD' ? '' : body };
}
