import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSECURE_HTTP_WARNING, SERVE_OPTIONS, SERVE_USAGE, startServe } from '../../../electron/cli/serve-command';
import { originMatches, remoteRefusal, socketOrigin } from '../../../electron/serve/server';

const io = { out: () => undefined, err: () => undefined };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetops-serve-args-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>fleetops</title>');
  await writeFile(join(dir, 'not-a-cert.pem'), 'hello');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('serve arguments', () => {
  it.each([
    [['--lab', '--lab-spares', '6'], '--lab-spares must be an integer from 0 to 5'],
    [['--lab', '--lab-spares', 'one'], '--lab-spares must be an integer from 0 to 5'],
    [['--lab', '--lab-nodes', '0'], '--lab-nodes must be an integer from 1 to 5000'],
    [['--lab', '--lab-probe-interval', '0'], '--lab-probe-interval must be an integer from 1 to 3600 (seconds)'],
    [['--lab', '--lab-probe-interval', '2.5'], '--lab-probe-interval must be an integer from 1 to 3600 (seconds)'],
    [['--lab', '--lab-probe-interval', '3601'], '--lab-probe-interval must be an integer from 1 to 3600 (seconds)'],
  ])('%j is refused before anything starts', async (argv, message) => {
    await expect(startServe(argv, io)).rejects.toThrow(message);
  });

  it('the usage text lists every option serve parses', () => {
    const parsed = Object.keys(SERVE_OPTIONS);
    for (const name of ['lab-spares', 'host', 'allow-remote', 'tls-cert', 'tls-key', 'insecure-http', 'data-dir', 'lab-dir', 'port', 'inventory', 'lab', 'lab-nodes']) {
      expect(parsed).toContain(name);
    }
    for (const name of parsed) expect(SERVE_USAGE, name).toMatch(new RegExp(`--${name}\\b`));
  });
});

describe('serve off loopback: --allow-remote needs TLS or --insecure-http', () => {
  // --lab with a --lab-dir that must not appear: proves the refusal comes before the lab (or anything) starts.
  const refused = (extra: string[]) => {
    const labDir = join(dir, `lab-${Math.random().toString(36).slice(2)}`);
    return { labDir, run: startServe(['--lab', '--lab-dir', labDir, '--renderer-dir', dir, '--data-dir', join(dir, 'data'), ...extra], io) };
  };

  it.each([
    [['--host', '0.0.0.0'], 'not a loopback address'],
    [['--host', '10.255.255.1'], 'Pass --allow-remote'],
    [['--host', '0.0.0.0', '--allow-remote'], 'over plain HTTP'],
    [['--host', '::', '--allow-remote'], 'Pass --tls-cert FILE --tls-key FILE (https/wss), or --insecure-http'],
    [['--host', '0.0.0.0', '--allow-remote', '--tls-cert', 'x.pem'], '--tls-cert and --tls-key go together'],
    [['--host', '0.0.0.0', '--allow-remote', '--tls-key', 'x.pem'], '--tls-cert and --tls-key go together'],
    [['--host', '0.0.0.0', '--allow-remote', '--tls-cert', 'a', '--tls-key', 'b', '--insecure-http'], 'not both'],
    [['--host', '0.0.0.0', '--allow-remote', '--tls-cert', '/nonexistent/cert.pem', '--tls-key', '/nonexistent/key.pem'], 'cannot read --tls-cert /nonexistent/cert.pem'],
  ])('%j is refused before anything starts', async (argv, message) => {
    const { labDir, run } = refused(argv);
    await expect(run).rejects.toThrow(message);
    expect(existsSync(labDir)).toBe(false);
  });

  it('a file that is not PEM is refused as a certificate', async () => {
    const bad = join(dir, 'not-a-cert.pem');
    const { labDir, run } = refused(['--host', '0.0.0.0', '--allow-remote', '--tls-cert', bad, '--tls-key', bad]);
    await expect(run).rejects.toThrow(/are not a usable certificate and key/);
    expect(existsSync(labDir)).toBe(false);
  });

  it('the server itself refuses the same way (startServer used directly)', () => {
    expect(remoteRefusal('127.0.0.1', {})).toBeNull();
    expect(remoteRefusal('::1', {})).toBeNull();
    expect(remoteRefusal('localhost', { insecureHttp: false })).toBeNull();
    expect(remoteRefusal('0.0.0.0', {})).toMatch(/--allow-remote/);
    expect(remoteRefusal('0.0.0.0', { allowRemote: true })).toMatch(/plain HTTP/);
    expect(remoteRefusal('0.0.0.0', { allowRemote: true, tls: { cert: 'c', key: 'k' } })).toBeNull();
    expect(remoteRefusal('0.0.0.0', { allowRemote: true, insecureHttp: true })).toBeNull();
  });

  it('--insecure-http off loopback starts, over http, with a loud warning on stderr', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const handle = await startServe(['--host', '0.0.0.0', '--allow-remote', '--insecure-http', '--port', '0', '--renderer-dir', dir, '--data-dir', join(dir, 'data-insecure')], {
      out: (t) => void out.push(t),
      err: (t) => void err.push(t),
    });
    try {
      expect(handle.server.secure).toBe(false);
      expect(handle.server.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+\/\?token=/);
      expect(err).toEqual([INSECURE_HTTP_WARNING]);
      expect(INSECURE_HTTP_WARNING).toMatch(/WARNING: --insecure-http/);
      expect(INSECURE_HTTP_WARNING).toMatch(/unencrypted/);
    } finally {
      await handle.stop();
    }
  });

  it('loopback stays plain HTTP with no warning, --insecure-http or not', async () => {
    for (const extra of [[], ['--insecure-http']]) {
      const err: string[] = [];
      const handle = await startServe(['--port', '0', '--renderer-dir', dir, '--data-dir', join(dir, 'data-loop'), ...extra], { out: () => undefined, err: (t) => void err.push(t) });
      try {
        expect(handle.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
        expect(err).toEqual([]);
      } finally {
        await handle.stop();
      }
    }
  });
});

describe('origin and CSP follow the scheme', () => {
  it('an https page matches only a TLS server, an http page only a plain one', () => {
    expect(originMatches('https://127.0.0.1:8443', '127.0.0.1:8443', 'https')).toBe(true);
    expect(originMatches('http://127.0.0.1:8443', '127.0.0.1:8443', 'https')).toBe(false);
    expect(originMatches('https://127.0.0.1:8080', '127.0.0.1:8080', 'http')).toBe(false);
    expect(originMatches('http://127.0.0.1:8080', '127.0.0.1:8080', 'http')).toBe(true);
    expect(originMatches('https://10.0.0.5', '10.0.0.5:443', 'https')).toBe(true);
    expect(originMatches('https://evil.example:8443', '127.0.0.1:8443', 'https')).toBe(false);
    expect(originMatches('null', '127.0.0.1:8443', 'https')).toBe(false);
    expect(originMatches('', '127.0.0.1:8443', 'https')).toBe(false);
  });

  it('the page may connect to wss:// on its own host under TLS, ws:// otherwise', () => {
    expect(socketOrigin('10.0.0.5:8443', true)).toBe('wss://10.0.0.5:8443');
    expect(socketOrigin('127.0.0.1:8080', false)).toBe('ws://127.0.0.1:8080');
    expect(socketOrigin('[::1]:8080', false)).toBe('ws://[::1]:8080');
    expect(socketOrigin('bad host; script-src *', true)).toBe("'self'");
  });
});
