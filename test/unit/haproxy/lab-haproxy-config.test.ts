import { chmodSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labHaproxyConfig, type LabHaproxyConfigInput } from '../../../electron/core/lab/lab-haproxy-config';
import { haproxyAvailable } from '../../../electron/core/lab/lab-haproxy';

const base: LabHaproxyConfigInput = {
  socketPath: '/tmp/lab/admin.sock',
  frontendPort: 18080,
  tcpRuntime: [],
  backends: { llm: [{ name: 'r1', host: '127.0.0.1', port: 9001 }, { name: 'r2', host: 'replica-2.lab', port: 9002 }] },
};

describe('labHaproxyConfig', () => {
  it('writes the admin socket, defaults, one default backend and health-checked servers', () => {
    const cfg = labHaproxyConfig(base);
    expect(cfg).toContain('  stats socket /tmp/lab/admin.sock mode 600 level admin\n');
    for (const line of ['  mode http', '  timeout connect 2s', '  timeout client 10s', '  timeout server 10s', '  retries 3', '  option redispatch']) {
      expect(cfg).toContain(`${line}\n`);
    }
    expect(cfg).toContain('frontend fe\n  bind 127.0.0.1:18080\n  default_backend llm\n');
    expect(cfg).not.toContain('use_backend');
    expect(cfg).toContain(
      'backend llm\n  balance roundrobin\n  option httpchk GET /health\n' +
        '  server r1 127.0.0.1:9001 check inter 1s fall 2 rise 2\n' +
        '  server r2 replica-2.lab:9002 check inter 1s fall 2 rise 2\n',
    );
  });

  it('routes /NAME/ to each backend when there are several, the rest to the first', () => {
    const cfg = labHaproxyConfig({ ...base, backends: { chat: [{ name: 'a', host: '127.0.0.1', port: 1 }], embed: [{ name: 'b', host: '127.0.0.1', port: 2 }] } });
    expect(cfg).toContain('  use_backend chat if { path_beg /chat/ }\n  use_backend embed if { path_beg /embed/ }\n  default_backend chat\n');
  });

  it('adds the socket owner, TCP runtime sockets and the stats page when asked', () => {
    const cfg = labHaproxyConfig({ ...base, socketUser: 'fleetops-test', tcpRuntime: [{ level: 'admin', port: 18091 }, { level: 'user', port: 18092 }], statsPort: 18093 });
    expect(cfg).toContain('  stats socket /tmp/lab/admin.sock mode 600 level admin user fleetops-test\n');
    expect(cfg).toContain('  stats socket ipv4@127.0.0.1:18091 level admin\n  stats socket ipv4@127.0.0.1:18092 level user\n');
    expect(cfg).toContain('listen stats\n  bind 127.0.0.1:18093\n  stats enable\n');
  });

  it.each<[string, Partial<LabHaproxyConfigInput>, RegExp]>([
    ['no backend', { backends: {} }, /at least one backend/],
    ['a backend with a space', { backends: { 'a b': [{ name: 'r', host: '127.0.0.1', port: 1 }] } }, /backend name "a b"/],
    ['a backend named like the frontend', { backends: { fe: [{ name: 'r', host: '127.0.0.1', port: 1 }] } }, /taken by the lab/],
    ['an empty backend', { backends: { llm: [] } }, /backend llm has no server/],
    ['a server name with a newline', { backends: { llm: [{ name: 'r\n  stats socket /tmp/x level admin', host: '127.0.0.1', port: 1 }] } }, /server name/],
    ['a duplicate server', { backends: { llm: [{ name: 'r', host: '127.0.0.1', port: 1 }, { name: 'r', host: '127.0.0.1', port: 2 }] } }, /appears twice/],
    ['a host with a space', { backends: { llm: [{ name: 'r', host: '127.0.0.1 backup', port: 1 }] } }, /has host "127.0.0.1 backup"/],
    ['a port out of range', { backends: { llm: [{ name: 'r', host: '127.0.0.1', port: 70000 }] } }, /port 70000, not 1-65535/],
    ['a relative socket path', { socketPath: 'admin.sock' }, /must be absolute/],
    ['a socket path with a space', { socketPath: '/tmp/a b.sock' }, /without spaces/],
    ['a socket path too long for sun_path', { socketPath: `/tmp/${'x'.repeat(110)}` }, /at most 107 bytes/],
    ['a bad socket user', { socketUser: 'root level admin' }, /socket user/],
    ['a bad frontend port', { frontendPort: 0 }, /frontend has port 0/],
  ])('refuses %s', (_what, change, message) => {
    expect(() => labHaproxyConfig({ ...base, ...change })).toThrow(message);
  });
});

describe('haproxyAvailable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetops-which-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds an executable haproxy in the PATH given, skipping a non-executable one', async () => {
    const notExec = join(dir, 'a');
    const exec = join(dir, 'b');
    mkdirSync(notExec);
    mkdirSync(exec);
    writeFileSync(join(notExec, 'haproxy'), '');
    chmodSync(join(notExec, 'haproxy'), 0o644);
    writeFileSync(join(exec, 'haproxy'), '#!/bin/sh\n');
    chmodSync(join(exec, 'haproxy'), 0o755);
    // Root may read anything, but X_OK still needs an execute bit.
    expect(await haproxyAvailable(`${notExec}:${exec}`)).toBe(join(exec, 'haproxy'));
  });
});
