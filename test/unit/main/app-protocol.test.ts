/**
 * The app:// handler the desktop window loads its page through: only files under the renderer
 * directory, no way out of it (dot segments, encoded separators, absolute paths, symlinks), 404
 * for anything else, the right Content-Type, and the desktop CSP on every answer — errors too.
 * Run against a real directory (temp) with the node:fs reader main.ts uses, and against a
 * recording reader to prove a refused path is never even looked up.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_INDEX_URL,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  appRequestPath,
  appSchemeRegistration,
  nodeAppFileReader,
  serveAppRequest,
  type AppFileReader,
  type AppResponse,
} from '../../../electron/main/app-protocol';
import { DESKTOP_CSP } from '../../../electron/main/security';

let base: string;
let root: string;
const SECRET = 'outside the renderer directory';

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'fleetops-app-protocol-'));
  root = join(base, 'renderer');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>fleetops</title>');
  await writeFile(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  await writeFile(join(root, 'assets', 'index-abc.css'), 'body{}');
  await writeFile(join(root, 'favicon.svg'), '<svg/>');
  await writeFile(join(root, 'blob.bin'), 'x');
  await writeFile(join(base, 'secret.txt'), SECRET);
  // A link inside the directory that leads out of it, and one that stays inside.
  await symlink(join(base, 'secret.txt'), join(root, 'escape.txt'));
  await symlink(base, join(root, 'up'));
  await symlink(join(root, 'favicon.svg'), join(root, 'alias.svg'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

const get = (url: string) => serveAppRequest({ url, method: 'GET' }, root, nodeAppFileReader);
const text = (r: AppResponse) => (typeof r.body === 'string' ? r.body : Buffer.from(r.body).toString('utf8'));

/** A reader over the real file system that records every path it is asked about. */
function recordingReader(): AppFileReader & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    realpath: (p) => (asked.push(p), nodeAppFileReader.realpath(p)),
    readFile: (p) => (asked.push(p), nodeAppFileReader.readFile(p)),
  };
}

const TRAVERSALS = [
  'app://fleetops/..%2fsecret.txt',
  'app://fleetops/%2e%2e%2fsecret.txt',
  'app://fleetops/%2E%2E%2Fsecret.txt',
  'app://fleetops/assets/..%2f..%2fsecret.txt',
  'app://fleetops/..%5csecret.txt',
  'app://fleetops/%2e%2e%5c%2e%2e%5csecret.txt',
  'app://fleetops//etc/passwd',
  // An absolute path smuggled in one encoded segment.
  `app://fleetops/${encodeURIComponent('/etc/passwd')}`,
  'app://fleetops/C:%5cWindows%5cwin.ini',
  'app://fleetops/index.html%00.js',
  'app://fleetops/.%2f..%2fsecret.txt',
];

describe('app:// scheme', () => {
  it('is registered standard, secure and fetch-capable, without bypassing the CSP', () => {
    expect(APP_INDEX_URL).toBe('app://fleetops/index.html');
    expect(appSchemeRegistration()).toEqual([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    expect(APP_SCHEME_PRIVILEGES).not.toHaveProperty('bypassCSP');
  });

  it('serves the page and its assets with their MIME types and the desktop CSP', async () => {
    const cases: Array<[string, string, string]> = [
      [APP_INDEX_URL, 'text/html; charset=utf-8', '<!doctype html><title>fleetops</title>'],
      ['app://fleetops/', 'text/html; charset=utf-8', '<!doctype html><title>fleetops</title>'],
      [`${APP_INDEX_URL}#/node/a`, 'text/html; charset=utf-8', '<!doctype html><title>fleetops</title>'],
      ['app://fleetops/assets/index-abc.js', 'text/javascript; charset=utf-8', 'console.log(1)'],
      ['app://fleetops/assets/index-abc.css', 'text/css; charset=utf-8', 'body{}'],
      ['app://fleetops/favicon.svg', 'image/svg+xml', '<svg/>'],
      ['app://fleetops/blob.bin', 'application/octet-stream', 'x'],
      // A symlink that stays inside the directory is an ordinary file.
      ['app://fleetops/alias.svg', 'image/svg+xml', '<svg/>'],
    ];
    for (const [url, type, body] of cases) {
      const r = await get(url);
      expect(r.status, url).toBe(200);
      expect(r.headers['Content-Type'], url).toBe(type);
      expect(r.headers['Content-Security-Policy'], url).toBe(DESKTOP_CSP);
      expect(r.headers['X-Content-Type-Options']).toBe('nosniff');
      expect(text(r)).toBe(body);
    }
  });

  it('the CSP it sends lets the page connect nowhere (the desktop uses IPC only)', () => {
    expect(DESKTOP_CSP).toContain("connect-src 'none'");
    expect(DESKTOP_CSP).toContain("script-src 'self'");
    expect(DESKTOP_CSP).toContain("default-src 'self'");
    expect(DESKTOP_CSP).not.toMatch(/unsafe|ws:|wss:|http:|https:|\*/);
  });

  it.each(TRAVERSALS)('refuses %s before touching the file system', async (url) => {
    const reader = recordingReader();
    const r = await serveAppRequest({ url, method: 'GET' }, root, reader);
    expect(r.status).toBe(403);
    expect(text(r)).not.toContain(SECRET);
    expect(r.headers['Content-Security-Policy']).toBe(DESKTOP_CSP);
    expect(reader.asked).toEqual([]);
    expect(appRequestPath(url).ok).toBe(false);
  });

  it('keeps literal dot segments inside the directory (URL parsing resolves them against the root)', async () => {
    for (const url of ['app://fleetops/../secret.txt', 'app://fleetops/%2e%2e/secret.txt', 'app://fleetops/assets/../../../secret.txt']) {
      const r = await get(url);
      expect(r.status, url).toBe(404);
      expect(text(r)).not.toContain(SECRET);
    }
  });

  it('refuses a symlink that leads out of the directory', async () => {
    for (const url of ['app://fleetops/escape.txt', 'app://fleetops/up/secret.txt']) {
      const r = await get(url);
      expect(r.status, url).toBe(403);
      expect(text(r)).not.toContain(SECRET);
      expect(r.headers['Content-Security-Policy']).toBe(DESKTOP_CSP);
    }
  });

  it('answers 404, with the CSP, for unknown files, directories, other hosts and other schemes', async () => {
    for (const url of [
      'app://fleetops/missing.js',
      'app://fleetops/assets',
      'app://fleetops/assets/',
      'app://other/index.html',
      'file:///etc/passwd',
      'https://fleetops/index.html',
      'not a url',
      'app://fleetops/%E0%A4%A.js',
    ]) {
      const r = await get(url);
      expect(r.status, url).toBe(404);
      expect(r.headers['Content-Security-Policy'], url).toBe(DESKTOP_CSP);
    }
  });

  it('serves GET and HEAD only', async () => {
    const head = await serveAppRequest({ url: APP_INDEX_URL, method: 'HEAD' }, root, nodeAppFileReader);
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    const post = await serveAppRequest({ url: APP_INDEX_URL, method: 'POST' }, root, nodeAppFileReader);
    expect(post.status).toBe(405);
    expect(post.headers['Content-Security-Policy']).toBe(DESKTOP_CSP);
  });
});
