/**
 * serve answers the renderer's files from memory (electron/serve/file-cache.ts): gzipped for a
 * browser that accepts it, as they are otherwise, the same headers for HEAD; a file rebuilt while
 * serve runs is read again; what is too large to keep is streamed; paths outside the renderer
 * directory are refused. Over a real HTTP server on loopback.
 */
import { mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptsGzip, FileCache } from '../../../electron/serve/file-cache';
import { serveStatic } from '../../../electron/serve/static-files';

let dir: string;
let server: Server;
let cache: FileCache;
const BUNDLE = `export const x = ${JSON.stringify('console code — '.repeat(5000))};\n`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetops-static-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>fleetops</title>');
  await writeFile(join(dir, 'app.js'), BUNDLE);
  await writeFile(join(dir, 'big.js'), 'x'.repeat(300_000));
  await writeFile(join(dir, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
  // Small limits, so "too large to keep" is reachable with small files.
  cache = new FileCache(200_000, 150_000);
  server = createServer((req, res) => void serveStatic(req, res, dir, "default-src 'self'", cache));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await rm(dir, { recursive: true, force: true });
});

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serving the renderer', () => {
  it('gzips text for a browser that accepts it, and sends it as it is otherwise', async () => {
    const zipped = await get('/app.js', { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('Accept-Encoding');
    expect(Number(zipped.headers['content-length'])).toBe(zipped.body.length);
    expect(zipped.body.length).toBeLessThan(BUNDLE.length / 10);
    expect(gunzipSync(zipped.body).toString()).toBe(BUNDLE);
    const plain = await get('/app.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(BUNDLE);
    expect((await get('/app.js', { 'Accept-Encoding': 'gzip;q=0, br' })).headers['content-encoding']).toBeUndefined();
    // Not text: never compressed.
    const png = await get('/logo.png', { 'Accept-Encoding': 'gzip' });
    expect(png.headers['content-encoding']).toBeUndefined();
    expect([...png.body]).toEqual([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
  });

  it('HEAD has the headers GET has, and no body', async () => {
    const head = await get('/app.js', { 'Accept-Encoding': 'gzip' }, 'HEAD');
    const full = await get('/app.js', { 'Accept-Encoding': 'gzip' });
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe(full.headers['content-length']);
    expect(head.headers['content-encoding']).toBe('gzip');
  });

  it('a file rebuilt while serving is read again', async () => {
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>rebuilt</title>');
    // Same size, another modification time: still new.
    const later = new Date(Date.now() + 5000);
    await utimes(join(dir, 'index.html'), later, later);
    expect((await get('/')).body.toString()).toBe('<!doctype html><title>rebuilt</title>');
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>again, longer</title>');
    expect((await get('/index.html', { 'Accept-Encoding': 'gzip' })).body.toString()).toContain('again, longer');
  });

  it('streams a file too large to keep, whole', async () => {
    const big = await get('/big.js', { 'Accept-Encoding': 'gzip' });
    expect(big.headers['content-encoding']).toBeUndefined();
    expect(big.body.length).toBe(300_000);
    expect(cache.bytes).toBeLessThanOrEqual(200_000);
  });

  it('refuses what is outside the renderer directory, and what is not there', async () => {
    // An encoded slash survives URL parsing and becomes a "../" once decoded.
    expect((await get('/..%2f..%2fetc%2fpasswd')).status).toBe(403);
    expect((await get('/missing.js')).status).toBe(404);
    expect((await get('/app.js', {}, 'POST')).status).toBe(405);
  });
});

describe('file cache', () => {
  it('keeps one copy and one gzip copy per file, within its bounds', async () => {
    const c = new FileCache(200_000, 150_000);
    const file = join(dir, 'app.js');
    const info = await stat(file);
    const a = await c.get(file, info, false);
    const b = await c.get(file, info, false);
    expect(b?.body).toBe(a?.body);
    const z1 = await c.get(file, info, true);
    const z2 = await c.get(file, info, true);
    expect(z1?.encoding).toBe('gzip');
    expect(z2?.body).toBe(z1?.body);
    expect(c.bytes).toBe((a?.body.length ?? 0) + (z1?.body.length ?? 0));
    expect(await c.get(join(dir, 'big.js'), await stat(join(dir, 'big.js')), true)).toBeNull();
  });

  it('reads Accept-Encoding as browsers send it', () => {
    expect(acceptsGzip('gzip, deflate, br, zstd')).toBe(true);
    expect(acceptsGzip('br;q=1.0, gzip;q=0.8')).toBe(true);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('br')).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
  });
});
