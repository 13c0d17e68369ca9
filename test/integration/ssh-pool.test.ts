/**
 * The SSH pool's connection management against a real OpenSSH sshd: channels per connection,
 * bastions (ProxyJump), closing and re-targeting, and the fleet-wide handshake cap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetError } from '../../shared/errors';
import { SshPool } from '../../electron/core/ssh/pool';
import { freePort, startSshd, type TestSshd } from './helpers/sshd';

async function rejection(p: Promise<unknown>): Promise<FleetError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(FleetError);
    return err as FleetError;
  }
  throw new Error('expected a rejection');
}

let sshd: TestSshd;

beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.dispose();
});

describe('exec channels on one connection', () => {
  it('runs more execs at once than sshd’s default MaxSessions (10) allows, by queueing them', async () => {
    const pool = new SshPool();
    try {
      const results = await Promise.all(Array.from({ length: 14 }, (_, i) => pool.exec(sshd.target('busy'), `sleep 0.3; echo ${i}`, { timeoutMs: 10_000 })));
      expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 14 }, (_, i) => `${i}\n`));
    } finally {
      await pool.closeAll();
    }
  });

  it('keeps at most maxChannelsPerConnection commands running at once', async () => {
    const pool = new SshPool({ maxChannelsPerConnection: 2 });
    try {
      await pool.exec(sshd.target('narrow'), 'true', { timeoutMs: 5000 });
      const started = Date.now();
      await Promise.all(Array.from({ length: 6 }, () => pool.exec(sshd.target('narrow'), 'sleep 0.3', { timeoutMs: 10_000 })));
      // Six 0.3 s commands, two at a time: at least three rounds.
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    } finally {
      await pool.closeAll();
    }
  });

  it('asks again for channels a host with a lower MaxSessions refuses, and gives up with COMMAND_FAILED at the timeout', async () => {
    const strict = await startSshd({ maxSessions: 2 });
    const pool = new SshPool();
    try {
      const mark = strict.logText().length;
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => pool.exec(strict.target('strict'), `sleep 0.2; echo ${i}`, { timeoutMs: 10_000 })));
      expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 6 }, (_, i) => `${i}\n`));
      // sshd did refuse some: the retries were exercised, not merely the local cap.
      expect(strict.logText().slice(mark)).toContain('server_input_channel_open: failure session');

      const holders = [pool.exec(strict.target('strict'), 'sleep 2', { timeoutMs: 10_000 }), pool.exec(strict.target('strict'), 'sleep 2', { timeoutMs: 10_000 })];
      await strict.waitForLog(/(Starting session[\s\S]*){8}/, mark);
      const err = await rejection(pool.exec(strict.target('strict'), 'echo never', { timeoutMs: 600 }));
      expect(err.code).toBe('COMMAND_FAILED');
      expect(err.message).toMatch(/MaxSessions/);
      await Promise.all(holders);
    } finally {
      await pool.closeAll();
      await strict.dispose();
    }
  });
});

describe('ProxyJump', () => {
  it('reaches the target through a bastion’s forwarded channel', async () => {
    const pool = new SshPool();
    const mark = sshd.logText().length;
    try {
      const target = sshd.target('behind-bastion', { jump: { host: '127.0.0.1', port: sshd.port, user: sshd.user } });
      expect((await pool.exec(target, 'echo through', { timeoutMs: 5000 })).stdout).toBe('through\n');
      const log = sshd.logText().slice(mark);
      expect(log).toMatch(new RegExp(`direct-tcpip.*target 127\\.0\\.0\\.1 port ${sshd.port}|server_request_direct_tcpip: originator 127\\.0\\.0\\.1 port 0, target 127\\.0\\.0\\.1 port ${sshd.port}`));
      // Two authenticated SSH connections: the bastion's over TCP, the target's inside it.
      expect(log.match(/Accepted publickey for/g)).toHaveLength(2);
    } finally {
      await pool.closeAll();
    }
  });

  it('explains a bastion that refuses to forward', async () => {
    const bastion = await startSshd({ allowTcpForwarding: false });
    const pool = new SshPool();
    try {
      const target = sshd.target('no-forwarding', {
        jump: { host: '127.0.0.1', port: bastion.port, user: bastion.user },
        identityFile: bastion.identityFile,
        knownHostsFile: bastion.knownHostsFile,
      });
      const err = await rejection(pool.exec(target, 'true', { timeoutMs: 5000 }));
      expect(err.code).toBe('HOST_UNREACHABLE');
      expect(err.message).toMatch(/bastion could not open a connection to 127\.0\.0\.1:\d+ via bastion/);
      expect(err.message).toMatch(/allows TCP forwarding/);
    } finally {
      await pool.closeAll();
      await bastion.dispose();
    }
  });
});

describe('pool lifecycle', () => {
  it('close() fails the execs in flight and the next exec reconnects at once (no backoff)', async () => {
    const pool = new SshPool({ backoff: { baseMs: 60_000, maxMs: 60_000 } });
    const target = sshd.target('closing');
    try {
      await pool.exec(target, 'true', { timeoutMs: 5000 });
      const mark = sshd.logText().length;
      const running = pool.exec(target, 'sleep 20', { timeoutMs: 30_000 });
      await sshd.waitForLog(/Starting session: command for fleetops-test/, mark);
      pool.close('closing');
      const err = await rejection(running);
      expect(err.code).toBe('HOST_UNREACHABLE');
      expect(err.message).toContain('fleetops closed it');
      expect(pool.stats().connections).toBe(0);
      // An intentional close is not a failure: with a 60 s backoff, a failure would fail fast here.
      expect((await pool.exec(target, 'echo reopened', { timeoutMs: 5000 })).stdout).toBe('reopened\n');
    } finally {
      await pool.closeAll();
    }
  });

  it('opens a new connection when the inventory changes a target’s address', async () => {
    const pool = new SshPool();
    try {
      await pool.exec(sshd.target('moving'), 'true', { timeoutMs: 5000 });
      const err = await rejection(pool.exec(sshd.target('moving', { port: await freePort() }), 'true', { timeoutMs: 5000 }));
      expect(err.code).toBe('HOST_UNREACHABLE');
      expect(pool.stats().connections).toBe(0);
    } finally {
      await pool.closeAll();
    }
  });
});

describe('handshake cap', () => {
  it('never has more than maxConcurrentHandshakes unauthenticated connections, by the pool’s count and by sshd’s log', async () => {
    const pool = new SshPool({ maxConcurrentHandshakes: 2 });
    const mark = sshd.logText().length;
    try {
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => pool.exec(sshd.target(`node-${i}`), `echo ${i}`, { timeoutMs: 10_000 })),
      );
      expect(results.map((r) => r.stdout)).toEqual(['0\n', '1\n', '2\n', '3\n', '4\n', '5\n']);
      expect(pool.stats()).toMatchObject({ connections: 6, handshakesInFlight: 0, peakHandshakesInFlight: 2 });

      // From sshd's side: connections accepted but not yet authenticated, at every point of the log.
      const pending = new Set<string>();
      let peak = 0;
      for (const line of sshd.logText().slice(mark).split('\n')) {
        const opened = /^Connection from 127\.0\.0\.1 port (\d+)/.exec(line);
        const authed = /^Accepted publickey for \S+ from 127\.0\.0\.1 port (\d+)/.exec(line);
        if (opened) pending.add(opened[1]);
        if (authed) pending.delete(authed[1]);
        peak = Math.max(peak, pending.size);
      }
      expect(pending.size).toBe(0);
      expect(peak).toBe(2);
    } finally {
      await pool.closeAll();
    }
  });
});
