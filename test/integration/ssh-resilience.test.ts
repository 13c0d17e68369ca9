/**
 * The SSH connector when things go wrong, against a real OpenSSH sshd: command timeouts, huge
 * output, dropped and hung connections, refused ports and names that do not resolve.
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

/** sshd's count of TCP connections accepted in this part of its log. */
const connectionsIn = (log: string): number => (log.match(/Connection from 127\.0\.0\.1 port/g) ?? []).length;

let sshd: TestSshd;

beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.dispose();
});

describe('one exec going wrong leaves the connection usable', () => {
  it('stops a command at its timeout with PROBE_TIMEOUT, kills it, and runs the next exec on the same connection', async () => {
    const pool = new SshPool();
    const target = sshd.target('slow');
    try {
      await pool.exec(target, 'true', { timeoutMs: 5000 });
      const mark = sshd.logText().length;
      const started = Date.now();
      const err = await rejection(pool.exec(target, 'sleep 31.5', { timeoutMs: 500 }));
      expect(err.code).toBe('PROBE_TIMEOUT');
      expect(err.subject).toBe('slow');
      expect(Date.now() - started).toBeLessThan(2500);

      expect((await pool.exec(target, 'echo still-here', { timeoutMs: 5000 })).stdout).toBe('still-here\n');
      expect(connectionsIn(sshd.logText().slice(mark))).toBe(0);
      // sshd turned the KILL signal request into killpg() of the command's process group.
      await sshd.waitForLog(/session_signal_req: signal KILL/, mark);
      const deadline = Date.now() + 5000;
      for (;;) {
        const ps = await pool.exec(target, "ps -eo args | grep -c '^slee[p] 31.5$' || true", { timeoutMs: 5000 });
        if (ps.stdout.trim() === '0') break;
        if (Date.now() > deadline) throw new Error('the timed-out command is still running');
      }
    } finally {
      await pool.closeAll();
    }
  });

  it('drops output past 1 MiB with PARSE_FAILED without crashing, and keeps the connection', async () => {
    const pool = new SshPool();
    const target = sshd.target('chatty');
    try {
      const small = await pool.exec(target, 'head -c 1048576 /dev/zero', { timeoutMs: 10_000 });
      expect(small.stdout.length).toBe(1024 * 1024);
      const mark = sshd.logText().length;
      const err = await rejection(pool.exec(target, 'head -c 3000000 /dev/zero; echo done >&2', { timeoutMs: 10_000 }));
      expect(err.code).toBe('PARSE_FAILED');
      expect(err.detail).toMatchObject({ maxOutputBytes: 1024 * 1024 });
      expect((await pool.exec(target, 'echo ok', { timeoutMs: 5000 })).stdout).toBe('ok\n');
      expect(connectionsIn(sshd.logText().slice(mark))).toBe(0);
    } finally {
      await pool.closeAll();
    }
  });
});

describe('connection failures', () => {
  it('reports a dropped connection as HOST_UNREACHABLE, backs off, then reconnects once sshd is back', async () => {
    let clock = 1_000_000;
    const pool = new SshPool({ now: () => clock, random: () => 0.5, backoff: { baseMs: 1000, maxMs: 8000 } });
    const target = sshd.target('dropped');
    let down = false;
    try {
      await pool.exec(target, 'true', { timeoutMs: 5000 });
      await sshd.stop();
      down = true;
      const lost = await rejection(pool.exec(target, 'echo again', { timeoutMs: 5000 }));
      expect(lost.code).toBe('HOST_UNREACHABLE');
      expect(lost.message).toContain(`127.0.0.1:${sshd.port}`);

      // First failure: full jitter over [0, 1000) with random 0.5 → 500 ms.
      const fast = await rejection(pool.exec(target, 'echo again', { timeoutMs: 5000 }));
      expect(fast.code).toBe('HOST_UNREACHABLE');
      expect(fast.detail).toMatchObject({ retryAt: clock + 500, consecutiveFailures: 1 });

      await sshd.restart();
      down = false;
      const mark = sshd.logText().length;
      // Still inside the backoff: fails fast without touching sshd.
      expect((await rejection(pool.exec(target, 'true', { timeoutMs: 5000 }))).detail).toMatchObject({ retryAt: clock + 500 });
      expect(connectionsIn(sshd.logText().slice(mark))).toBe(0);

      clock += 500;
      expect((await pool.exec(target, 'echo back', { timeoutMs: 5000 })).stdout).toBe('back\n');
      expect(connectionsIn(sshd.logText().slice(mark))).toBe(1);
    } finally {
      await pool.closeAll();
      // Leave sshd up for the other tests even when an assertion failed.
      if (down) await sshd.restart();
    }
  });

  it('notices a hung host through keepalives', async () => {
    const pool = new SshPool({ keepaliveIntervalMs: 200 });
    const target = sshd.target('hung');
    try {
      await pool.exec(target, 'true', { timeoutMs: 5000 });
      const running = pool.exec(target, 'sleep 20', { timeoutMs: 30_000 });
      sshd.freeze();
      const started = Date.now();
      const err = await rejection(running);
      expect(err.code).toBe('HOST_UNREACHABLE');
      expect(err.message).toMatch(/keepalive/);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      sshd.thaw();
      await pool.closeAll();
    }
  });

  it('gives CONNECT_TIMEOUT when the host accepts TCP but never completes the handshake', async () => {
    const pool = new SshPool({ connectTimeoutMs: 500 });
    sshd.freeze();
    try {
      const started = Date.now();
      const err = await rejection(pool.exec(sshd.target('frozen'), 'true', { timeoutMs: 5000 }));
      expect(err.code).toBe('CONNECT_TIMEOUT');
      expect(err.subject).toBe('frozen');
      expect(err.message).toContain(`127.0.0.1:${sshd.port}`);
      expect(Date.now() - started).toBeGreaterThanOrEqual(490);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      sshd.thaw();
      await pool.closeAll();
    }
  });

  it('reports a refused port as HOST_UNREACHABLE with host:port and the OS reason', async () => {
    const port = await freePort();
    const pool = new SshPool();
    const err = await rejection(pool.exec(sshd.target('refused', { port }), 'true', { timeoutMs: 5000 }));
    expect(err.code).toBe('HOST_UNREACHABLE');
    expect(err.subject).toBe('refused');
    expect(err.message).toContain(`127.0.0.1:${port}`);
    expect(err.message).toContain('connection refused (ECONNREFUSED)');
  });

  it('reports a name that does not resolve as HOST_UNREACHABLE', async () => {
    const pool = new SshPool();
    // .invalid never resolves (RFC 6761).
    const err = await rejection(pool.exec(sshd.target('typo', { host: 'gpu-node.invalid' }), 'true', { timeoutMs: 5000 }));
    expect(err.code).toBe('HOST_UNREACHABLE');
    expect(err.message).toContain('gpu-node.invalid:');
    expect(err.detail).toMatchObject({ osCode: expect.stringMatching(/^(ENOTFOUND|EAI_AGAIN)$/) });
  });
});
