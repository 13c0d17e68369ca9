/**
 * The SSH connector against a real OpenSSH sshd: exec, host key checking and authentication.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetError } from '../../shared/errors';
import { SshPool } from '../../electron/core/ssh/pool';
import type { HostKeyUnknownEvent } from '../../electron/core/ssh/types';
import { startAgent } from './helpers/ssh-agent';
import { startSshd, type TestSshd } from './helpers/sshd';

const FIXTURES = join(__dirname, '..', 'fixtures', 'nvidia-smi', 'h100-80gb-hbm3');
const GPU_FIELDS = ['index', 'uuid', 'name', 'pci.bus_id', 'temperature.gpu', 'memory.total', 'memory.used', 'power.draw', 'clocks.sm'];

/** What the driver printed for these fields, from the capture (`clocks.sm` is documented as `clocks.current.sm`). */
function capturedRow(fields: string[], column: 'value_csv' | 'value_nounits'): string {
  const rows = readFileSync(join(FIXTURES, 'fields-idle.tsv'), 'utf8').trimEnd().split('\n').map((l) => l.split('\t'));
  const col = rows[0].indexOf(column);
  const byField = new Map(rows.slice(1).map((r) => [r[0], r]));
  return fields.map((f) => byField.get(f === 'clocks.sm' ? 'clocks.current.sm' : f)![col]).join(', ');
}

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
let counter = 0;
const freshFile = (name: string): string => join(sshd.dir, `${name}-${++counter}`);

beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.dispose();
});

describe('exec over a key-authenticated connection', () => {
  it('runs the fake nvidia-smi and returns the captured driver output byte for byte', async () => {
    const pool = new SshPool();
    try {
      const target = sshd.target();
      const nounits = await pool.exec(target, `nvidia-smi --query-gpu=${GPU_FIELDS.join(',')} --format=csv,noheader,nounits`, { timeoutMs: 5000 });
      expect(nounits).toMatchObject({ code: 0, signal: null, stderr: '' });
      expect(nounits.stdout).toBe(`${capturedRow(GPU_FIELDS, 'value_nounits')}\n`);
      expect(nounits.stdout).toContain('NVIDIA H100 80GB HBM3');

      const withUnits = await pool.exec(target, `nvidia-smi --query-gpu=memory.total,power.draw --format=csv`, { timeoutMs: 5000 });
      expect(withUnits.stdout).toBe(`memory.total [MiB], power.draw [W]\n${capturedRow(['memory.total', 'power.draw'], 'value_csv')}\n`);

      const apps = await pool.exec(target, 'nvidia-smi --query-compute-apps=gpu_uuid,pid,process_name,used_memory --format=csv,noheader,nounits', {
        timeoutMs: 5000,
      });
      expect(apps.stdout).toBe(readFileSync(join(FIXTURES, 'idle-compute-apps.csv'), 'utf8'));

      const bogus = await pool.exec(target, 'nvidia-smi --query-gpu=index,bogus.field --format=csv', { timeoutMs: 5000 });
      expect(bogus.code).toBe(2);
      expect(bogus.stdout).toBe(readFileSync(join(FIXTURES, 'err-bogus-field.txt'), 'utf8').replace(/rc=2\n$/, ''));

      const failing = await pool.exec(target, 'echo out; echo err >&2; exit 7', { timeoutMs: 5000 });
      expect(failing).toMatchObject({ stdout: 'out\n', stderr: 'err\n', code: 7, signal: null });
      expect(pool.stats().connections).toBe(1);
    } finally {
      await pool.closeAll();
    }
  });

  it('shares one handshake between execs issued while connecting', async () => {
    const pool = new SshPool();
    const mark = sshd.logText().length;
    try {
      const results = await Promise.all([1, 2, 3, 4, 5].map((i) => pool.exec(sshd.target('shared'), `echo ${i}`, { timeoutMs: 5000 })));
      expect(results.map((r) => r.stdout)).toEqual(['1\n', '2\n', '3\n', '4\n', '5\n']);
      const log = sshd.logText().slice(mark);
      expect(log.match(/Connection from 127\.0\.0\.1/g)).toHaveLength(1);
    } finally {
      await pool.closeAll();
    }
  });
});

