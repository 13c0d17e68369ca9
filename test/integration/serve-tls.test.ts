/**
 * `fleetops serve --allow-remote` over TLS, as an operator runs it on a jump host: a certificate
 * made for the test (openssl), the page fetched over https:// with a CSP allowing only wss://
 * back to it, the socket opened over wss:// with the token as a subprotocol, and the guards
 * still in place (wrong token → 4401, foreign or http:// Origin → 403).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServe, type ServeHandle } from '../../electron/cli/serve-command';
import { socketProtocols } from '../../shared/socket-auth';
import { connectContract } from './helpers/contract-client';

const run = promisify(execFile);

let dir: string;
let cert: string;
let key: string;
let otherKey: string;
let ca: Buffer;
let serve: ServeHandle | undefined;
const output: string[] = [];
/** The printed URL with the wildcard bind address replaced by the address the test connects to. */
let pageUrl: URL;

async function selfSigned(name: string): Promise<{ cert: string; key: string }> {
  const c = join(dir, `${name}.crt`);
  const k = join(dir, `${name}.key`);
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', k, '-out', c, '-days', '1', '-subj', '/CN=fleetops-test',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ]);
  return { cert: c, key: k };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetops-serve-tls-'));
  ({ cert, key } = await selfSigned('server'));
  otherKey = (await selfSigned('other')).key;
  ca = await readFile(cert);
  const rendererDir = join(dir, 'renderer');
  await mkdir(rendererDir);
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>fleetops</title>');
  // 0.0.0.0 with --allow-remote: the configuration an operator exposes; the test reaches it on 127.0.0.1.
  serve = await startServe(
    ['--host', '0.0.0.0', '--allow-remote', '--tls-cert', cert, '--tls-key', key, '--port', '0', '--renderer-dir', rendererDir, '--data-dir', join(dir, 'data')],
    { out: (t) => void output.push(t), err: (t) => void output.push(`[err] ${t}`) },
  );
  pageUrl = new URL(serve.server.url);
  pageUrl.hostname = '127.0.0.1';
}, 30_000);

afterAll(async () => {
  await serve?.stop();
  await rm(dir, { recursive: true, force: true });
});

function fetchPage(url: URL, opts: { ca?: Buffer } = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsGet : httpGet)(url, { ca: opts.ca }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}

/** Opens wss://…/ws as the page does; resolves with how it ended: open (and its protocol), HTTP status, or close code. */
function trySocket(opts: { token?: string; origin?: string }): Promise<{ opened: boolean; protocol?: string; status?: number; code?: number }> {
  const ws = new WebSocket(`wss://127.0.0.1:${pageUrl.port}/ws`, socketProtocols(opts.token ?? serve!.server.token), {
    ca,
    headers: { Origin: opts.origin ?? pageUrl.origin },
  });
  return new Promise((resolve, reject) => {
    let opened = false;
    let protocol: string | undefined;
    ws.once('open', () => {
      opened = true;
      protocol = ws.protocol;
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve({ opened: false, status: res.statusCode });
      ws.terminate();
    });
    ws.once('close', (code) => resolve({ opened, protocol, code }));
    ws.once('error', (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
    // With the right token the socket stays open: close it ourselves. A wrong one is closed by the server.
    if (opts.token === undefined) ws.once('open', () => ws.close(1000));
  });
}

describe('serve --allow-remote over TLS', () => {
  it('prints an https:// URL and serves the page over TLS, with a CSP allowing wss:// back to this host only', async () => {
    expect(serve!.server.secure).toBe(true);
    expect(serve!.server.url).toMatch(/^https:\/\/0\.0\.0\.0:\d+\/\?token=/);
    expect(output.join('\n')).toContain(`fleetops console: ${serve!.server.url}`);
    expect(output.join('\n')).not.toContain('WARNING');
    const page = await fetchPage(pageUrl, { ca });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>fleetops</title>');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain(`connect-src 'self' wss://127.0.0.1:${pageUrl.port}`);
    expect(csp).not.toMatch(/ws:\/\//);
  });

  it('really is TLS with the given certificate: untrusted without it, and no plain HTTP on the port', async () => {
    await expect(fetchPage(pageUrl)).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
    const plain = new URL(pageUrl);
    plain.protocol = 'http:';
    const answer = await fetchPage(plain).then(
      (r) => r.status,
      () => 'refused',
    );
    expect(answer).not.toBe(200);
  });

  it('carries the contract over wss:// with the token as a subprotocol, echoing only fleetops.v1', async () => {
    expect(await trySocket({})).toEqual({ opened: true, protocol: 'fleetops.v1', code: 1000 });
    const client = await connectContract(pageUrl.toString(), { ca });
    try {
      const snap = await client.call('fleet.snapshot', {});
      expect(snap.nodes).toEqual([]);
    } finally {
      client.close();
    }
  });

  it('closes a socket with a wrong token with 4401', async () => {
    expect(await trySocket({ token: 'not-the-token' })).toEqual({ opened: true, protocol: 'fleetops.v1', code: 4401 });
  });

  it('refuses a foreign Origin, and an http:// Origin for the same host (the page must be the https one)', async () => {
    expect(await trySocket({ origin: 'https://evil.example' })).toEqual({ opened: false, status: 403 });
    expect(await trySocket({ origin: `http://127.0.0.1:${pageUrl.port}` })).toEqual({ opened: false, status: 403 });
    expect(serve!.server.clients()).toBe(0);
  });

  it('refuses a certificate with a key that is not its own, before starting', async () => {
    await expect(
      startServe(['--host', '0.0.0.0', '--allow-remote', '--tls-cert', cert, '--tls-key', otherKey, '--renderer-dir', dir, '--data-dir', join(dir, 'data2')], {
        out: () => undefined,
        err: () => undefined,
      }),
    ).rejects.toThrow(/not a usable certificate and key/);
  });
});