describe('host keys', () => {
  it('rejects an unknown host with its ssh-keygen fingerprint, then trusts it on the operator’s word', async () => {
    const events: HostKeyUnknownEvent[] = [];
    const pool = new SshPool({ onHostKeyUnknown: (e) => events.push(e) });
    const knownHostsFile = freshFile('known_hosts_empty');
    const target = sshd.target('new-node', { knownHostsFile });
    try {
      const err = await rejection(pool.exec(target, 'echo hi', { timeoutMs: 5000 }));
      expect(err.code).toBe('SSH_HOST_KEY_UNKNOWN');
      expect(err.subject).toBe('new-node');
      const keygen = execFileSync('ssh-keygen', ['-lf', sshd.hostPublicKeyFile], { encoding: 'utf8' }).split(' ')[1];
      expect(err.detail).toMatchObject({ fingerprint: keygen, keyType: 'ssh-ed25519' });
      expect(events).toEqual([
        { targetKey: 'new-node', host: '127.0.0.1', port: sshd.port, keyType: 'ssh-ed25519', fingerprint: keygen, knownHostsFile },
      ]);

      // A fingerprint other than the one shown is never trusted.
      const wrong = await rejection(pool.trustHostKey('new-node', 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'));
      expect(wrong.code).toBe('SSH_HOST_KEY_MISMATCH');
      expect((await rejection(pool.trustHostKey('other-node', keygen))).code).toBe('NOT_FOUND');

      await pool.trustHostKey('new-node', keygen);
      expect(readFileSync(knownHostsFile, 'utf8')).toBe(`${sshd.hostKeyLine}\n`);
      // Trusting ends the backoff the failure started: the next exec connects at once.
      expect((await pool.exec(target, 'echo hi', { timeoutMs: 5000 })).stdout).toBe('hi\n');
    } finally {
      await pool.closeAll();
    }
  });

  it('refuses a changed host key before sending anything, and names the known_hosts line', async () => {
    const other = freshFile('other_host_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const knownHostsFile = freshFile('known_hosts_changed');
    const otherKey = readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    writeFileSync(knownHostsFile, `# a comment\n[127.0.0.1]:${sshd.port} ${otherKey}\n`);
    const pool = new SshPool();
    const mark = sshd.logText().length;
    try {
      const err = await rejection(pool.exec(sshd.target('moved', { knownHostsFile }), 'touch /tmp/should-never-run', { timeoutMs: 5000 }));
      expect(err.code).toBe('SSH_HOST_KEY_MISMATCH');
      expect(err.message).toContain('line 2');
      expect(err.detail).toMatchObject({ knownHostsLines: [2] });
      await expectNothingReachedSshd(mark);
    } finally {
      await pool.closeAll();
    }
  });

  it('treats a key marked @revoked as a mismatch even when it is also listed as trusted', async () => {
    const knownHostsFile = freshFile('known_hosts_revoked');
    writeFileSync(knownHostsFile, `${sshd.hostKeyLine}\n@revoked ${sshd.hostKeyLine}\n`);
    const pool = new SshPool();
    const mark = sshd.logText().length;
    try {
      const err = await rejection(pool.exec(sshd.target('revoked', { knownHostsFile }), 'true', { timeoutMs: 5000 }));
      expect(err.code).toBe('SSH_HOST_KEY_MISMATCH');
      expect(err.message).toContain('@revoked');
      await expectNothingReachedSshd(mark);
    } finally {
      await pool.closeAll();
    }
  });

  it('asks first for the key type known_hosts has, so a host with several host keys matches', async () => {
    // ssh2 prefers ed25519; known_hosts holds only the server's ECDSA key.
    const knownHostsFile = freshFile('known_hosts_ecdsa');
    writeFileSync(knownHostsFile, `${sshd.ecdsaHostKeyLine}\n`);
    const pool = new SshPool();
    try {
      expect((await pool.exec(sshd.target('ecdsa', { knownHostsFile }), 'echo ok', { timeoutMs: 5000 })).stdout).toBe('ok\n');
    } finally {
      await pool.closeAll();
    }
  });

  it('matches a hashed known_hosts entry written by ssh-keygen -H', async () => {
    const knownHostsFile = freshFile('known_hosts_hashed');
    writeFileSync(knownHostsFile, `${sshd.hostKeyLine}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', knownHostsFile], { stdio: 'ignore' });
    expect(readFileSync(knownHostsFile, 'utf8')).toMatch(/^\|1\|/);
    const pool = new SshPool();
    try {
      expect((await pool.exec(sshd.target('hashed', { knownHostsFile }), 'echo ok', { timeoutMs: 5000 })).stdout).toBe('ok\n');
    } finally {
      await pool.closeAll();
    }
  });
});

/**
 * Waits for sshd to log the end of the refused connection, then checks that the connection
 * reached sshd but no authentication request did (DEBUG1 logs each one as "userauth-request").
 */
async function expectNothingReachedSshd(mark: number): Promise<void> {
  const log = await sshd.waitForLog(/Connection from 127\.0\.0\.1[\s\S]*(Connection (closed|reset) by|Received disconnect from|Disconnected from)/, mark);
  expect(log).not.toMatch(/userauth-request|Accepted publickey|Failed publickey|Starting session/);
  // Stronger: the client never even finished the key exchange, so no encrypted packet was sent.
  expect(log).toContain('expecting SSH2_MSG_NEWKEYS');
  expect(log).not.toContain('SSH2_MSG_NEWKEYS received');
}

describe('authentication', () => {
  it('reports SSH_AUTH_FAILED naming user@host when the key is not authorized', async () => {
    const pool = new SshPool();
    try {
      const err = await rejection(pool.exec(sshd.target('wrong-key', { identityFile: sshd.unauthorizedIdentityFile }), 'true', { timeoutMs: 5000 }));
      expect(err.code).toBe('SSH_AUTH_FAILED');
      expect(err.subject).toBe('wrong-key');
      expect(err.message).toContain(`fleetops-test@127.0.0.1:${sshd.port}`);
      expect(err.message).toContain(sshd.unauthorizedIdentityFile);
    } finally {
      await pool.closeAll();
    }
  });

  it('needs the passphrase of an encrypted key, gets it from the provider, and never repeats it', async () => {
    const target = sshd.target('encrypted', { identityFile: sshd.encryptedIdentityFile });
    const without = new SshPool();
    const mark = sshd.logText().length;
    const err = await rejection(without.exec(target, 'true', { timeoutMs: 5000 }));
    expect(err.code).toBe('SSH_PASSPHRASE_REQUIRED');
    expect(err.detail).toEqual({ identityFile: sshd.encryptedIdentityFile });
    // Decided locally: the node was not contacted.
    expect(sshd.logText().slice(mark)).not.toContain('Connection from');
    await without.closeAll();

    const asked: string[] = [];
    const withProvider = new SshPool({
      passphrases: {
        get: async (file) => {
          asked.push(file);
          return sshd.passphrase;
        },
      },
    });
    try {
      expect((await withProvider.exec(target, 'echo unlocked', { timeoutMs: 5000 })).stdout).toBe('unlocked\n');
      expect(asked).toEqual([sshd.encryptedIdentityFile]);
    } finally {
      await withProvider.closeAll();
    }

    const wrongPassphrase = new SshPool({ passphrases: { get: async () => 'not the passphrase' } });
    const wrong = await rejection(wrongPassphrase.exec(target, 'true', { timeoutMs: 5000 }));
    expect(wrong.code).toBe('SSH_AUTH_FAILED');
    expect(JSON.stringify({ message: wrong.message, detail: wrong.detail })).not.toContain('not the passphrase');
    await wrongPassphrase.closeAll();
  });

  it('authenticates with ssh-agent, alone or when the identity file is encrypted and no passphrase is stored', async () => {
    const agent = await startAgent(sshd.dir);
    const pool = new SshPool();
    try {
      // Empty agent + encrypted file without passphrase: the passphrase is what is missing.
      const empty = await rejection(
        pool.exec(sshd.target('agent-empty', { identityFile: sshd.encryptedIdentityFile, agent: agent.socket }), 'true', { timeoutMs: 5000 }),
      );
      expect(empty.code).toBe('SSH_PASSPHRASE_REQUIRED');

      agent.add(sshd.identityFile);
      const agentOnly = sshd.target('agent-only', { identityFile: undefined, agent: agent.socket });
      expect((await pool.exec(agentOnly, 'echo via-agent', { timeoutMs: 5000 })).stdout).toBe('via-agent\n');
      const encryptedPlusAgent = sshd.target('agent-fallback', { identityFile: sshd.encryptedIdentityFile, agent: agent.socket });
      expect((await pool.exec(encryptedPlusAgent, 'echo fallback', { timeoutMs: 5000 })).stdout).toBe('fallback\n');
    } finally {
      await pool.closeAll();
      await agent.stop();
    }
  });

  it('fails without any credential configured, before connecting', async () => {
    const pool = new SshPool();
    const err = await rejection(pool.exec(sshd.target('nothing', { identityFile: undefined, agent: false }), 'true', { timeoutMs: 5000 }));
    expect(err.code).toBe('SSH_AUTH_FAILED');
    expect(err.message).toMatch(/no identity file and no ssh-agent/);
  });
});
